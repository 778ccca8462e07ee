"""32 shoppers check out at once for the last 5 places of a capacity: exactly 5 orders.

The losers get a 409 (CapacityFull when placing refuses them; OptionUnavailable when the
options they are computed against already show the capacity taken) and leave nothing
behind: no order, no hold, no capacity taken. Every bucket's usage row equals what the live
orders took, and `comptoir reconcile` finds nothing wrong. Real parallel connections:
PostgreSQL only.
"""

from datetime import UTC, datetime

import pytest

from comptoir.carts.services import add_line, open_anonymous_cart
from comptoir.fulfilment import capacity
from comptoir.fulfilment.checkout import CheckoutRequest, OptionUnavailable, check_out
from comptoir.fulfilment.errors import CapacityFull
from comptoir.fulfilment.models import CapacityConsumption, CapacityUsage
from comptoir.fulfilment.services import close_tasks_of_cancelled_order
from comptoir.fulfilment.tests.checkout_factories import (
    JACKET,
    TUESDAY_2_PM,
    part_dieu,
    shelve,
    warehouse,
)
from comptoir.inventory.models import Hold, StockLevel
from comptoir.orders.models import Order
from comptoir.orders.services.lifecycle import cancel_order
from comptoir.orders.services.placing import PaymentRequest
from comptoir.orders.tests.factories import CARD_OK, HOME, make_jackets
from comptoir.reconciliation import reconcile

from .racing import at_once

SHOPPERS = 32
TAKEN_BEFORE = 3
LEFT = 5
WEDNESDAY_6_PM = datetime(2026, 11, 25, 17, 0, tzinfo=UTC)  # a slot the warehouse offers


def _cart() -> int:
    cart = open_anonymous_cart(channel="web")
    add_line(cart_id=cart.pk, sku=JACKET, quantity=1, channel="web")
    return cart.pk


def _check_out(cart_id: int, *, option: str, store: str | None = None) -> str:
    try:
        check_out(
            CheckoutRequest(
                cart_id=cart_id,
                customer_id=None,
                option=option,
                payment=PaymentRequest("card", CARD_OK),
                store_code=store,
                delivery_address={} if store else HOME,
                slot_starts_at=WEDNESDAY_6_PM if option == "home_time_slot" else None,
            ),
            now=TUESDAY_2_PM,
        )
    except (CapacityFull, OptionUnavailable):  # both 409: refused when placed, or not offered
        return "full"
    return "ordered"


def _nothing_left_behind(location, kind: str) -> None:
    orders = TAKEN_BEFORE + LEFT
    assert Order.objects.count() == orders
    assert Hold.objects.count() == orders
    assert StockLevel.objects.get(location=location, variant__sku=JACKET).held == orders
    usage = CapacityUsage.objects.get(location=location, kind=kind)
    assert (usage.used, usage.limit_units) == (orders, orders)
    assert CapacityConsumption.objects.filter(location=location, kind=kind).count() == orders
    assert reconcile() == []


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_32_checkouts_for_the_last_5_places_of_a_slot_take_exactly_5():
    east = warehouse()
    make_jackets()
    shelve(east, 100)
    capacity.set_capacity(
        location_id=east.pk,
        limits={"deliveries_per_slot": TAKEN_BEFORE + LEFT},
        now=TUESDAY_2_PM,
    )
    for _ in range(TAKEN_BEFORE):
        assert _check_out(_cart(), option="home_time_slot") == "ordered"
    carts = [_cart() for _ in range(SHOPPERS)]

    outcomes = at_once(SHOPPERS, lambda n: _check_out(carts[n], option="home_time_slot"))

    assert sorted(outcomes) == ["full"] * (SHOPPERS - LEFT) + ["ordered"] * LEFT
    _nothing_left_behind(east, "slot")
    assert Order.objects.filter(delivery_slot_starts_at=WEDNESDAY_6_PM).count() == 8


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_32_checkouts_for_the_last_5_units_a_store_can_pick_today_take_exactly_5():
    store = part_dieu("click_and_collect")
    make_jackets()
    shelve(store, 100)
    capacity.set_capacity(
        location_id=store.pk,
        limits={"picking_units_per_day": TAKEN_BEFORE + LEFT},
        now=TUESDAY_2_PM,
    )
    for _ in range(TAKEN_BEFORE):
        assert _check_out(_cart(), option="click_and_collect", store=store.code) == "ordered"
    carts = [_cart() for _ in range(SHOPPERS)]

    outcomes = at_once(
        SHOPPERS, lambda n: _check_out(carts[n], option="click_and_collect", store=store.code)
    )

    assert sorted(outcomes) == ["full"] * (SHOPPERS - LEFT) + ["ordered"] * LEFT
    _nothing_left_behind(store, "picking")


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_a_cancellation_delivered_8_times_at_once_gives_the_capacity_back_once():
    store = part_dieu("click_and_collect")
    make_jackets()
    shelve(store, 100)
    capacity.set_capacity(
        location_id=store.pk, limits={"picking_units_per_day": 10}, now=TUESDAY_2_PM
    )
    for _ in range(2):
        assert _check_out(_cart(), option="click_and_collect", store=store.code) == "ordered"
    first = Order.objects.order_by("pk").first()
    cancel_order(order_id=first.pk, reason="customer asked", now=TUESDAY_2_PM)

    def deliver(_: int) -> str:
        close_tasks_of_cancelled_order(order_id=first.pk, now=TUESDAY_2_PM)
        return "delivered"

    outcomes = at_once(8, deliver)

    assert outcomes == ["delivered"] * 8
    assert CapacityUsage.objects.get(location=store, kind="picking").used == 1
    assert CapacityConsumption.objects.filter(released_at__isnull=False).count() == 1
    assert reconcile() == []


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_16_checkouts_for_the_last_3_units_of_a_collection_take_exactly_3():
    east = warehouse()
    make_jackets()
    shelve(east, 100)
    capacity.set_capacity(
        location_id=east.pk,
        limits={"picking_units_per_cut_off": TAKEN_BEFORE + 3},
        now=TUESDAY_2_PM,
    )
    for _ in range(TAKEN_BEFORE):
        assert _check_out(_cart(), option="home_standard") == "ordered"
    carts = [_cart() for _ in range(16)]

    outcomes = at_once(16, lambda n: _check_out(carts[n], option="home_standard"))

    assert sorted(outcomes) == ["full"] * 13 + ["ordered"] * 3
    orders = TAKEN_BEFORE + 3
    assert Order.objects.count() == orders
    assert StockLevel.objects.get(location=east, variant__sku=JACKET).held == orders
    usage = CapacityUsage.objects.get(location=east, kind="cut_off")
    assert (usage.bucket, usage.used, usage.limit_units) == ("2026-11-24", orders, orders)
    assert CapacityConsumption.objects.filter(location=east, kind="cut_off").count() == orders
    assert reconcile() == []
