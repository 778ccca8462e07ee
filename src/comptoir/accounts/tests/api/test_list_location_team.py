"""GET /api/v1/locations/{code}/team — store-scoped: an associate sees only their own stores."""

import pytest
from django.contrib.auth import get_user_model

from comptoir.accounts.tests.factories import bearer, make_api_token, make_staff
from comptoir.customers.tests.factories import make_shopper
from comptoir.locations.tests.factories import make_store

pytestmark = pytest.mark.django_db

SOFIA = {"username": "sofia", "first_name": "Sofia", "last_name": "Moreau", "role": "associate"}
LEA = {"username": "lea", "first_name": "Léa", "last_name": "Fontaine", "role": "associate"}
HUGO = {"username": "hugo", "first_name": "Hugo", "last_name": "Blanc", "role": "associate"}


def lyon_and_paris():
    """Lyon with Sofia and Léa, Paris with Hugo; returns Sofia, signed in by the caller."""
    lyon, paris = make_store("lyon-part-dieu"), make_store("paris-rivoli")
    sofia = make_staff("associate", [lyon])
    make_staff("associate", [lyon], username="lea", first_name="Léa", last_name="Fontaine")
    make_staff("associate", [paris], username="hugo", first_name="Hugo", last_name="Blanc")
    return sofia


def test_an_associate_sees_the_team_of_their_own_store(client):
    client.force_login(lyon_and_paris())

    response = client.get("/api/v1/locations/lyon-part-dieu/team")

    assert response.status_code == 200
    assert response.json() == [LEA, SOFIA]  # by last name: Fontaine, Moreau


def test_an_associate_is_refused_another_store_with_a_problem(client):
    client.force_login(lyon_and_paris())

    response = client.get("/api/v1/locations/paris-rivoli/team", HTTP_X_REQUEST_ID="req-team")

    assert response.status_code == 403
    assert response["Content-Type"] == "application/problem+json"
    assert response.json() == {
        "type": "urn:comptoir:problem:permission-denied",
        "title": "Not allowed",
        "status": 403,
        "detail": "This belongs to a store you are not assigned to.",
        "code": "permission-denied",
        "request_id": "req-team",
        "instance": "/api/v1/locations/paris-rivoli/team",
    }


@pytest.mark.parametrize(
    ("code", "team"),
    [
        pytest.param("lyon-part-dieu", [LEA, SOFIA], id="lyon_case"),
        pytest.param("paris-rivoli", [HUGO], id="paris_case"),
    ],
)
@pytest.mark.parametrize("role", ["operations", "administrator"])
def test_operations_and_administrators_see_every_store(client, role, code, team):
    lyon_and_paris()
    client.force_login(make_staff(role))

    response = client.get(f"/api/v1/locations/{code}/team")

    assert response.status_code == 200
    assert response.json() == team


def test_a_superuser_without_a_staff_record_sees_every_store(client):
    # Regression: `comptoir createsuperuser` gave an administrator scoped to no store at all.
    lyon_and_paris()
    root = get_user_model().objects.create_superuser("root", "root@example.fr", "comptoir-test")
    client.force_login(root)

    response = client.get("/api/v1/locations/paris-rivoli/team")

    assert response.status_code == 200
    assert response.json() == [HUGO]


@pytest.mark.parametrize(
    "sign_in",
    [
        pytest.param(lambda: make_staff("agent"), id="agent_case"),
        pytest.param(lambda: make_shopper().user, id="shopper_case"),
    ],
)
def test_people_without_team_read_are_refused(client, sign_in):
    lyon_and_paris()
    client.force_login(sign_in())

    response = client.get("/api/v1/locations/lyon-part-dieu/team")

    assert response.status_code == 403
    assert response.json()["code"] == "permission-denied"
    assert response.json()["detail"] == "Your role does not allow 'team.read'."


def test_anonymous_callers_must_authenticate(client):
    lyon_and_paris()

    response = client.get("/api/v1/locations/lyon-part-dieu/team")

    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == "not-authenticated"


def test_a_token_with_team_read_sees_any_store(client):
    lyon_and_paris()
    _, raw = make_api_token("team.read")

    response = client.get("/api/v1/locations/paris-rivoli/team", headers=bearer(raw))

    assert response.status_code == 200
    assert response.json() == [HUGO]


def test_a_token_without_team_read_is_refused(client):
    lyon_and_paris()
    _, raw = make_api_token("locations.read")

    response = client.get("/api/v1/locations/paris-rivoli/team", headers=bearer(raw))

    assert response.status_code == 403
    assert response.json()["code"] == "permission-denied"


def test_an_unknown_store_is_not_found(client):
    client.force_login(make_staff("operations"))

    response = client.get("/api/v1/locations/nowhere/team")

    assert response.status_code == 404
    assert response.json()["code"] == "location-not-found"
    assert response.json()["detail"] == "No store or warehouse has the code 'nowhere'."
