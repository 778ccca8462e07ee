"""A shopper announces a return: the receipt's rules apply, nothing moves yet, and units
already announced cannot be announced again."""

import pytest

from comptoir.core.models import OutboxEvent
from comptoir.locations.tests.factories import make_store
from comptoir.returns.errors import InvalidReturn
from comptoir.returns.models import Return
from comptoir.returns.selectors import order_progress, return_discrepancies
from comptoir.returns.services import ReturnLabel, ReturnLineRequest, announce_return
from comptoir.returns.tests.factories import carrier_scans, shipped_home_order
from comptoir.shipping.domain.tracking import TrackingStatus

pytestmark = pytest.mark.django_db


def _announce(order, location, quantity, **more):
    return announce_return(
        order_id=order.pk,
        location_id=location.pk,
        method=more.pop("method", "store"),
        lines=[ReturnLineRequest(1, quantity, "too_small")],
        **more,
    )


def test_an_announced_return_moves_no_stock_and_refunds_nothing_yet(client):
    order, _ = shipped_home_order(client, quantity=2)
    carrier_scans(order, TrackingStatus.DELIVERED)
    store = make_store("lyon-part-dieu")
    events_before = OutboxEvent.objects.count()

    record = _announce(order, store, 1)

    line = order.lines.get(line_number=1)
    order.payment.refresh_from_db()
    assert (record.status, record.refund_amount, record.location_id) == (
        "announced",
        line.unit_price,
        store.pk,
    )
    assert (line.returned_quantity, order.payment.refunded_amount) == (0, 0)
    assert OutboxEvent.objects.count() == events_before
    assert order_progress(order).units_to_return == 1
    assert return_discrepancies() == []


def test_units_already_announced_cannot_be_announced_again(client):
    order, _ = shipped_home_order(client, quantity=2)
    carrier_scans(order, TrackingStatus.DELIVERED)
    store = make_store("lyon-part-dieu")
    _announce(order, store, 1)

    with pytest.raises(InvalidReturn, match="at most 1 left"):
        _announce(order, store, 2)
    _announce(order, store, 1)

    assert Return.objects.filter(order_id=order.pk).count() == 2
    assert order_progress(order).units_to_return == 0


def test_a_parcel_not_yet_delivered_cannot_be_announced_back(client):
    order, _ = shipped_home_order(client, quantity=1)

    with pytest.raises(InvalidReturn, match="not a delivered or collected line"):
        _announce(order, make_store("lyon-part-dieu"), 1)

    assert not Return.objects.exists()


def test_a_return_by_post_keeps_its_label_and_needs_one(client):
    order, warehouse = shipped_home_order(client, quantity=1)
    carrier_scans(order, TrackingStatus.DELIVERED)

    with pytest.raises(InvalidReturn, match="label"):
        _announce(order, warehouse, 1, method="post")
    record = _announce(
        order, warehouse, 1, method="post", label=ReturnLabel("Colis Express", "CE123", "^XA")
    )

    assert (record.method, record.label_carrier, record.label_tracking_number) == (
        "post",
        "Colis Express",
        "CE123",
    )
