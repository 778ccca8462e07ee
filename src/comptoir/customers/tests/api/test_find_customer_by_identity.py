"""GET /api/v1/customers/lookup and POST …/identities — staff find a profile by any identity."""

import pytest

from comptoir.accounts.tests.factories import bearer, make_api_token, make_staff
from comptoir.customers.models import Identity
from comptoir.customers.tests.factories import make_shopper

pytestmark = pytest.mark.django_db

JSON = "application/json"


def test_an_associate_adds_a_loyalty_card_and_finds_the_profile_by_it(client):
    jean = make_shopper()
    client.force_login(make_staff("associate"))

    added = client.post(
        f"/api/v1/customers/{jean.pk}/identities",
        {"kind": "loyalty_card", "value": "elan 0042", "channel": "store"},
        content_type=JSON,
    )
    found = client.get("/api/v1/customers/lookup?kind=loyalty_card&value=ELAN0042")

    assert added.status_code == 201
    assert (added.json()["value"], added.json()["verified"]) == ("ELAN0042", True)
    assert found.status_code == 200
    assert found.json()["id"] == jean.pk


def test_a_shopper_cannot_mark_their_own_phone_as_confirmed(client):
    jean = make_shopper()
    client.force_login(jean.user)

    response = client.post(
        f"/api/v1/customers/{jean.pk}/identities",
        {"kind": "phone", "value": "06 12 34 56 78", "confirmed": True},
        content_type=JSON,
    )

    assert response.status_code == 201
    assert response.json() == {
        **response.json(),
        "kind": "phone",
        "value": "+33612345678",
        "verified": False,
    }


def test_an_invalid_phone_is_a_422_naming_the_value(client):
    jean = make_shopper()
    client.force_login(make_staff("agent"))

    response = client.post(
        f"/api/v1/customers/{jean.pk}/identities",
        {"kind": "phone", "value": "12"},
        content_type=JSON,
    )

    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "body.value"
    assert not Identity.objects.filter(kind="phone").exists()


def test_an_unknown_identity_is_a_404(client):
    _, raw = make_api_token("customers.read")

    response = client.get(
        "/api/v1/customers/lookup?kind=email&value=nobody@example.fr", headers=bearer(raw)
    )

    assert response.status_code == 404
    assert response.json()["code"] == "customer-not-found"


def test_a_shopper_cannot_look_people_up(client):
    jean = make_shopper()
    client.force_login(jean.user)

    response = client.get("/api/v1/customers/lookup?kind=email&value=jean.martin@example.fr")

    assert response.status_code == 403
