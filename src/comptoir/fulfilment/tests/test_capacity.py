"""A location's capacity: taken by each order as it is placed, given back when it is cancelled.

Through the checkout service: the warehouse east of Lyon ships Jean's jackets in a time slot;
the Part-Dieu store picks them. Races are in tests/concurrency/test_capacity_races.py.
"""

from datetime import UTC, datetime

import pytest
from django.db import connection

from comptoir.carts.services import add_line, open_anonymous_cart
from comptoir.core.errors import ValidationFailed
from comptoir.fulfilment import capacity
from comptoir.fulfilment.checkout import CheckoutRequest, OptionUnavailable, check_out
from comptoir.fulfilment.errors import CapacityFull
from comptoir.fulfilment.models import CapacityConsumption, CapacityUsage, StoreTask
from comptoir.fulfilment.offers import delivery_offers
from comptoir.fulfilment.options import delivery_options, home_place, store_place
from comptoir.fulfilment.selectors import capacity_discrepancies, sourcing_candidates
from comptoir.fulfilment.services import (
    close_tasks_of_cancelled_order,
    create_tasks_for_order,
    dispatch,
    report_not_found,
)
from comptoir.inventory.models import Hold, StockLevel
from comptoir.inventory.selectors import resolve_skus
from comptoir.locations.domain import GeoPoint
from comptoir.orders.models import Order
from comptoir.orders.services.lifecycle import cancel_order
from comptoir.orders.services.placing import (
    LineRequest,
    OrderRequest,
    PaymentRequest,
    place_order,
)
from comptoir.orders.tests.factories import CARD_OK, HOME, deliver_events, make_jackets
from comptoir.reconciliation import reconcile

from ..domain.sourcing import OrderLine
from .checkout_factories import (
    JACKET,
    TUESDAY_2_PM,
    TUESDAY_11_AM,
    at,
    gratte_ciel,
    jean_with_a_jacket,
    part_dieu,
    shelve,
    warehouse,
)

WEDNESDAY_6_PM = datetime(2026, 11, 25, 17, 0, tzinfo=UTC)  # a slot's start, 18:00 in Lyon
WEDNESDAY_8_PM = datetime(2026, 11, 25, 19, 0, tzinfo=UTC)


def place(
    option: str,
    *,
    units: int = 1,
    slot: datetime | None = None,
    store: str | None = None,
    now: datetime = TUESDAY_2_PM,
):
    """An anonymous shopper checks out `units` jackets with `option`."""
    make_jackets()
    cart = open_anonymous_cart(channel="web")
    add_line(cart_id=cart.pk, sku=JACKET, quantity=units, channel="web")
    return check_out(
        CheckoutRequest(
            cart_id=cart.pk,
            customer_id=None,
            option=option,
            payment=PaymentRequest("card", CARD_OK),
            store_code=store,
            delivery_address={} if store else HOME,
            slot_starts_at=slot,
        ),
        now=now,
    )


def set_limits(location, **limits) -> None:
    capacity.set_capacity(location_id=location.pk, limits=limits, now=TUESDAY_2_PM)


def used(location, kind: str) -> int:
    return sum(
        CapacityUsage.objects.filter(location=location, kind=kind).values_list("used", flat=True)
    )


def slot_starts(units: int = 1) -> list[datetime]:
    make_jackets()
    options = delivery_options(
        lines=[OrderLine(JACKET, units)],
        variant_ids=resolve_skus([JACKET]),
        place=home_place(
            point=GeoPoint(45.7640, 4.8357),
            postcode=None,
            point_field="lat",
            postcode_field="postcode",
        ),
        offers=delivery_offers(),
        now=TUESDAY_2_PM,
    )
    slot_option = next(o for o in options if o.code == "home_time_slot")
    return [slot.starts_at for slot in slot_option.slots]


@pytest.mark.django_db
def test_the_chosen_slot_is_kept_on_the_order_and_its_task_and_holds_a_place():
    east = warehouse()
    shelve(east, 5)
    set_limits(east, deliveries_per_slot=2)

    placed = place("home_time_slot", slot=WEDNESDAY_6_PM).placed
    [task] = create_tasks_for_order(order_id=placed.order.pk, now=TUESDAY_2_PM)

    order = Order.objects.get()
    assert (order.delivery_slot_starts_at, order.delivery_slot_ends_at) == (
        WEDNESDAY_6_PM,
        WEDNESDAY_8_PM,
    )
    assert (task.slot_starts_at, task.slot_ends_at) == (WEDNESDAY_6_PM, WEDNESDAY_8_PM)
    slot_row = CapacityUsage.objects.get(location=east, kind="slot")
    assert (slot_row.bucket, slot_row.used, slot_row.limit_units) == (
        "2026-11-25T17:00:00+00:00",
        1,
        2,
    )
    assert used(east, "picking") == 1


