"""PUT /api/v1/locations/{code}/hours — needs locations.write; replaces the whole week."""

from datetime import time

import pytest

from comptoir.accounts.tests.factories import bearer, make_api_token, make_staff
from comptoir.core.models import OutboxEvent
from comptoir.customers.tests.factories import make_shopper
from comptoir.locations.models import OpeningHours
from comptoir.locations.tests.factories import make_store, with_hours

pytestmark = pytest.mark.django_db

URL = "/api/v1/locations/lyon-part-dieu/hours"
# Monday to Friday with a lunch break, Saturday until a late 01:00, Sunday closed.
WEEK = {
    "opening_hours": [
        *({"weekday": d, "opens": "09:30", "closes": "12:30"} for d in range(5)),
        *({"weekday": d, "opens": "14:00", "closes": "19:00"} for d in range(5)),
        {"weekday": 5, "opens": "10:00", "closes": "01:00"},
    ]
}


def set_hours(client, body, url=URL, **headers):
    return client.put(url, body, content_type="application/json", **headers)


def week_of(store):
    return list(
        OpeningHours.objects.filter(location=store)
        .order_by("weekday", "opens")
        .values_list("weekday", "opens", "closes")
    )


def test_operations_sets_the_week_and_gets_it_back_in_order(client):
    lyon = make_store("lyon-part-dieu")
    client.force_login(make_staff("operations"))

    response = set_hours(client, WEEK)

    assert response.status_code == 200
    assert response.json() == {
        "opening_hours": [
            *(
                item
                for d in range(5)
                for item in (
                    {"weekday": d, "opens": "09:30", "closes": "12:30"},
                    {"weekday": d, "opens": "14:00", "closes": "19:00"},
                )
            ),
            {"weekday": 5, "opens": "10:00", "closes": "01:00"},
        ]
    }
    assert week_of(lyon)[-1] == (5, time(10), time(1))
    assert OutboxEvent.objects.filter(type="location.opening_hours_changed").count() == 1


def test_a_token_with_locations_write_sets_the_hours(client):
    make_store("lyon-part-dieu")
    _, raw = make_api_token("locations.write")

    response = set_hours(client, WEEK, headers=bearer(raw))

    assert response.status_code == 200


@pytest.mark.parametrize(
    "sign_in",
    [
        pytest.param(lambda lyon: make_staff("associate", [lyon]), id="associate_of_lyon_case"),
        pytest.param(lambda lyon: make_staff("agent"), id="agent_case"),
        pytest.param(lambda lyon: make_shopper().user, id="shopper_case"),
    ],
)
def test_people_without_locations_write_are_refused_and_the_week_kept(client, sign_in):
    lyon = with_hours(make_store("lyon-part-dieu"))
    client.force_login(sign_in(lyon))

    response = set_hours(client, WEEK)

    assert response.status_code == 403
    assert response.json()["detail"] == "Your role does not allow 'locations.write'."
    assert len(week_of(lyon)) == 6


def test_anonymous_callers_must_authenticate(client):
    lyon = with_hours(make_store("lyon-part-dieu"))

    response = set_hours(client, WEEK)

    assert response.status_code == 401
    assert len(week_of(lyon)) == 6


@pytest.mark.parametrize(
    ("opening_hours", "errors"),
    [
        pytest.param(
            [
                {"weekday": 0, "opens": "09:00", "closes": "12:00"},
                {"weekday": 0, "opens": "11:00", "closes": "19:00"},
            ],
            [{"field": "body.opening_hours", "message": "ranges overlap"}],
            id="overlap_case",
        ),
        pytest.param(
            [{"weekday": 7, "opens": "09:00", "closes": "12:00"}],
            [
                {
                    "field": "body.opening_hours.0.weekday",
                    "message": "Input should be less than or equal to 6",
                }
            ],
            id="weekday_7_case",
        ),
        pytest.param(
            [{"weekday": 0, "opens": "09:00+02:00", "closes": "12:00"}],
            [
                {
                    "field": "body.opening_hours.0.opens",
                    "message": "Value error, a local time as HH:MM, such as 10:00",
                }
            ],
            id="time_with_offset_case",
        ),
        pytest.param(
            [{"weekday": 0, "opens": "09:00", "closes": "09:00"}],
            [{"field": "body.opening_hours", "message": "weekday 0-6, opens ≠ closes"}],
            id="empty_range_case",
        ),
    ],
)
def test_a_week_that_breaks_a_rule_is_a_problem_and_the_old_week_stays(
    client, opening_hours, errors
):
    lyon = with_hours(make_store("lyon-part-dieu"))
    client.force_login(make_staff("operations"))

    response = set_hours(client, {"opening_hours": opening_hours})

    assert response.status_code == 422
    assert response.json()["errors"] == errors
    assert len(week_of(lyon)) == 6


def test_hours_of_an_unknown_location_are_not_found(client):
    client.force_login(make_staff("operations"))

    response = set_hours(client, WEEK, url="/api/v1/locations/nowhere/hours")

    assert response.status_code == 404
    assert response.json()["code"] == "location-not-found"
