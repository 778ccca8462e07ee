"""Picking capacity per cut-off: the units a location picks for one carrier collection.

An order's units go into the bucket of the dispatch they leave with, as the promise computed
it (`promises.parcel_dispatch_day`): before today's cut-off, today's; after it, the next
dispatch day's, weekends and public holidays skipped.
"""

from datetime import UTC, datetime

import pytest

from comptoir.fulfilment.domain.sourcing import OrderLine
from comptoir.fulfilment.errors import CapacityFull
from comptoir.fulfilment.models import CapacityConsumption, CapacityUsage
from comptoir.fulfilment.offers import delivery_offers
from comptoir.fulfilment.options import delivery_options, store_place
from comptoir.fulfilment.selectors import capacity_of
from comptoir.fulfilment.services import close_tasks_of_cancelled_order, create_tasks_for_order
from comptoir.inventory.selectors import resolve_skus
from comptoir.orders.models import Order
from comptoir.orders.services.lifecycle import cancel_order
from comptoir.orders.services.placing import LineRequest, OrderRequest, PaymentRequest, place_order
from comptoir.orders.tests.factories import CARD_OK, HOME, make_jackets
from comptoir.reconciliation import reconcile

from .checkout_factories import JACKET, TUESDAY_2_PM, part_dieu, shelve, warehouse
from .test_capacity import place, set_limits

TUESDAY_5_PM = datetime(2026, 11, 24, 16, 0, tzinfo=UTC)  # after the warehouse's 15:00
FRIDAY_6_PM = datetime(2026, 11, 27, 17, 0, tzinfo=UTC)
CHRISTMAS_EVE_6_PM = datetime(2026, 12, 24, 17, 0, tzinfo=UTC)  # a Thursday


def cut_off_buckets(location) -> dict[str, int]:
    return dict(
        CapacityUsage.objects.filter(location=location, kind="cut_off").values_list(
            "bucket", "used"
        )
    )


def place_at_the_warehouse(location, units: int, now: datetime) -> Order:
    """As the orders API does: no options computed, placing is the judge."""
    make_jackets()
    return place_order(
        OrderRequest(
            channel="web",
            fulfilment_mode="home_delivery",
            lines=[LineRequest(JACKET, units, location.pk)],
            payment=PaymentRequest("card", CARD_OK),
            delivery_address=HOME,
        ),
        now=now,
    ).order


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("placed_at", "collection"),
    [
        (TUESDAY_2_PM, "2026-11-24"),  # before the 15:00 cut-off: today's collection
        (TUESDAY_5_PM, "2026-11-25"),  # after it: tomorrow's
        (FRIDAY_6_PM, "2026-11-30"),  # Friday evening: Monday's
        (CHRISTMAS_EVE_6_PM, "2026-12-28"),  # Christmas, then the weekend: Monday's
    ],
)
def test_an_orders_units_go_into_the_collection_they_leave_with(placed_at, collection):
    east = warehouse()
    shelve(east, 10)
    set_limits(east, picking_units_per_cut_off=5)

    place("home_standard", units=2, now=placed_at)

    assert cut_off_buckets(east) == {collection: 2}
    usage = CapacityUsage.objects.get(location=east, kind="cut_off")
    assert (usage.day.isoformat(), usage.limit_units) == (collection, 5)
    assert reconcile() == []


@pytest.mark.django_db
def test_a_full_collection_refuses_and_the_next_one_takes_the_order():
    east = warehouse()
    shelve(east, 10)
    set_limits(east, picking_units_per_cut_off=3, picking_units_per_day=100)
    place_at_the_warehouse(east, 2, TUESDAY_2_PM)
    seen_before_the_cut_off = capacity_of(location_id=east.pk, now=TUESDAY_2_PM)
    seen_after_it = capacity_of(location_id=east.pk, now=TUESDAY_5_PM)

    with pytest.raises(CapacityFull, match="more units for its next carrier collection"):
        place_at_the_warehouse(east, 2, TUESDAY_2_PM)
    place_at_the_warehouse(east, 2, TUESDAY_5_PM)  # after the cut-off: tomorrow's collection

    assert seen_before_the_cut_off["picking_units_next_collection"] == 2
    assert seen_after_it["picking_units_next_collection"] == 0  # tomorrow's collection
    assert Order.objects.count() == 2
    assert cut_off_buckets(east) == {"2026-11-24": 2, "2026-11-25": 2}
    assert reconcile() == []


@pytest.mark.django_db
def test_without_a_cut_off_limit_no_cut_off_bucket_is_taken():
    east = warehouse()
    shelve(east, 10)
    set_limits(east, picking_units_per_day=5)

    place_at_the_warehouse(east, 2, TUESDAY_2_PM)

    assert cut_off_buckets(east) == {}


@pytest.mark.django_db
def test_cancelling_gives_the_collections_units_back_once():
    east = warehouse()
    shelve(east, 10)
    set_limits(east, picking_units_per_cut_off=2)
    first = place_at_the_warehouse(east, 2, TUESDAY_2_PM)
    create_tasks_for_order(order_id=first.pk, now=TUESDAY_2_PM)

    cancel_order(order_id=first.pk, reason="customer asked", now=TUESDAY_2_PM)
    close_tasks_of_cancelled_order(order_id=first.pk, now=TUESDAY_2_PM)
    close_tasks_of_cancelled_order(order_id=first.pk, now=TUESDAY_2_PM)  # a redelivered event
    given_back = cut_off_buckets(east)
    second = place_at_the_warehouse(east, 2, TUESDAY_2_PM)

    assert given_back == {"2026-11-24": 0}
    assert cut_off_buckets(east) == {"2026-11-24": 2}
    assert list(
        CapacityConsumption.objects.filter(kind="cut_off")
        .order_by("order_id")
        .values_list("order_id", "released_at")
    ) == [(first.pk, TUESDAY_2_PM), (second.pk, None)]
    assert reconcile() == []


@pytest.mark.django_db
def test_a_full_collection_still_lets_the_store_set_items_aside_for_collection():
    store = part_dieu("click_and_collect", "ship_from_store")
    shelve(store, 5)
    set_limits(store, picking_units_per_cut_off=0)
    make_jackets()

    options = delivery_options(
        lines=[OrderLine(JACKET, 1)],
        variant_ids=resolve_skus([JACKET]),
        place=store_place("lyon-part-dieu", field_name="store"),
        offers=delivery_offers(),
        now=TUESDAY_2_PM,
    )

    collect = next(option for option in options if option.code == "click_and_collect")
    assert (collect.available, collect.reason_code) == (True, None)
