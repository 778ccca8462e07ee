"""POST /api/v1/locations — needs locations.write; safe to retry with an Idempotency-Key."""

import hashlib
import json
from datetime import timedelta

import pytest
from django.test import Client

from comptoir.accounts.services import revoke_api_token
from comptoir.accounts.tests.factories import bearer, make_api_token, make_staff
from comptoir.core import clock
from comptoir.core.models import IdempotencyRecord, OutboxEvent
from comptoir.customers.tests.factories import make_shopper
from comptoir.locations.models import Location
from comptoir.locations.tests.factories import location_body, make_store

pytestmark = pytest.mark.django_db

LILLE = location_body("lille-europe")
LILLE_OUT = {
    "code": "lille-europe",
    "name": "Élan Lille Europe",
    "kind": "store",
    "street": "",
    "postcode": "",
    "city": "Lille",
    "latitude": 50.6395,
    "longitude": 3.0757,
    "timezone": "Europe/Paris",
}


def open_location(client, body, **headers):
    return client.post("/api/v1/locations", body, content_type="application/json", **headers)


def nothing_was_opened():
    """No Lille store, and no event saying one was opened."""
    return (
        not Location.objects.filter(code="lille-europe").exists()
        and not OutboxEvent.objects.filter(
            type="location.opened", payload__code="lille-europe"
        ).exists()
    )


def test_operations_opens_a_location(client):
    client.force_login(make_staff("operations"))

    response = open_location(client, LILLE)

    assert response.status_code == 201
    lille = Location.objects.get()
    assert response.json() == {"id": lille.pk, **LILLE_OUT}
    assert "Idempotent-Replayed" not in response


def test_opening_a_location_records_a_location_opened_event(client):
    client.force_login(make_staff("operations"))

    response = open_location(client, LILLE)

    event = OutboxEvent.objects.get()
    assert event.type == "location.opened"
    assert event.payload == {
        "location_id": response.json()["id"],
        "code": "lille-europe",
        "name": "Élan Lille Europe",
        "kind": "store",
    }


@pytest.mark.parametrize(
    "sign_in",
    [
        pytest.param(lambda lyon: make_staff("associate", [lyon]), id="associate_of_lyon_case"),
        pytest.param(lambda lyon: make_staff("agent"), id="agent_case"),
        pytest.param(lambda lyon: make_shopper().user, id="shopper_case"),
    ],
)
def test_people_without_locations_write_are_refused_and_nothing_is_opened(client, sign_in):
    lyon = make_store("lyon-part-dieu")
    client.force_login(sign_in(lyon))

    response = open_location(client, LILLE, HTTP_IDEMPOTENCY_KEY="k-refused")

    assert response.status_code == 403
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == "permission-denied"
    assert response.json()["detail"] == "Your role does not allow 'locations.write'."
    assert nothing_was_opened()
    assert not IdempotencyRecord.objects.exists()  # a refusal does not use up the key


def test_anonymous_callers_must_authenticate(client):
    response = open_location(client, LILLE)

    assert response.status_code == 401
    assert response.json()["code"] == "not-authenticated"
    assert nothing_was_opened()


def test_an_integration_that_forgot_its_token_is_told_to_authenticate():
    # Regression: with no session at all, the cookie scheme's CSRF check answered 403 first.
    integration = Client(enforce_csrf_checks=True)

    response = open_location(integration, LILLE)

    assert response.status_code == 401
    assert response.json()["code"] == "not-authenticated"
    assert nothing_was_opened()


def test_a_signed_in_page_must_still_send_its_csrf_token():
    page = Client(enforce_csrf_checks=True)
    page.force_login(make_staff("operations"))

    response = open_location(page, LILLE)

    assert response.status_code == 403
    assert nothing_was_opened()


def test_a_token_with_locations_write_opens_a_location(client):
    _, raw = make_api_token("locations.write")

    response = open_location(client, LILLE, headers=bearer(raw))

    assert response.status_code == 201
    assert response.json() == {"id": Location.objects.get().pk, **LILLE_OUT}


def test_a_token_with_only_locations_read_is_refused(client):
    _, raw = make_api_token("locations.read")

    response = open_location(client, LILLE, headers=bearer(raw))

    assert response.status_code == 403
    assert nothing_was_opened()


def test_a_revoked_token_is_refused_at_once(client):
    token, raw = make_api_token("locations.write")
    revoke_api_token(token_id=token.pk)

    response = open_location(client, LILLE, headers=bearer(raw))

    assert response.status_code == 401
    assert response.json()["code"] == "unknown-api-token"
    assert nothing_was_opened()


def test_a_made_up_token_is_refused(client):
    response = open_location(client, LILLE, headers=bearer("cpt_00000000_not-a-real-token"))

    assert response.status_code == 401
    assert response.json()["code"] == "unknown-api-token"


