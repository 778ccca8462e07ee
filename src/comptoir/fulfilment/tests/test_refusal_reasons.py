"""Every refusal of the options page, one row each: data that makes exactly that reason true,
the code it gives, and words that name the true cause (the store, the cut-off, the items).

Tuesday 24 November 2026 in Lyon; Part-Dieu opens Monday to Saturday 10:00-19:30; the
warehouse is 30 km east. Same day: 20 km, cut-off 14:00 (offers.py defaults).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from html import unescape

import pytest

from comptoir.fulfilment import capacity
from comptoir.fulfilment.offers import delivery_offers
from comptoir.fulfilment.options import delivery_options, home_place, store_place
from comptoir.fulfilment.options.model import REASON_CODES
from comptoir.inventory.selectors import resolve_skus
from comptoir.locations.domain import GeoPoint
from comptoir.locations.tests.factories import closed_on, make_store, offering
from comptoir.orders.tests.factories import make_jackets
from comptoir.web.shop.delivery import REASONS

from ..domain.sourcing import OrderLine
from .checkout_factories import (
    JACKET,
    TUESDAY_3_PM,
    TUESDAY_11_AM,
    at,
    jean_with_a_jacket,
    part_dieu,
    shelve,
    warehouse,
)

JACKET_M = "JACKET-TRAIL-M"
PART_DIEU = "Élan Lyon Part-Dieu"
HOME_IN_LYON = GeoPoint(45.7640, 4.8357)  # 1 km from Part-Dieu


@dataclass(frozen=True)
class Case:
    option: str
    arrange: Callable[[], None]
    words: tuple[str, ...]  # what the English reason must name
    at_store: bool = False  # the options for collection at Part-Dieu, else to Jean's home
    now: datetime = TUESDAY_11_AM
    lines: tuple[OrderLine, ...] = (OrderLine(JACKET, 1),)


def _limit(location, **limits) -> None:
    capacity.set_capacity(location_id=location.pk, limits=limits, now=TUESDAY_11_AM)


def _nothing_anywhere() -> None:
    make_jackets()


def _only_the_warehouse() -> None:
    shelve(warehouse(), 5)


def _lyon_has_both_but_does_not_ship() -> None:
    store = part_dieu("click_and_collect")
    shelve(store, 2)
    shelve(store, 2, sku=JACKET_M)


def _part_dieu_ships(*services: str) -> None:
    shelve(part_dieu("ship_from_store", *services), 3)


def _part_dieu_closed_today() -> None:
    store = part_dieu("ship_from_store")
    shelve(store, 3)
    closed_on(store, TUESDAY_11_AM.date(), reason="inventaire")


def _collect_without_the_stock() -> None:
    part_dieu("click_and_collect")
    shelve(warehouse(), 5)


def _store_without_hours() -> None:
    store = offering(make_store("lyon-part-dieu"), "click_and_collect")
    shelve(store, 3)


def _collect_at_full_picking() -> None:
    store = part_dieu("click_and_collect")
    shelve(store, 3)
    _limit(store, picking_units_per_day=0)


def _warehouse_at_full_picking() -> None:
    east = warehouse()
    shelve(east, 5)
    _limit(east, picking_units_per_day=0)


def _warehouse_collection_taken() -> None:
    east = warehouse()
    shelve(east, 5)
    _limit(east, picking_units_per_day=100, picking_units_per_cut_off=0)


def _same_day_taken() -> None:
    store = part_dieu("ship_from_store")
    shelve(store, 3)
    _limit(store, same_day_orders_per_day=0)


def _every_slot_taken() -> None:
    east = warehouse()
    shelve(east, 5)
    _limit(east, deliveries_per_slot=0)


CASES = {
    "not_in_stock": Case("home_standard", _nothing_anywhere, (f"{JACKET} ×1",)),
    "no_store_near": Case("same_day", _only_the_warehouse, ("No store within 20 km",)),
    "does_not_ship": Case(
        "same_day",
        _lyon_has_both_but_does_not_ship,
        (PART_DIEU, "every item", "does not deliver from the store"),
        lines=(OrderLine(JACKET, 1), OrderLine(JACKET_M, 1)),
    ),
    "closed_today": Case("same_day", _part_dieu_closed_today, (PART_DIEU, "closed today")),
    "past_cut_off": Case(
        "same_day", lambda: _part_dieu_ships(), (PART_DIEU, "cut-off (14:00)"), now=TUESDAY_3_PM
    ),
    "no_shipping_store": Case("ship_from_store", _only_the_warehouse, ("No store that ships",)),
    "not_offered": Case(
        "reserve_and_collect",
        lambda: _part_dieu_ships("click_and_collect"),
        (PART_DIEU, "does not offer reserve & collect"),
        at_store=True,
    ),
    "not_in_the_store": Case(
        "click_and_collect", _collect_without_the_stock, (PART_DIEU, "Not every item"), True
    ),
    "no_opening_ahead": Case(
        "click_and_collect", _store_without_hours, (PART_DIEU, "no opening hours"), True
    ),
    "no_counter": Case(
        "ship_to_store",
        lambda: _part_dieu_ships("reserve_and_collect"),
        (PART_DIEU, "no collection counter"),
        at_store=True,
    ),
    "on_the_shelf": Case(
        "ship_to_store",
        lambda: _part_dieu_ships("click_and_collect"),
        (f"In stock at {PART_DIEU}", "sooner"),
        at_store=True,
    ),
    "picking_full": Case(
        "click_and_collect", _collect_at_full_picking, (PART_DIEU, "can pick no more today"), True
    ),
    "senders_full": Case(
        "home_standard", _warehouse_at_full_picking, (f"{JACKET} ×1", "can pick no more today")
    ),
    "collection_full": Case(
        "home_standard",
        _warehouse_collection_taken,
        (f"{JACKET} ×1", "can pick no more for their next carrier collection"),
    ),
    "same_day_full": Case("same_day", _same_day_taken, (PART_DIEU, "full today")),
    "slots_full": Case("home_time_slot", _every_slot_taken, ("Every delivery slot is full",)),
}


def test_every_reason_code_has_its_case_and_its_words_on_the_page():
    assert sorted(CASES) == sorted(REASON_CODES)
    assert sorted(REASONS) == sorted(REASON_CODES)


@pytest.mark.django_db
@pytest.mark.parametrize("code", sorted(CASES), ids=[f"{code}_case" for code in sorted(CASES)])
def test_a_refusal_gives_its_true_reason(code):
    case = CASES[code]
    case.arrange()
    make_jackets()
    if case.at_store:
        place = store_place("lyon-part-dieu", field_name="store")
    else:
        place = home_place(point=HOME_IN_LYON, postcode=None, point_field="p", postcode_field="c")

    options = delivery_options(
        lines=list(case.lines),
        variant_ids=resolve_skus([line.sku for line in case.lines]),
        place=place,
        offers=delivery_offers(),
        now=case.now,
    )

    refused = next(option for option in options if option.code == case.option)
    assert (refused.available, refused.reason_code) == (False, code), refused.reason
    for words in case.words:
        assert words in refused.reason


@pytest.mark.django_db
def test_same_day_on_a_public_holiday_is_refused_as_closed_today():
    _part_dieu_ships()  # open on Fridays, and nothing declared for Christmas
    christmas_morning = datetime(2026, 12, 25, 9, 0, tzinfo=UTC)

    options = delivery_options(
        lines=[OrderLine(JACKET, 1)],
        variant_ids=resolve_skus([JACKET]),
        place=home_place(point=HOME_IN_LYON, postcode=None, point_field="p", postcode_field="c"),
        offers=delivery_offers(),
        now=christmas_morning,
    )

    same_day = next(option for option in options if option.code == "same_day")
    assert (same_day.available, same_day.reason_code) == (False, "closed_today")
    assert same_day.reason == f"{PART_DIEU} delivers nothing today: a public holiday."


@pytest.mark.django_db
def test_the_shop_says_in_french_that_lyon_has_both_items_but_does_not_deliver(client, monkeypatch):
    _lyon_has_both_but_does_not_ship()
    jean_with_a_jacket(client)
    at(monkeypatch, TUESDAY_11_AM)

    page = unescape(client.get("/checkout/options/", {"postcode": "69002"}).content.decode())

    assert (
        "Pas possible : Élan Lyon Part-Dieu a tous les articles mais ne livre pas depuis le "
        "magasin." in page
    )