@pytest.mark.django_db
def test_a_full_slot_leaves_the_options_at_once_and_a_checkout_in_it_is_refused():
    east = warehouse()
    shelve(east, 5)
    set_limits(east, deliveries_per_slot=1)
    offered_before = slot_starts()

    place("home_time_slot", slot=WEDNESDAY_6_PM)
    with pytest.raises(CapacityFull, match="This slot is full"):
        place("home_time_slot", slot=WEDNESDAY_6_PM)

    assert WEDNESDAY_6_PM in offered_before
    assert slot_starts() == [s for s in offered_before if s != WEDNESDAY_6_PM]
    assert Order.objects.count() == 1


@pytest.mark.django_db
def test_when_every_slot_is_full_the_time_slot_option_says_so():
    east = warehouse()
    shelve(east, 5)
    set_limits(east, deliveries_per_slot=0)
    make_jackets()

    options = delivery_options(
        lines=[OrderLine(JACKET, 1)],
        variant_ids=resolve_skus([JACKET]),
        place=home_place(
            point=GeoPoint(45.7640, 4.8357), postcode=None, point_field="lat", postcode_field="pc"
        ),
        offers=delivery_offers(),
        now=TUESDAY_2_PM,
    )

    slot_option = next(o for o in options if o.code == "home_time_slot")
    assert (slot_option.available, slot_option.reason_code) == (False, "slots_full")
    assert slot_option.reason == "Every delivery slot is full: choose another delivery."


@pytest.mark.django_db
def test_an_order_over_the_picking_capacity_is_refused_and_writes_nothing():
    store = part_dieu("click_and_collect")
    shelve(store, 10)
    set_limits(store, picking_units_per_day=3)
    place("click_and_collect", units=2, store=store.code)

    with pytest.raises(OptionUnavailable, match="can pick no more today"):
        place("click_and_collect", units=2, store=store.code)
    with pytest.raises(CapacityFull, match="cannot pick 2 more units today"):
        # Placed without checkout's options (as the orders API does): placing is the judge.
        place_order(
            OrderRequest(
                channel="web",
                fulfilment_mode="click_and_collect",
                lines=[LineRequest(JACKET, 2)],
                payment=PaymentRequest("card", CARD_OK),
                pickup_location_id=store.pk,
            ),
            now=TUESDAY_2_PM,
        )

    assert Order.objects.count() == 1
    assert Hold.objects.count() == 1
    assert StockLevel.objects.get(location=store).held == 2
    assert CapacityConsumption.objects.count() == 1
    assert used(store, "picking") == 2
    assert reconcile() == []


@pytest.mark.django_db
def test_cancelling_gives_the_capacity_back_once_and_the_next_order_takes_it():
    store = part_dieu("click_and_collect")
    shelve(store, 10)
    set_limits(store, picking_units_per_day=2)
    first = place("click_and_collect", units=2, store=store.code).placed.order
    create_tasks_for_order(order_id=first.pk, now=TUESDAY_2_PM)

    cancel_order(order_id=first.pk, reason="customer asked", now=TUESDAY_2_PM)
    close_tasks_of_cancelled_order(order_id=first.pk, now=TUESDAY_2_PM)
    close_tasks_of_cancelled_order(order_id=first.pk, now=TUESDAY_2_PM)  # a redelivered event
    given_back = used(store, "picking")
    second = place("click_and_collect", units=2, store=store.code).placed.order

    assert given_back == 0
    assert StoreTask.objects.get(order=first).status == "cancelled"
    assert used(store, "picking") == 2
    assert list(
        CapacityConsumption.objects.order_by("order_id").values_list("order_id", "released_at")
    ) == [(first.pk, TUESDAY_2_PM), (second.pk, None)]
    assert reconcile() == []


@pytest.mark.django_db
def test_the_sourcing_engine_sees_the_units_left_to_pick_today():
    store = part_dieu("click_and_collect")
    shelve(store, 10)
    set_limits(store, picking_units_per_day=5)
    place("click_and_collect", units=2, store=store.code)

    [candidate] = sourcing_candidates(
        variant_ids=resolve_skus([JACKET]), channel="web", now=TUESDAY_2_PM
    )

    assert (candidate.workload_units, candidate.capacity_units) == (2, 5)
    assert candidate.remaining_capacity == 3


