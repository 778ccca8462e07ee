"""POST /api/v1/locations/{code}/closures — needs locations.write; one closure per day."""

import pytest

from comptoir.accounts.tests.factories import bearer, make_api_token, make_staff
from comptoir.core.models import OutboxEvent
from comptoir.customers.tests.factories import make_shopper
from comptoir.locations.models import Closure
from comptoir.locations.tests.factories import make_store

pytestmark = pytest.mark.django_db

URL = "/api/v1/locations/lyon-part-dieu/closures"
MAY_DAY = {"date": "2027-05-01", "reason": "Fête du travail"}
CHRISTMAS_EVE = {"date": "2026-12-24", "opens": "09:00", "closes": "17:00", "reason": "Noël"}


def declare(client, body, url=URL, **headers):
    return client.post(url, body, content_type="application/json", **headers)


def test_operations_closes_a_day(client):
    make_store("lyon-part-dieu")
    client.force_login(make_staff("operations"))

    response = declare(client, MAY_DAY)

    assert response.status_code == 201
    assert response.json() == {
        "date": "2027-05-01",
        "opens": None,
        "closes": None,
        "reason": "Fête du travail",
    }
    assert OutboxEvent.objects.filter(type="location.closure_declared").count() == 1


def test_special_hours_for_a_day_are_kept(client):
    make_store("lyon-part-dieu")
    client.force_login(make_staff("operations"))

    response = declare(client, CHRISTMAS_EVE)

    assert response.status_code == 201
    assert response.json() == {
        "date": "2026-12-24",
        "opens": "09:00",
        "closes": "17:00",
        "reason": "Noël",
    }


def test_declaring_the_same_day_again_replaces_it_and_answers_200(client):
    make_store("lyon-part-dieu")
    client.force_login(make_staff("operations"))
    declare(client, {"date": "2026-12-24"})

    response = declare(client, CHRISTMAS_EVE)

    assert response.status_code == 200
    assert response.json()["opens"] == "09:00"
    assert Closure.objects.count() == 1


def test_a_retry_with_the_same_key_replays_the_first_answer(client):
    make_store("lyon-part-dieu")
    _, raw = make_api_token("locations.write")
    headers = {**bearer(raw), "Idempotency-Key": "close-may-day"}

    first = declare(client, MAY_DAY, headers=headers)
    retry = declare(client, MAY_DAY, headers=headers)

    assert first.status_code == retry.status_code == 201
    assert retry["Idempotent-Replayed"] == "true"
    assert OutboxEvent.objects.filter(type="location.closure_declared").count() == 1


@pytest.mark.parametrize(
    "sign_in",
    [
        pytest.param(lambda lyon: make_staff("associate", [lyon]), id="associate_of_lyon_case"),
        pytest.param(lambda lyon: make_shopper().user, id="shopper_case"),
    ],
)
def test_people_without_locations_write_are_refused_and_nothing_is_closed(client, sign_in):
    lyon = make_store("lyon-part-dieu")
    client.force_login(sign_in(lyon))

    response = declare(client, MAY_DAY)

    assert response.status_code == 403
    assert not Closure.objects.exists()


def test_anonymous_callers_must_authenticate(client):
    make_store("lyon-part-dieu")

    response = declare(client, MAY_DAY)

    assert response.status_code == 401
    assert not Closure.objects.exists()


@pytest.mark.parametrize(
    ("body", "errors"),
    [
        pytest.param(
            {"date": "2026-12-24", "opens": "09:00"},
            [{"field": "body.closes", "message": "give opens and closes, or neither"}],
            id="opens_without_closes_case",
        ),
        pytest.param(
            {"date": "2026-12-24", "opens": "09:00+01:00", "closes": "17:00"},
            [
                {
                    "field": "body.opens",
                    "message": "Value error, a local time as HH:MM, such as 10:00",
                }
            ],
            id="time_with_offset_case",
        ),
        pytest.param(
            {"date": "2026-02-30"},
            [
                {
                    "field": "body.date",
                    "message": "Input should be a valid date or datetime, day value is outside "
                    "expected range",
                }
            ],
            id="no_such_date_case",
        ),
    ],
)
def test_a_closure_that_breaks_a_rule_is_a_problem(client, body, errors):
    make_store("lyon-part-dieu")
    client.force_login(make_staff("operations"))

    response = declare(client, body)

    assert response.status_code == 422
    assert response.json()["errors"] == errors
    assert not Closure.objects.exists()


def test_a_closure_of_an_unknown_location_is_not_found(client):
    client.force_login(make_staff("operations"))

    response = declare(client, MAY_DAY, url="/api/v1/locations/nowhere/closures")

    assert response.status_code == 404
