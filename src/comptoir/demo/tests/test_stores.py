"""The demo's stores: real French towns at their GeoNames coordinates, flagships first."""

from datetime import UTC, datetime

import pytest

from comptoir.core.models import OutboxEvent
from comptoir.demo.stores import MAX_STORES, demo_stores, load_locations
from comptoir.locations.domain import GeoPoint
from comptoir.locations.geocoding import place_for_town
from comptoir.locations.models import Closure, Location
from comptoir.locations.selectors import nearest_locations

SUNDAY_11_AM = datetime(2026, 11, 29, 10, 0, tzinfo=UTC)


def test_the_flagships_come_first_then_the_biggest_towns():
    codes = [store.code for store in demo_stores(5)]

    assert codes == [
        "lyon-part-dieu",
        "paris-rivoli",
        "marseille-centre",
        "toulouse-centre",
        "nice-centre",
    ]


def test_each_store_is_at_its_towns_real_coordinates():
    marseille = demo_stores(3)[2]

    assert marseille.city == "Marseille"
    assert marseille.point == place_for_town("Marseille").point == GeoPoint(43.29695, 5.38107)
    assert marseille.postcode == "13001"


def test_up_to_500_stores_each_with_its_own_code_in_a_fixed_order():
    stores = demo_stores(MAX_STORES)

    assert len({store.code for store in stores}) == MAX_STORES
    assert all(len(store.code) <= 40 for store in stores)
    assert [s.code for s in demo_stores(MAX_STORES)] == [s.code for s in stores]


def test_more_than_500_stores_is_refused():
    with pytest.raises(ValueError, match="1 to 500"):
        demo_stores(MAX_STORES + 1)


@pytest.mark.django_db
def test_loading_the_stores_twice_adds_nothing():
    assert load_locations(4) == 4 + 2  # and two warehouses
    counts = (Location.objects.count(), Closure.objects.count(), OutboxEvent.objects.count())

    assert load_locations(4) == 0
    assert (
        Location.objects.count(),
        Closure.objects.count(),
        OutboxEvent.objects.count(),
    ) == counts


@pytest.mark.django_db
def test_on_a_sunday_morning_lyon_is_closed_and_paris_is_open():
    load_locations(2)

    found = nearest_locations(point=GeoPoint(46.5, 3.5), now=SUNDAY_11_AM)  # mid-France

    assert sorted((i.code, i.is_open_now) for i in found.items) == [
        ("lyon-part-dieu", False),
        ("paris-rivoli", True),
    ]
    lyon = next(i for i in found.items if i.code == "lyon-part-dieu")
    assert [o.service for o in lyon.services] == [
        "click_and_collect",
        "reserve_and_collect",
        "returns",
    ]
    assert [o.pickup_lead_minutes for o in lyon.services] == [120, 30, 0]


@pytest.mark.django_db
def test_the_store_locator_finds_the_demo_store_of_a_postcode():
    load_locations(30)

    found = nearest_locations(postcode="69003", limit=2)

    assert [item.code for item in found.items] == ["lyon-part-dieu", "villeurbanne-centre"]
