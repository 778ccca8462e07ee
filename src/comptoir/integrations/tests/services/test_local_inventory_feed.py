"""The reads behind the Google local inventory feed: which stores, which SKUs, what figures."""

from __future__ import annotations

from decimal import Decimal

import pytest

from comptoir.core.money import Money
from comptoir.integrations.feeds import PickupTerms
from comptoir.integrations.selectors import local_inventory_items, local_inventory_stores
from comptoir.integrations.tests.factories import (
    hold_for_web,
    make_trail_jacket,
    price_in_store,
    put_on_shelf,
)
from comptoir.inventory.services.stock import set_safety_stock
from comptoir.inventory.tests.factories import make_variant
from comptoir.locations.errors import LocationNotFound
from comptoir.locations.models import Location
from comptoir.locations.tests.factories import make_store, offering, with_hours


def rows(*, store: str | None = None, chunk_size: int = 2000) -> list[tuple]:
    stores = local_inventory_stores(store=store)
    return [
        (item.store_code, item.sku, item.quantity, item.price, item.pickup)
        for item in local_inventory_items(stores=stores, chunk_size=chunk_size)
    ]


@pytest.mark.django_db
def test_only_active_stores_are_in_the_feed_never_a_warehouse():
    lyon, closed = make_store("lyon-part-dieu"), make_store("paris-rivoli")
    warehouse = make_store("entrepot-saint-priest", kind=Location.Kind.WAREHOUSE)
    Location.objects.filter(pk=closed.pk).update(is_active=False)
    jacket = make_trail_jacket()["TRAIL-JACKET-M"]
    for location in (lyon, closed, warehouse):
        put_on_shelf(jacket, location, 4)

    assert [store.code for store in local_inventory_stores()] == ["lyon-part-dieu"]
    assert [row[0] for row in rows()] == ["lyon-part-dieu"]


@pytest.mark.django_db
def test_only_skus_with_a_level_at_the_store_are_listed_there():
    lyon, paris = make_store("lyon-part-dieu"), make_store("paris-rivoli")
    jackets = make_trail_jacket()
    put_on_shelf(jackets["TRAIL-JACKET-S"], lyon, 4)
    put_on_shelf(jackets["TRAIL-JACKET-M"], paris, 4)

    assert [(row[0], row[1]) for row in rows()] == [
        ("lyon-part-dieu", "TRAIL-JACKET-S"),
        ("paris-rivoli", "TRAIL-JACKET-M"),
    ]


@pytest.mark.django_db
def test_the_quantity_is_what_the_web_may_promise_after_holds_and_its_safety_stock():
    lyon = make_store("lyon-part-dieu")
    jacket = make_trail_jacket()["TRAIL-JACKET-M"]
    put_on_shelf(jacket, lyon, 6)
    hold_for_web(jacket, lyon, 1, cart="cart-jean")
    set_safety_stock(location_id=lyon.pk, channel="web", quantity=2)
    set_safety_stock(location_id=lyon.pk, channel="store", quantity=5)  # not the web's

    [(_, _, quantity, _, _)] = rows()

    assert quantity == 6 - 1 - 2


@pytest.mark.django_db
def test_a_store_price_applies_in_that_store_and_a_sku_without_price_has_none():
    lyon, paris = make_store("lyon-part-dieu"), make_store("paris-rivoli")
    jacket = make_trail_jacket()["TRAIL-JACKET-M"]
    strap = make_variant("GPS-STRAP", product_slug="bracelet-gps")  # no price anywhere
    price_in_store(jacket, lyon, "79.90")
    for store in (lyon, paris):
        put_on_shelf(jacket, store, 3)
        put_on_shelf(strap, store, 3)

    assert [(row[0], row[1], row[3]) for row in rows()] == [
        ("lyon-part-dieu", "TRAIL-JACKET-M", Money(Decimal("79.90"), "EUR")),
        ("lyon-part-dieu", "GPS-STRAP", None),
        ("paris-rivoli", "TRAIL-JACKET-M", Money(Decimal("89.90"), "EUR")),
        ("paris-rivoli", "GPS-STRAP", None),
    ]


@pytest.mark.django_db
def test_each_store_carries_its_pickup_terms():
    lyon = offering(with_hours(make_store("lyon-part-dieu")), "click_and_collect")
    paris = offering(
        with_hours(make_store("paris-rivoli")), "reserve_and_collect", pickup_lead_minutes=1440
    )
    marseille = offering(with_hours(make_store("marseille-terrasses")), "returns")

    terms = {store.code: store.pickup for store in local_inventory_stores()}

    assert terms == {
        lyon.code: PickupTerms("buy", "same_day"),
        paris.code: PickupTerms("reserve", "next_day"),
        marseille.code: PickupTerms("not_supported", ""),
    }


@pytest.mark.django_db
def test_rows_come_by_store_then_variant_whatever_the_chunk_size():
    stores = [make_store(code) for code in ("lyon-part-dieu", "paris-rivoli", "lille-europe")]
    jackets = make_trail_jacket()
    for store in reversed(stores):
        for jacket in jackets.values():
            put_on_shelf(jacket, store, 1)

    in_one_chunk = rows(chunk_size=2000)

    assert rows(chunk_size=2) == in_one_chunk
    assert [(row[0], row[1]) for row in in_one_chunk] == [
        (store.code, sku) for store in stores for sku in ("TRAIL-JACKET-S", "TRAIL-JACKET-M")
    ]


@pytest.mark.django_db
def test_asking_for_one_store_lists_that_store_only():
    lyon, paris = make_store("lyon-part-dieu"), make_store("paris-rivoli")
    jacket = make_trail_jacket()["TRAIL-JACKET-M"]
    put_on_shelf(jacket, lyon, 1)
    put_on_shelf(jacket, paris, 1)

    assert [row[0] for row in rows(store="paris-rivoli")] == ["paris-rivoli"]


@pytest.mark.parametrize(
    "code",
    [
        pytest.param("nowhere", id="unknown_code_case"),
        pytest.param("entrepot-saint-priest", id="a_warehouse_case"),
        pytest.param("paris-rivoli", id="a_closed_store_case"),
    ],
)
@pytest.mark.django_db
def test_a_code_that_is_not_an_active_store_is_location_not_found(code):
    make_store("entrepot-saint-priest", kind=Location.Kind.WAREHOUSE)
    closed = make_store("paris-rivoli")
    Location.objects.filter(pk=closed.pk).update(is_active=False)

    with pytest.raises(LocationNotFound) as not_found:
        local_inventory_stores(store=code)

    assert not_found.value.detail == f"No active store has the code {code!r}."


@pytest.mark.django_db
def test_no_store_means_an_empty_feed():
    assert list(local_inventory_items(stores=local_inventory_stores())) == []
