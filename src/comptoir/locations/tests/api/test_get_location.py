"""GET /api/v1/locations/{code} — public: a location with its hours, closures and services."""

from datetime import UTC, date, datetime, time

import pytest

from comptoir.core import clock
from comptoir.locations.tests.factories import closed_on, make_store, offering, with_hours

pytestmark = pytest.mark.django_db


def test_anyone_sees_a_store_with_its_week_upcoming_closures_and_services(client, monkeypatch):
    monkeypatch.setattr(clock, "now", lambda: datetime(2026, 11, 24, 10, 0, tzinfo=UTC))
    lyon = offering(with_hours(make_store("lyon-part-dieu")), "click_and_collect", "returns")
    closed_on(lyon, date(2026, 11, 1), reason="Toussaint")  # past: not shown
    closed_on(lyon, date(2027, 5, 1), reason="Fête du travail")
    closed_on(lyon, date(2026, 12, 24), opens=time(9), closes=time(17), reason="veille de Noël")

    response = client.get("/api/v1/locations/lyon-part-dieu")

    assert response.status_code == 200
    assert response.json() == {
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
        "opening_hours": [
            {"weekday": day, "opens": "10:00", "closes": "19:30"} for day in range(6)
        ],
        "closures": [
            {
                "date": "2026-12-24",
                "opens": "09:00",
                "closes": "17:00",
                "reason": "veille de Noël",
            },
            {"date": "2027-05-01", "opens": None, "closes": None, "reason": "Fête du travail"},
        ],
        "services": [
            {"service": "click_and_collect", "pickup_lead_minutes": 120},
            {"service": "returns", "pickup_lead_minutes": 120},
        ],
    }


def test_a_new_store_has_empty_hours_closures_and_services(client):
    make_store("lyon-part-dieu")

    body = client.get("/api/v1/locations/lyon-part-dieu").json()

    assert (body["opening_hours"], body["closures"], body["services"]) == ([], [], [])


def test_an_unknown_code_is_not_found(client):
    response = client.get("/api/v1/locations/nowhere")

    assert response.status_code == 404
    assert response.json()["code"] == "location-not-found"


def test_a_location_is_read_in_four_queries(client, django_assert_num_queries):
    offering(with_hours(make_store("lyon-part-dieu")), "click_and_collect")

    with django_assert_num_queries(4):  # the location, its hours, services and closures
        client.get("/api/v1/locations/lyon-part-dieu")
