"""GET /api/v1/locations/nearest — the public store locator."""

from datetime import UTC, date, datetime

import pytest

from comptoir.core import clock
from comptoir.locations.models import Location
from comptoir.locations.tests.factories import (
    MONDAY_TO_SATURDAY,
    SUNDAY_MORNING,
    closed_on,
    make_store,
    offering,
    with_hours,
)

pytestmark = pytest.mark.django_db

URL = "/api/v1/locations/nearest"
TUESDAY_11_AM = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)  # 11:00 in Lyon
SUNDAY_11_AM = datetime(2026, 11, 29, 10, 0, tzinfo=UTC)


@pytest.fixture
def tuesday_11_am(monkeypatch):
    monkeypatch.setattr(clock, "now", lambda: TUESDAY_11_AM)


def find(client, **query):
    return client.get(URL, query)


def codes(response) -> list[str]:
    return [item["code"] for item in response.json()["items"]]


def lyon_and_villeurbanne():
    lyon = offering(with_hours(make_store("lyon-part-dieu")), "click_and_collect", "returns")
    villeurbanne = with_hours(
        make_store("villeurbanne-gratte-ciel"), MONDAY_TO_SATURDAY + SUNDAY_MORNING
    )
    offering(villeurbanne, "click_and_collect", "ship_from_store")
    return lyon, villeurbanne


def test_anyone_finds_the_stores_nearest_to_a_point(client, tuesday_11_am):
    lyon, _ = lyon_and_villeurbanne()
    make_store("paris-rivoli")

    response = find(client, lat=45.74906, lon=4.84789, limit=1)

    assert response.status_code == 200
    assert response.json() == {
        "origin": {"label": "45.74906,4.84789", "latitude": 45.74906, "longitude": 4.84789},
        "items": [
            {
                "id": lyon.pk,
                "code": "lyon-part-dieu",
                "name": "Élan Lyon Part-Dieu",
                "kind": "store",
                "street": "",
                "postcode": "",
                "city": "Lyon",
                "latitude": 45.7607,
                "longitude": 4.8595,
                "timezone": "Europe/Paris",
                "distance_km": 1.58,
                "is_open_now": True,
                "opens_next_at": None,
                "hours_today": [{"opens": "10:00", "closes": "19:30"}],
                "services": [
                    {"service": "click_and_collect", "pickup_lead_minutes": 120},
                    {"service": "returns", "pickup_lead_minutes": 120},
                ],
            }
        ],
    }


def test_the_postcode_69003_and_the_town_lyon_find_the_same_stores(client, tuesday_11_am):
    lyon_and_villeurbanne()
    make_store("paris-rivoli")

    by_postcode = find(client, postcode="69003", limit=2)
    by_town = find(client, city="lyon", limit=2)

    assert by_postcode.status_code == by_town.status_code == 200
    assert codes(by_postcode) == codes(by_town) == ["lyon-part-dieu", "villeurbanne-gratte-ciel"]
    assert by_postcode.json()["origin"]["label"] == "69003 Lyon"
    assert by_town.json()["origin"]["label"] == "Lyon"


def test_a_town_name_is_matched_without_accents_or_case(client, tuesday_11_am):
    make_store("saint-etienne-centre-deux")

    official = find(client, city="Saint-Étienne")
    typed = find(client, city="saint-etienne")

    assert official.json() == typed.json()
    assert codes(typed) == ["saint-etienne-centre-deux"]


def test_open_now_on_a_sunday_leaves_out_the_store_closed_on_sunday(client, monkeypatch):
    monkeypatch.setattr(clock, "now", lambda: SUNDAY_11_AM)
    lyon_and_villeurbanne()

    everything = find(client, lat=45.74906, lon=4.84789)
    open_now = find(client, lat=45.74906, lon=4.84789, open_now="true")

    assert [(i["code"], i["is_open_now"]) for i in everything.json()["items"]] == [
        ("lyon-part-dieu", False),
        ("villeurbanne-gratte-ciel", True),
    ]
    lyon = everything.json()["items"][0]
    assert lyon["hours_today"] == []
    assert lyon["opens_next_at"] == "2026-11-30T10:00:00+01:00"  # Monday, the store's time
    assert codes(open_now) == ["villeurbanne-gratte-ciel"]