@pytest.mark.django_db
def test_without_limits_capacity_is_counted_but_never_refuses():
    east = warehouse()
    shelve(east, 50)

    for _ in range(3):
        place("home_standard", units=10)

    row = CapacityUsage.objects.get(location=east, kind="picking")
    assert (row.used, row.limit_units, row.bucket) == (30, None, "2026-11-24")
    [candidate] = sourcing_candidates(
        variant_ids=resolve_skus([JACKET]), channel="web", now=TUESDAY_2_PM
    )
    assert candidate.capacity_units is None


@pytest.mark.django_db
def test_a_lowered_limit_refuses_new_orders_and_keeps_the_accepted_ones():
    store = part_dieu("click_and_collect")
    shelve(store, 10)
    set_limits(store, picking_units_per_day=5)
    place("click_and_collect", units=4, store=store.code)

    set_limits(store, picking_units_per_day=2)

    row = CapacityUsage.objects.get(location=store, kind="picking")
    assert (row.used, row.limit_units) == (4, 4)
    with pytest.raises(OptionUnavailable):
        place("click_and_collect", units=1, store=store.code)
    set_limits(store, picking_units_per_day=None)
    place("click_and_collect", units=1, store=store.code)
    assert CapacityUsage.objects.get(location=store, kind="picking").used == 5


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("limits", "field"),
    [
        ({"picking_units_per_day": -1}, "picking_units_per_day"),
        ({"deliveries_per_slot": 10**9}, "deliveries_per_slot"),
        ({"vans": 3}, "vans"),
    ],
    ids=["negative_case", "too_large_case", "unknown_field_case"],
)
def test_a_limit_that_is_not_a_count_is_a_field_error(limits, field):
    store = part_dieu()

    with pytest.raises(ValidationFailed) as refused:
        set_limits(store, **limits)

    assert refused.value.errors[0]["field"] == field


@pytest.mark.django_db
def test_reconcile_finds_a_usage_row_that_does_not_add_up():
    store = part_dieu("click_and_collect")
    shelve(store, 10)
    place("click_and_collect", units=2, store=store.code)

    CapacityUsage.objects.filter(location=store).update(used=3)

    [found] = capacity_discrepancies()
    assert found.check == "capacity-used-equals-live-orders"
    assert found.detail == "used 3, live orders took 2"


@pytest.mark.django_db
def test_the_one_statement_takes_what_the_orm_takes():
    """ADR 0017's twin: on PostgreSQL the written-out statement and the ORM path leave the
    same rows, and refuse the same bucket; on SQLite the ORM path is the one in use."""
    if connection.vendor != "postgresql":
        pytest.skip("the written-out statement is PostgreSQL's")
    store = part_dieu("click_and_collect")
    shelve(store, 10)
    set_limits(store, picking_units_per_day=3, deliveries_per_slot=1)
    first = place("click_and_collect", units=1, store=store.code).placed.order
    second = place("click_and_collect", units=1, store=store.code).placed.order
    CapacityConsumption.objects.all().delete()
    CapacityUsage.objects.all().delete()
    needs = capacity._needs(first, [_line(store, 2)], TUESDAY_2_PM)

    outcomes = []
    for take, order in (
        (capacity._take_in_one_statement, first),
        (capacity._take_with_the_orm, second),
    ):
        outcomes.append(take(order.pk, needs, TUESDAY_2_PM))
        outcomes.append(take(order.pk + 1000, needs, TUESDAY_2_PM) is not None)
        outcomes.append(
            list(CapacityUsage.objects.values_list("kind", "bucket", "day", "used", "limit_units"))
        )
        outcomes.append(
            list(CapacityConsumption.objects.values_list("location_id", "kind", "bucket", "units"))
        )
        CapacityConsumption.objects.all().delete()
        CapacityUsage.objects.all().delete()

    assert outcomes[:4] == outcomes[4:]
    assert outcomes[1] is True  # 2 + 2 > 3: the second take is refused


def _line(location, quantity):
    from comptoir.orders.models import OrderLine as Line

    return Line(location_id=location.pk, quantity=quantity, sku=JACKET)


