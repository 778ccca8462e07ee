"""POST /api/v1/api-tokens — administrators only; the raw token is shown once, its hash kept."""

import hashlib

import pytest

from comptoir.accounts.models import ApiToken
from comptoir.accounts.tests.factories import bearer, make_api_token, make_staff
from comptoir.core.access import ALL_PERMISSIONS
from comptoir.core.models import IdempotencyRecord
from comptoir.customers.tests.factories import make_shopper, on_the_wire
from comptoir.locations.tests.factories import make_store

pytestmark = pytest.mark.django_db

TILL_SYNC = {"name": "till-sync", "scopes": ["team.read", "locations.read", "team.read"]}


def issue(client, body, **headers):
    return client.post("/api/v1/api-tokens", body, content_type="application/json", **headers)


def test_an_administrator_issues_a_token_with_its_scopes(client):
    alice = make_staff("administrator")
    client.force_login(alice)

    response = issue(client, TILL_SYNC)

    assert response.status_code == 201
    token = ApiToken.objects.get()
    raw = response.json()["token"]
    assert response.json() == {
        "id": token.pk,
        "name": "till-sync",
        "prefix": token.prefix,
        "scopes": ["locations.read", "team.read"],
        "created_at": on_the_wire(token.created_at),
        "revoked_at": None,
        "token": raw,
    }
    assert raw.startswith(f"cpt_{token.prefix}_")
    assert token.created_by == alice


def test_only_the_hash_of_the_raw_token_is_stored(client):
    client.force_login(make_staff("administrator"))

    raw = issue(client, TILL_SYNC).json()["token"]

    token = ApiToken.objects.get()
    assert token.secret_hash == hashlib.sha256(raw.encode()).hexdigest()
    stored = ApiToken.objects.filter(pk=token.pk).values().get()
    assert not [column for column, value in stored.items() if raw in str(value)]


def test_the_raw_token_is_not_shown_again(client):
    client.force_login(make_staff("administrator"))
    raw = issue(client, TILL_SYNC).json()["token"]

    listed = client.get("/api/v1/api-tokens")

    assert listed.status_code == 200
    assert "token" not in listed.json()[0]
    assert raw not in listed.content.decode()


def test_a_retry_with_the_same_key_issues_one_token_and_never_stores_or_repeats_its_value(client):
    # Regression: the stored idempotent answer kept the raw token for 24 h and replayed it.
    client.force_login(make_staff("administrator"))

    first = issue(client, TILL_SYNC, HTTP_IDEMPOTENCY_KEY="issue-till-sync")
    retry = issue(client, TILL_SYNC, HTTP_IDEMPOTENCY_KEY="issue-till-sync")

    raw = first.json()["token"]
    assert raw.startswith("cpt_")
    assert retry.status_code == 201
    assert retry["Idempotent-Replayed"] == "true"
    assert retry.json() == {**first.json(), "token": None}
    assert ApiToken.objects.count() == 1
    assert raw.encode() not in bytes(IdempotencyRecord.objects.get().response_body)


def test_the_issued_token_works_at_once(client):
    make_store("lyon-part-dieu")
    client.force_login(make_staff("administrator"))
    raw = issue(client, {"name": "team-sync", "scopes": ["team.read"]}).json()["token"]
    client.logout()

    response = client.get("/api/v1/locations/lyon-part-dieu/team", headers=bearer(raw))

    assert response.status_code == 200


@pytest.mark.parametrize(
    "sign_in",
    [
        pytest.param(lambda: make_staff("operations"), id="operations_case"),
        pytest.param(lambda: make_staff("associate"), id="associate_case"),
        pytest.param(lambda: make_staff("agent"), id="agent_case"),
        pytest.param(lambda: make_shopper().user, id="shopper_case"),
    ],
)
def test_only_administrators_may_issue_tokens_and_a_refusal_issues_nothing(client, sign_in):
    client.force_login(sign_in())

    response = issue(client, TILL_SYNC)

    assert response.status_code == 403
    assert response.json()["code"] == "permission-denied"
    assert not ApiToken.objects.exists()


def test_a_token_with_every_scope_still_may_not_issue_tokens(client):
    _, raw = make_api_token(*ALL_PERMISSIONS)

    response = issue(client, TILL_SYNC, headers=bearer(raw))

    assert response.status_code == 403
    assert ApiToken.objects.count() == 1


def test_anonymous_callers_must_authenticate(client):
    response = issue(client, TILL_SYNC)

    assert response.status_code == 401
    assert not ApiToken.objects.exists()


@pytest.mark.parametrize(
    ("scopes", "message"),
    [
        pytest.param(["stock.teleport"], "unknown: stock.teleport", id="made_up_scope_case"),
        pytest.param(["tokens.manage"], "unknown: tokens.manage", id="token_managing_case"),
        pytest.param(["*"], "unknown: *", id="wildcard_case"),
        pytest.param(["team.read", "z.z", "a.a"], "unknown: a.a, z.z", id="mixed_with_known_case"),
    ],
)
def test_an_unknown_scope_is_a_problem_and_issues_nothing(client, scopes, message):
    client.force_login(make_staff("administrator"))

    response = issue(client, {"name": "till-sync", "scopes": scopes})

    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == "unknown-scope"
    assert response.json()["errors"] == [{"field": "body.scopes", "message": message}]
    assert not ApiToken.objects.exists()


def test_a_token_needs_at_least_one_scope(client):
    client.force_login(make_staff("administrator"))

    response = issue(client, {"name": "till-sync", "scopes": []})

    assert response.status_code == 422
    assert [error["field"] for error in response.json()["errors"]] == ["body.scopes"]
    assert not ApiToken.objects.exists()
