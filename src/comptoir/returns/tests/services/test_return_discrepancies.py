"""What `comptoir reconcile` reports for returns: units, refunds paid back, refunds due."""

from datetime import timedelta

import pytest

from comptoir.core import clock
from comptoir.core.reconciling import Discrepancy
from comptoir.orders.models import OrderLine, Payment
from comptoir.returns.selectors import return_discrepancies
from comptoir.returns.services import ReturnLineRequest, receive_return
from comptoir.returns.tests.services.test_refunds import _delivered, _psp_refuses_refunds


def _take_back_one(order, warehouse):
    return receive_return(
        order_id=order.pk,
        location_id=warehouse.pk,
        method="post",
        lines=[ReturnLineRequest(1, 1, "too_big")],
    )


@pytest.mark.django_db
def test_a_return_refunded_as_it_should_be_reports_nothing(client):
    order, warehouse = _delivered(client)
    _take_back_one(order, warehouse)

    assert return_discrepancies(now=clock.now() + timedelta(days=1)) == []


@pytest.mark.django_db
def test_a_line_whose_returned_units_are_not_its_return_lines_is_reported(client):
    order, warehouse = _delivered(client)
    _take_back_one(order, warehouse)
    OrderLine.objects.filter(order=order).update(returned_quantity=2)

    assert return_discrepancies() == [
        Discrepancy(
            "returned-units-match-return-lines",
            f"order:{order.reference} line 1",
            "2 unit(s) counted returned on the line, 1 in its returns",
        )
    ]


@pytest.mark.django_db
def test_a_refunded_return_its_payment_never_paid_back_is_reported(client):
    order, warehouse = _delivered(client)
    _take_back_one(order, warehouse)
    Payment.objects.filter(order=order).update(refunded_amount=0)

    assert return_discrepancies() == [
        Discrepancy(
            "refunded-returns-paid-back",
            f"order:{order.reference}",
            "returns refunded 129.00, the payment refunded 0.00",
        )
    ]


@pytest.mark.django_db
def test_a_refund_still_due_is_reported_after_ten_minutes_not_before(client):
    order, warehouse = _delivered(client)
    _psp_refuses_refunds(times=1)
    record = _take_back_one(order, warehouse)

    soon = return_discrepancies(now=record.created_at + timedelta(minutes=5))
    later = return_discrepancies(now=record.created_at + timedelta(minutes=11))

    assert soon == []
    assert [(d.check, d.subject) for d in later] == [("refund-due", f"return:{record.reference}")]