def test_a_retry_with_the_same_key_replays_the_first_answer_and_opens_one_location(client):
    _, raw = make_api_token("locations.write")
    headers = {**bearer(raw), "Idempotency-Key": "open-lille-1"}

    first = open_location(client, LILLE, headers=headers)
    retry = open_location(client, LILLE, headers=headers)

    assert first.status_code == retry.status_code == 201
    assert retry.content == first.content
    assert retry["Idempotent-Replayed"] == "true"
    assert Location.objects.count() == 1
    assert OutboxEvent.objects.filter(type="location.opened").count() == 1


def test_the_same_key_with_another_body_is_refused(client):
    _, raw = make_api_token("locations.write")
    headers = {**bearer(raw), "Idempotency-Key": "open-lille-1"}
    open_location(client, LILLE, headers=headers)

    response = open_location(client, location_body("lille-flandres"), headers=headers)

    assert response.status_code == 422
    assert response.json()["code"] == "idempotency-key-reused"
    assert list(Location.objects.values_list("code", flat=True)) == ["lille-europe"]


def test_the_same_key_while_the_first_request_runs_is_a_conflict(client):
    _, raw = make_api_token("locations.write")
    body = json.dumps(LILLE)
    IdempotencyRecord.objects.create(  # what the first request wrote before it started
        caller="auth:" + hashlib.sha256(f"Bearer {raw}".encode()).hexdigest()[:32],
        key="open-lille-1",
        request_fingerprint=hashlib.sha256(f"POST /api/v1/locations\n{body}".encode()).hexdigest(),
        created_at=clock.now(),
    )

    response = open_location(
        client, body, headers={**bearer(raw), "Idempotency-Key": "open-lille-1"}
    )

    assert response.status_code == 409
    assert response.json()["code"] == "request-in-progress"
    assert nothing_was_opened()
    assert IdempotencyRecord.objects.get().completed_at is None


def test_keys_belong_to_one_caller(client):
    _, till = make_api_token("locations.write", name="till-sync")
    _, erp = make_api_token("locations.write", name="erp")

    lille = open_location(client, LILLE, headers={**bearer(till), "Idempotency-Key": "k1"})
    nice = open_location(
        client, location_body("nice-etoile"), headers={**bearer(erp), "Idempotency-Key": "k1"}
    )

    assert lille.status_code == nice.status_code == 201
    assert set(Location.objects.values_list("code", flat=True)) == {"lille-europe", "nice-etoile"}


def test_a_key_older_than_a_day_may_be_used_again(client):
    _, raw = make_api_token("locations.write")
    headers = {**bearer(raw), "Idempotency-Key": "k1"}
    open_location(client, LILLE, headers=headers)
    IdempotencyRecord.objects.update(created_at=clock.now() - timedelta(hours=24, minutes=1))

    response = open_location(client, location_body("nice-etoile"), headers=headers)

    assert response.status_code == 201
    assert "Idempotent-Replayed" not in response
    assert Location.objects.count() == 2


def test_an_idempotency_key_longer_than_255_characters_is_refused(client):
    _, raw = make_api_token("locations.write")

    response = open_location(client, LILLE, headers={**bearer(raw), "Idempotency-Key": "k" * 256})

    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"field": "header.Idempotency-Key", "message": "1 to 255 characters"}
    ]
    assert nothing_was_opened()


def test_a_bad_body_is_a_problem_that_names_each_field(client):
    client.force_login(make_staff("operations"))
    body = {"code": "Lille Europe!", "name": "Élan Lille", "latitude": 95, "longitude": 3.0757}

    response = open_location(client, body)

    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    problem = response.json()
    assert problem["code"] == "validation-failed"
    assert problem["errors"] == [
        {
            "field": "body.code",
            "message": "String should match pattern '^[a-z0-9][a-z0-9-]{1,39}$'",
        },
        {"field": "body.city", "message": "Field required"},
        {"field": "body.latitude", "message": "Input should be less than or equal to 90"},
    ]
    assert nothing_was_opened()


def test_an_unknown_time_zone_is_named_like_any_other_body_field(client):
    # Regression: rules checked in the service named the field "timezone", not "body.timezone".
    client.force_login(make_staff("operations"))

    response = open_location(client, {**LILLE, "timezone": "Europe/Lille"})

    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"field": "body.timezone", "message": "an IANA zone such as Europe/Paris"}
    ]
    assert nothing_was_opened()


def test_a_code_already_taken_is_a_conflict(client):
    make_store("lille-europe")
    client.force_login(make_staff("operations"))

    response = open_location(client, LILLE)

    assert response.status_code == 409
    assert response.json()["code"] == "location-code-taken"
    assert Location.objects.count() == 1