def test_a_store_closed_today_says_so(client, tuesday_11_am):
    lyon, _ = lyon_and_villeurbanne()
    closed_on(lyon, date(2026, 11, 24), reason="inventaire")

    response = find(client, postcode="69003", limit=1)

    item = response.json()["items"][0]
    assert (item["code"], item["is_open_now"], item["hours_today"]) == (
        "lyon-part-dieu",
        False,
        [],
    )
    assert item["opens_next_at"] == "2026-11-25T10:00:00+01:00"


def test_service_keeps_the_stores_that_offer_it(client, tuesday_11_am):
    lyon_and_villeurbanne()

    response = find(client, city="Lyon", service="ship_from_store")

    assert codes(response) == ["villeurbanne-gratte-ciel"]


def test_warehouses_are_found_when_asked_for(client, tuesday_11_am):
    lyon_and_villeurbanne()
    make_store("entrepot-venissieux", kind=Location.Kind.WAREHOUSE)

    assert codes(find(client, city="Lyon", kind="warehouse")) == ["entrepot-venissieux"]
    assert "entrepot-venissieux" not in codes(find(client, city="Lyon"))


@pytest.mark.parametrize(
    ("query", "code", "errors"),
    [
        pytest.param(
            {"postcode": "99999"},
            "place-not-found",
            [{"field": "query.postcode", "message": "unknown French postcode"}],
            id="unknown_postcode_case",
        ),
        pytest.param(
            {"city": "Trifouilly-les-Oies"},
            "place-not-found",
            [{"field": "query.city", "message": "unknown French town"}],
            id="unknown_town_case",
        ),
        pytest.param(
            {},
            "validation-failed",
            [
                {"field": "query.lat", "message": "one of lat and lon, postcode, city"},
                {"field": "query.postcode", "message": "one of lat and lon, postcode, city"},
                {"field": "query.city", "message": "one of lat and lon, postcode, city"},
            ],
            id="no_point_case",
        ),
        pytest.param(
            {"lat": 45.75},
            "validation-failed",
            [{"field": "query.lon", "message": "lat and lon go together"}],
            id="lat_without_lon_case",
        ),
        pytest.param(
            {"postcode": "69003", "city": "Lyon"},
            "validation-failed",
            [
                {"field": "query.postcode", "message": "one of lat and lon, postcode, city"},
                {"field": "query.city", "message": "one of lat and lon, postcode, city"},
            ],
            id="two_places_case",
        ),
        pytest.param(
            {"postcode": "6900"},
            "validation-failed",
            [{"field": "query.postcode", "message": "String should match pattern '^\\d{5}$'"}],
            id="four_digit_postcode_case",
        ),
        pytest.param(
            {"city": "Lyon", "limit": 51},
            "validation-failed",
            [{"field": "query.limit", "message": "Input should be less than or equal to 50"}],
            id="limit_above_50_case",
        ),
    ],
)
def test_a_search_from_nowhere_known_is_a_problem_that_names_the_field(client, query, code, errors):
    make_store("lyon-part-dieu")

    response = find(client, **query)

    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == code
    assert response.json()["errors"] == errors


def test_nearest_is_not_taken_for_a_location_code(client):
    response = find(client)

    assert response.status_code == 422  # the locator's problem, not "no location 'nearest'"
    assert response.json()["code"] == "validation-failed"


def test_the_locator_reads_a_fixed_number_of_queries(
    client, tuesday_11_am, django_assert_max_num_queries
):
    for code in ("lyon-part-dieu", "villeurbanne-gratte-ciel", "paris-rivoli", "lille-europe"):
        offering(with_hours(make_store(code)), "click_and_collect")

    with django_assert_max_num_queries(8):
        response = find(client, city="Lyon", limit=4, open_now="true")

    assert len(response.json()["items"]) == 4
