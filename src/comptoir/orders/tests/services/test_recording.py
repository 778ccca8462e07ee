"""An order's rows are written all at once (one statement on PostgreSQL) and come back with
their ids, exactly as the database holds them."""

import re
from datetime import timedelta

import pytest

from comptoir.core import clock
from comptoir.core.models import OutboxEvent
from comptoir.customers.tests.factories import make_shopper
from comptoir.inventory.models import Hold
from comptoir.inventory.services.releases import expire_holds
from comptoir.orders.models import Order, OrderLine, Payment, PaymentOperation
from comptoir.orders.services.lifecycle import cancel_order
from comptoir.orders.services.placing import (
    LineRequest,
    OrderRequest,
    PaymentRequest,
    Piece,
    place_order,
)
from comptoir.orders.services.recording import _ORDER_ROWS
from comptoir.orders.services.resourcing import move_line
from comptoir.orders.tests.factories import CARD_OK, HOME, make_jackets, make_location, stock


def _columns(model) -> set[str]:
    return {f.column for f in model._meta.concrete_fields if not f.primary_key}


@pytest.mark.parametrize("model", [Order, OrderLine, Payment, PaymentOperation])
def test_the_one_statement_writes_every_column_of_the_order_its_lines_and_its_payment(model):
    # A column the statement forgets would be NULL (or refused) on PostgreSQL only.
    written = re.search(rf"INSERT INTO {model._meta.db_table} \(([^)]*)\)", _ORDER_ROWS)

    assert written is not None
    assert {c.strip() for c in written.group(1).split(",")} == _columns(model)


def _an_order_without_payment() -> None:
    now = clock.now()
    Order.objects.create(
        reference="CO-EARLIER",
        channel="store",
        fulfilment_mode="home_delivery",
        status="cancelled",
        total=0,
        currency="EUR",
        created_at=now,
        updated_at=now,
    )


def _fields(row) -> dict:
    return {f.attname: getattr(row, f.attname) for f in row._meta.concrete_fields}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("mode", "payment"),
    [
        pytest.param("home_delivery", PaymentRequest("card", CARD_OK), id="card_two_stores"),
        pytest.param("reserve_and_collect", PaymentRequest("at_pickup"), id="at_pickup_case"),
    ],
)
def test_the_rows_placed_come_back_as_the_database_holds_them(mode, payment):
    bellecour = make_location("lyon-bellecour", city="Lyon")
    part_dieu = make_location("lyon-part-dieu", city="Lyon")
    make_jackets()
    stock("JACKET-TRAIL-S", bellecour, 2)
    stock("JACKET-TRAIL-M", part_dieu if mode == "home_delivery" else bellecour, 2)
    jean = make_shopper()
    second = part_dieu if mode == "home_delivery" else bellecour
    _an_order_without_payment()  # so that an order's id and its payment's never coincide

    placed = place_order(
        OrderRequest(
            channel="web",
            fulfilment_mode=mode,
            lines=[
                LineRequest("JACKET-TRAIL-S", 2, bellecour.pk),
                LineRequest("JACKET-TRAIL-M", 1, second.pk),
            ],
            payment=payment,
            customer_id=jean.pk,
            pickup_location_id=bellecour.pk if mode == "reserve_and_collect" else None,
            delivery_address=HOME if mode == "home_delivery" else {},
            created_by="test",
        )
    )

    order = Order.objects.get(reference=placed.order.reference)
    assert _fields(placed.order) == _fields(order)
    assert [_fields(line) for line in placed.lines] == [
        _fields(line) for line in OrderLine.objects.filter(order=order).order_by("line_number")
    ]
    assert _fields(placed.payment) == _fields(Payment.objects.get(order=order))
    holds = {(h.location_id, h.variant_id): h for h in Hold.objects.filter(customer_id=jean.pk)}
    assert [(line.sku, line.quantity) for line in placed.lines] == [
        ("JACKET-TRAIL-S", 2),
        ("JACKET-TRAIL-M", 1),
    ]
    for line in placed.lines:
        hold = holds[(line.location_id, line.variant_id)]
        assert (line.hold_id, hold.quantity, hold.reference) == (
            hold.pk,
            line.quantity,
            order.reference,
        )
    event = OutboxEvent.objects.get(aggregate=f"order:{order.pk}")
    assert event.type == "order.placed"
    assert event.payload == {
        "order_id": order.pk,
        "order_reference": order.reference,
        "customer_id": jean.pk,
        "channel": "web",
        "fulfilment_mode": mode,
        "total": str(order.total),
        "currency": "EUR",
        "location_id": order.pickup_location_id,
    }


@pytest.mark.django_db
def test_an_order_keeps_its_holds_past_any_expiry_until_its_own_rules_end_them():
    bellecour = make_location("lyon-bellecour", city="Lyon")
    part_dieu = make_location("lyon-part-dieu", city="Lyon")
    make_jackets()
    stock("JACKET-TRAIL-S", bellecour, 2)
    stock("JACKET-TRAIL-M", bellecour, 2)
    stock("JACKET-TRAIL-M", part_dieu, 2)
    placed = place_order(
        OrderRequest(
            channel="web",
            fulfilment_mode="home_delivery",
            lines=[
                LineRequest("JACKET-TRAIL-S", 1, bellecour.pk),
                LineRequest("JACKET-TRAIL-M", 1, bellecour.pk),
            ],
            payment=PaymentRequest("card", CARD_OK),
            customer_id=make_shopper().pk,
            delivery_address=HOME,
            created_by="test",
        )
    )
    [moved] = move_line(  # a line sourced again is held for the order just the same
        order_id=placed.order.pk,
        line_number=2,
        pieces=[Piece("JACKET-TRAIL-M", 1, part_dieu.pk)],
        explanation=[],
    )
    hold_ids = [placed.lines[0].hold_id, moved.hold_id]

    assert list(Hold.objects.filter(pk__in=hold_ids).values_list("expires_at", flat=True)) == [
        None,
        None,
    ]
    assert expire_holds(now=clock.now() + timedelta(days=365)) == 0
    assert set(Hold.objects.filter(pk__in=hold_ids).values_list("status", flat=True)) == {"active"}

    cancel_order(order_id=placed.order.pk, reason="the customer changed their mind")

    assert set(Hold.objects.filter(pk__in=hold_ids).values_list("status", flat=True)) == {
        "released"
    }
