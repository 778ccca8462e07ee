"""The store locator: nearest to a point, a postcode or a town; open now, service, kind, ids."""

from __future__ import annotations

import time as timer
from datetime import UTC, date, datetime, time

import pytest

from comptoir.core.errors import ValidationFailed
from comptoir.locations.domain import GeoPoint, ServiceOffer
from comptoir.locations.errors import PlaceNotFound
from comptoir.locations.models import Location
from comptoir.locations.selectors import nearest_locations
from comptoir.locations.tests.factories import (
    MONDAY_TO_SATURDAY,
    SUNDAY_MORNING,
    closed_on,
    make_many_stores,
    make_store,
    offering,
    with_hours,
)

pytestmark = pytest.mark.django_db

LYON_CITY_HALL = GeoPoint(45.74906, 4.84789)  # Lyon as GeoNames places it
TUESDAY_11_AM = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)  # 11:00 in Lyon
SUNDAY_11_AM = datetime(2026, 11, 29, 10, 0, tzinfo=UTC)


def codes(result) -> list[str]:
    return [item.code for item in result.items]


def make_three_cities():
    return [
        with_hours(make_store(code))
        for code in ("paris-rivoli", "marseille-terrasses", "lyon-part-dieu")
    ]


def test_the_store_nearest_to_lyon_comes_first_with_its_distance():
    make_three_cities()

    result = nearest_locations(point=LYON_CITY_HALL, now=TUESDAY_11_AM)

    assert codes(result) == ["lyon-part-dieu", "marseille-terrasses", "paris-rivoli"]
    assert [item.distance_km for item in result.items] == [1.58, 274.01, 394.08]
    lyon = result.items[0]
    assert (lyon.name, lyon.city, lyon.latitude, lyon.longitude) == (
        "Élan Lyon Part-Dieu",
        "Lyon",
        45.7607,
        4.8595,
    )
    assert (lyon.is_open_now, lyon.opens_next_at) == (True, None)
    assert lyon.hours_today == [(time(10), time(19, 30))]


def test_the_postcode_69003_and_the_town_lyon_find_the_same_first_store():
    make_three_cities()
    make_store("villeurbanne-gratte-ciel")

    by_postcode = nearest_locations(postcode="69003", limit=2, now=TUESDAY_11_AM)
    by_town = nearest_locations(city="lyon", limit=2, now=TUESDAY_11_AM)

    assert codes(by_postcode) == codes(by_town) == ["lyon-part-dieu", "villeurbanne-gratte-ciel"]
    assert by_postcode.origin.label == "69003 Lyon"
    assert by_town.origin.label == "Lyon"
    assert [item.distance_km for item in by_postcode.items] == [1.03, 2.86]


@pytest.mark.parametrize(
    "spelling",
    [
        pytest.param("Saint-Étienne", id="official_case"),
        pytest.param("saint-etienne", id="no_accent_case"),
        pytest.param("SAINT ETIENNE", id="upper_case"),
    ],
)
def test_a_town_is_found_whatever_its_accents_and_case(spelling):
    make_three_cities()
    make_store("saint-etienne-centre-deux")

    result = nearest_locations(city=spelling, limit=1, now=TUESDAY_11_AM)

    assert result.origin.label == "Saint-Étienne"
    assert codes(result) == ["saint-etienne-centre-deux"]
    assert result.items[0].distance_km == 0.82


def test_open_now_leaves_out_a_store_closed_on_sunday():
    with_hours(make_store("lyon-part-dieu"))
    with_hours(make_store("villeurbanne-gratte-ciel"), MONDAY_TO_SATURDAY + SUNDAY_MORNING)

    everything = nearest_locations(point=LYON_CITY_HALL, now=SUNDAY_11_AM)
    open_now = nearest_locations(point=LYON_CITY_HALL, open_now=True, now=SUNDAY_11_AM)

    assert [(i.code, i.is_open_now) for i in everything.items] == [
        ("lyon-part-dieu", False),
        ("villeurbanne-gratte-ciel", True),
    ]
    assert codes(open_now) == ["villeurbanne-gratte-ciel"]
    lyon = everything.items[0]
    assert lyon.hours_today == []
    assert lyon.opens_next_at == datetime(2026, 11, 30, 9, 0, tzinfo=UTC)  # Monday 10:00


def test_an_exceptional_closure_closes_the_store_that_day():
    lyon = with_hours(make_store("lyon-part-dieu"))
    closed_on(lyon, date(2026, 11, 24), reason="inventaire")

    result = nearest_locations(point=LYON_CITY_HALL, now=TUESDAY_11_AM)
    open_now = nearest_locations(point=LYON_CITY_HALL, open_now=True, now=TUESDAY_11_AM)

    item = result.items[0]
    assert (item.code, item.is_open_now, item.hours_today) == ("lyon-part-dieu", False, [])
    assert item.opens_next_at == datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
    assert open_now.items == []


def test_special_hours_on_a_closure_day_are_the_hours_of_the_day():
    lyon = with_hours(make_store("lyon-part-dieu"))
    closed_on(lyon, date(2026, 12, 24), opens=time(9), closes=time(17), reason="veille de Noël")

    at_ten_am = nearest_locations(
        point=LYON_CITY_HALL, now=datetime(2026, 12, 24, 9, 0, tzinfo=UTC)
    )
    at_six_pm = nearest_locations(
        point=LYON_CITY_HALL, now=datetime(2026, 12, 24, 17, 0, tzinfo=UTC)
    )

    assert at_ten_am.items[0].hours_today == [(time(9), time(17))]
    assert at_ten_am.items[0].is_open_now is True
    assert at_six_pm.items[0].is_open_now is False


