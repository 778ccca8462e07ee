"""A refund goes to the original payment once, after the return is recorded; a refusal by
the PSP leaves the return received, to retry."""

from datetime import timedelta
from decimal import Decimal

import pytest

from comptoir.core.models import OutboxEvent
from comptoir.orders.errors import PaymentFailed
from comptoir.orders.models import PaymentOperation
from comptoir.orders.payments.fake import FakePsp
from comptoir.orders.services.payments import retry_operation
from comptoir.returns.models import Return
from comptoir.returns.services import (
    RESUME_AFTER,
    ReturnLineRequest,
    issue_refund,
    receive_return,
)
from comptoir.returns.tests.factories import carrier_scans, shipped_home_order
from comptoir.shipping.domain.tracking import TrackingStatus


def _delivered(client):
    order, warehouse = shipped_home_order(client, quantity=2)
    carrier_scans(order, TrackingStatus.DELIVERED)
    return order, warehouse


def _psp_refuses_refunds(times: int) -> None:
    for _ in range(times):
        FakePsp.fail_next("refund", "refused")


def _refunded(order):
    order.refresh_from_db()
    order.payment.refresh_from_db()
    return order.payment.refunded_amount


@pytest.mark.django_db
def test_a_refund_the_psp_refuses_leaves_the_return_received_and_a_retry_refunds_once(client):
    order, warehouse = _delivered(client)
    _psp_refuses_refunds(times=2)  # the refund at receipt, and the first retry
    record = receive_return(
        order_id=order.pk,
        location_id=warehouse.pk,
        method="post",
        lines=[ReturnLineRequest(1, 2, "too_big")],
    )
    assert (record.status, record.refund_amount) == ("received", 258)
    with pytest.raises(PaymentFailed):
        issue_refund(return_id=record.pk)
    assert Return.objects.get(pk=record.pk).status == "received"
    assert _refunded(order) == 0

    retried = issue_refund(return_id=record.pk)
    again = issue_refund(return_id=record.pk)

    assert (retried.status, again.status) == ("refunded", "refunded")
    assert _refunded(order) == 258
    assert OutboxEvent.objects.filter(type="refund.issued").count() == 1


@pytest.mark.django_db
def test_a_refund_claimed_by_another_caller_is_not_asked_of_the_psp_again(client):
    order, warehouse = _delivered(client)
    _psp_refuses_refunds(times=1)
    record = receive_return(
        order_id=order.pk,
        location_id=warehouse.pk,
        method="post",
        lines=[ReturnLineRequest(1, 1, "too_big")],
    )
    # Another worker claimed it and is waiting for the PSP's answer.
    Return.objects.filter(pk=record.pk).update(status="refunding")

    assert issue_refund(return_id=record.pk).status == "refunding"
    assert _refunded(order) == 0


def _refunded_at_the_psp():
    return sum(
        (amount for result, amount in FakePsp._done.values() if result.status == "refunded"),
        Decimal("0"),
    )


@pytest.mark.django_db
def test_a_refund_the_psp_did_not_answer_is_asked_again_with_its_own_key_and_paid_once(client):
    order, warehouse = _delivered(client)
    FakePsp.fail_next("refund", "timeout")  # the refund at receipt gets no answer
    record = receive_return(
        order_id=order.pk,
        location_id=warehouse.pk,
        method="post",
        lines=[ReturnLineRequest(1, 1, "too_big")],
    )
    assert Return.objects.get(pk=record.pk).status == "refunding"

    # Asked again at once: the first call may still be waiting for the PSP, so nothing goes.
    assert issue_refund(return_id=record.pk).status == "refunding"
    # Later, the caller is gone: the same claim is asked again, with the same key.
    later = record.created_at + RESUME_AFTER + timedelta(seconds=1)
    assert issue_refund(return_id=record.pk, now=later).status == "refunded"
    # And reconcile's retry of whatever is left requested pays nothing more.
    for operation in PaymentOperation.objects.filter(kind="refund", status="requested"):
        retry_operation(operation_id=operation.pk)

    assert _refunded_at_the_psp() == Decimal("129.00")
    assert _refunded(order) == Decimal("129.00")
    assert OutboxEvent.objects.filter(type="refund.issued").count() == 1