@pytest.mark.django_db
def test_a_retried_checkout_with_its_idempotency_key_takes_the_slot_once(client, monkeypatch):
    east = warehouse()
    shelve(east, 5)
    set_limits(east, deliveries_per_slot=1)
    jean_with_a_jacket(client)
    at(monkeypatch, TUESDAY_2_PM)
    body = {
        "option": "home_time_slot",
        "delivery_address": HOME,
        "payment": {"method": "card", "card_token": CARD_OK},
        "slot_starts_at": "2026-11-25T17:00:00Z",
    }

    answers = [
        client.post(
            "/api/v1/checkouts",
            body,
            content_type="application/json",
            headers={"Idempotency-Key": "slot-retry"},
        )
        for _ in range(2)
    ]

    assert [answer.status_code for answer in answers] == [201, 201]
    assert answers[0].json()["order"]["reference"] == answers[1].json()["order"]["reference"]
    assert CapacityUsage.objects.get(location=east, kind="slot").used == 1
    assert CapacityConsumption.objects.filter(kind="slot").count() == 1
    assert reconcile() == []


@pytest.mark.django_db
def test_the_slot_goes_from_the_task_to_the_shipment_and_the_carriers_booking():
    from comptoir.shipping.adapters.fake import STATE
    from comptoir.shipping.models import Shipment
    from comptoir.shipping.tests.factories import make_carriers

    make_carriers()
    east = warehouse()
    shelve(east, 5)
    placed = place("home_time_slot", slot=WEDNESDAY_6_PM).placed
    deliver_events()
    task = StoreTask.objects.get(order=placed.order)

    dispatch(task_id=task.pk, now=TUESDAY_2_PM)
    deliver_events()

    shipment = Shipment.objects.get(order_id=placed.order.pk)
    assert (shipment.window_starts_at, shipment.window_ends_at) == (
        WEDNESDAY_6_PM,
        WEDNESDAY_8_PM,
    )
    booked = STATE.parcels[shipment.tracking_number]
    assert booked.delivery_window == (WEDNESDAY_6_PM, WEDNESDAY_8_PM)


@pytest.mark.django_db
def test_a_store_at_its_same_day_capacity_is_no_longer_offered_and_says_why(client, monkeypatch):
    store = part_dieu("ship_from_store")
    shelve(store, 5)
    set_limits(store, same_day_orders_per_day=1)
    placed = place("same_day", now=TUESDAY_11_AM).placed
    at(monkeypatch, TUESDAY_11_AM)

    answer = client.get(
        "/api/v1/delivery-options", {"sku": JACKET, "quantity": 1, "postcode": "69003"}
    )

    same_day = {o["code"]: o for o in answer.json()["options"]}["same_day"]
    assert same_day["available"] is False
    assert same_day["reason"] == "Same-day delivery is full today at Élan Lyon Part-Dieu."
    assert list(
        CapacityConsumption.objects.filter(order=placed.order)
        .order_by("kind")
        .values_list("kind", "units")
    ) == [("picking", 1), ("same_day", 1)]


@pytest.mark.django_db
def test_a_store_that_can_pick_no_more_today_offers_ship_to_store_instead_and_says_why():
    store = part_dieu("click_and_collect")
    shelve(store, 10)
    shelve(warehouse(), 10)
    set_limits(store, picking_units_per_day=2)
    place("click_and_collect", units=2, store=store.code)

    options = {
        option.code: option
        for option in delivery_options(
            lines=[OrderLine(JACKET, 1)],
            variant_ids=resolve_skus([JACKET]),
            place=store_place(store.code, field_name="store"),
            offers=delivery_offers(),
            now=TUESDAY_2_PM,
        )
    }

    collect = options["click_and_collect"]
    assert (collect.available, collect.reason_code) == (False, "picking_full")
    assert collect.reason == "Élan Lyon Part-Dieu can pick no more today: its capacity is full."
    assert options["ship_to_store"].available is True
    assert options["ship_to_store"].from_locations == ("entrepot-est",)


@pytest.mark.django_db
def test_a_line_sourced_again_takes_the_slot_to_its_new_stores_task():
    shelve(part_dieu("ship_from_store"), 3)
    shelve(gratte_ciel("ship_from_store"), 3)
    placed = place("home_time_slot", slot=WEDNESDAY_6_PM, now=TUESDAY_11_AM).placed
    [first] = create_tasks_for_order(order_id=placed.order.pk, now=TUESDAY_11_AM)

    report_not_found(task_id=first.pk, line_numbers=[1], now=TUESDAY_11_AM)

    second = StoreTask.objects.exclude(pk=first.pk).get(order=placed.order)
    assert second.location_id != first.location_id
    assert (second.slot_starts_at, second.slot_ends_at) == (WEDNESDAY_6_PM, WEDNESDAY_8_PM)