def test_open_now_widens_the_search_until_it_finds_an_open_store():
    with_hours(make_store("lyon-part-dieu"))
    with_hours(make_store("paris-rivoli"), MONDAY_TO_SATURDAY + SUNDAY_MORNING)

    result = nearest_locations(point=LYON_CITY_HALL, open_now=True, now=SUNDAY_11_AM)

    assert codes(result) == ["paris-rivoli"]
    assert result.items[0].distance_km == 394.08


def test_service_keeps_only_the_stores_that_offer_it():
    lyon, villeurbanne = make_store("lyon-part-dieu"), make_store("villeurbanne-gratte-ciel")
    offering(lyon, "click_and_collect", "returns")
    offering(villeurbanne, "click_and_collect", "ship_from_store")

    result = nearest_locations(point=LYON_CITY_HALL, service="ship_from_store")

    assert codes(result) == ["villeurbanne-gratte-ciel"]
    assert result.items[0].services == [
        ServiceOffer("click_and_collect", 120),
        ServiceOffer("ship_from_store", 120),
    ]


def test_warehouses_are_found_only_when_asked_for():
    make_store("lyon-part-dieu")
    make_store("entrepot-venissieux", kind=Location.Kind.WAREHOUSE)

    stores = nearest_locations(point=LYON_CITY_HALL)
    warehouses = nearest_locations(point=LYON_CITY_HALL, kind="warehouse")
    anything = nearest_locations(point=LYON_CITY_HALL, kind=None)

    assert codes(stores) == ["lyon-part-dieu"]
    assert codes(warehouses) == ["entrepot-venissieux"]
    assert sorted(codes(anything)) == ["entrepot-venissieux", "lyon-part-dieu"]


def test_only_ids_keeps_the_locations_another_app_chose():
    # How the inventory app asks for "has this SKU available": it passes the ids that do.
    lyon, _, paris = make_three_cities()

    result = nearest_locations(point=LYON_CITY_HALL, only_ids={paris.pk, lyon.pk})

    assert codes(result) == ["lyon-part-dieu", "paris-rivoli"]


def test_no_ids_means_no_location_and_no_query(django_assert_num_queries):
    make_three_cities()

    with django_assert_num_queries(0):
        result = nearest_locations(point=LYON_CITY_HALL, only_ids=set())

    assert result.items == []


def test_limit_keeps_the_nearest_ones():
    make_three_cities()

    result = nearest_locations(point=LYON_CITY_HALL, limit=2)

    assert codes(result) == ["lyon-part-dieu", "marseille-terrasses"]


def test_closed_down_locations_are_not_found():
    make_three_cities()
    Location.objects.filter(code="lyon-part-dieu").update(is_active=False)

    result = nearest_locations(point=LYON_CITY_HALL, limit=1)

    assert codes(result) == ["marseille-terrasses"]


def test_a_store_with_no_hours_is_closed_and_never_opens():
    make_store("lyon-part-dieu")

    item = nearest_locations(point=LYON_CITY_HALL).items[0]

    assert (item.is_open_now, item.opens_next_at, item.hours_today) == (False, None, [])


def test_two_stores_at_the_same_spot_come_in_the_order_they_were_opened():
    make_store("lyon-a")  # made-up codes are placed at Lyon Part-Dieu
    make_store("lyon-b")

    assert codes(nearest_locations(point=LYON_CITY_HALL)) == ["lyon-a", "lyon-b"]


@pytest.mark.parametrize(
    ("where", "field"),
    [
        pytest.param({"postcode": "99999"}, "query.postcode", id="unknown_postcode_case"),
        pytest.param({"city": "Trifouilly-les-Oies"}, "query.city", id="unknown_town_case"),
    ],
)
def test_an_unknown_place_is_a_problem_that_names_it(where, field):
    with pytest.raises(PlaceNotFound) as refused:
        nearest_locations(**where)

    assert refused.value.status == 422
    assert refused.value.errors[0]["field"] == field


@pytest.mark.parametrize(
    "where",
    [
        pytest.param({}, id="nowhere_case"),
        pytest.param({"postcode": "69003", "city": "Lyon"}, id="two_places_case"),
    ],
)
def test_a_search_starts_from_exactly_one_place(where):
    with pytest.raises(ValidationFailed, match="Search from one place"):
        nearest_locations(**where)


def test_the_locator_stays_fast_with_500_stores(django_assert_max_num_queries):
    make_many_stores(500)

    started = timer.perf_counter()
    with django_assert_max_num_queries(10):  # 2 boxes, their hours, then 4 to describe 20
        tuesday = nearest_locations(
            point=LYON_CITY_HALL, limit=20, open_now=True, now=TUESDAY_11_AM
        )
    elapsed = timer.perf_counter() - started

    assert len(tuesday.items) == 20
    assert all(item.is_open_now for item in tuesday.items)
    distances = [item.distance_km for item in tuesday.items]
    assert distances == sorted(distances)
    assert elapsed < 0.5


def test_a_search_that_finds_nothing_open_widens_to_the_globe_in_bounded_queries(
    django_assert_max_num_queries,
):
    make_many_stores(500)  # all closed on Sunday

    # One box per circle (6) and the hours and closures of the stores newly inside it.
    with django_assert_max_num_queries(6 * 3):
        sunday = nearest_locations(point=LYON_CITY_HALL, open_now=True, now=SUNDAY_11_AM)

    assert sunday.items == []
