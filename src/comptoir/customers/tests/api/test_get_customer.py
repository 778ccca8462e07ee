"""GET /api/v1/customers/{id} — a shopper sees only themselves; customer-facing staff see all."""

import pytest

from comptoir.accounts.tests.factories import bearer, make_api_token, make_staff
from comptoir.customers.tests.factories import make_shopper, on_the_wire

pytestmark = pytest.mark.django_db

UNKNOWN_ID = 999_999


def jean_and_marie():
    jean = make_shopper("jean.martin@example.fr", first_name="Jean", last_name="Martin")
    marie = make_shopper("marie.dupont@example.fr", first_name="Marie", last_name="Dupont")
    return jean, marie


def profile(customer):
    return {
        "id": customer.pk,
        "first_name": customer.first_name,
        "last_name": customer.last_name,
        "email": customer.email,
        "phone": None,
        "language": "fr",
        "created_at": on_the_wire(customer.created_at),
        "favourite_store": None,
    }


def test_a_shopper_sees_their_own_profile(client):
    jean, _ = jean_and_marie()
    client.force_login(jean.user)

    response = client.get(f"/api/v1/customers/{jean.pk}")

    assert response.status_code == 200
    assert response.json() == {
        "id": jean.pk,
        "first_name": "Jean",
        "last_name": "Martin",
        "email": "jean.martin@example.fr",
        "phone": None,
        "language": "fr",
        "created_at": on_the_wire(jean.created_at),
        "favourite_store": None,
    }


def test_another_shoppers_profile_is_not_found_exactly_like_an_unknown_id(client):
    jean, marie = jean_and_marie()
    client.force_login(jean.user)

    marie_response = client.get(f"/api/v1/customers/{marie.pk}", HTTP_X_REQUEST_ID="req-1")
    unknown_response = client.get(f"/api/v1/customers/{UNKNOWN_ID}", HTTP_X_REQUEST_ID="req-1")

    assert marie_response.status_code == unknown_response.status_code == 404
    assert marie_response["Content-Type"] == "application/problem+json"
    assert marie_response.json() == {
        "type": "urn:comptoir:problem:not-found",
        "title": "Not found",
        "status": 404,
        "detail": "No such customer.",
        "code": "not-found",
        "request_id": "req-1",
        "instance": f"/api/v1/customers/{marie.pk}",
    }
    assert {**unknown_response.json(), "instance": None} == {
        **marie_response.json(),
        "instance": None,
    }


@pytest.mark.parametrize("role", ["agent", "associate", "operations", "administrator"])
def test_staff_who_serve_customers_see_every_profile(client, role):
    jean, marie = jean_and_marie()
    client.force_login(make_staff(role))

    for customer in (jean, marie):
        response = client.get(f"/api/v1/customers/{customer.pk}")

        assert response.status_code == 200
        assert response.json() == profile(customer)


def test_staff_asking_for_an_unknown_id_are_told_the_customer_is_not_found(client):
    client.force_login(make_staff("agent"))

    response = client.get(f"/api/v1/customers/{UNKNOWN_ID}")

    assert response.status_code == 404
    assert response.json()["code"] == "customer-not-found"


def test_a_token_with_customers_read_sees_any_profile(client):
    _, marie = jean_and_marie()
    _, raw = make_api_token("customers.read")

    response = client.get(f"/api/v1/customers/{marie.pk}", headers=bearer(raw))

    assert response.status_code == 200
    assert response.json() == profile(marie)


def test_a_token_without_customers_read_is_forbidden(client):
    _, marie = jean_and_marie()
    _, raw = make_api_token("locations.read")

    response = client.get(f"/api/v1/customers/{marie.pk}", headers=bearer(raw))

    assert response.status_code == 403
    assert response.json()["code"] == "permission-denied"


def test_anonymous_callers_must_authenticate(client):
    jean, _ = jean_and_marie()

    response = client.get(f"/api/v1/customers/{jean.pk}")

    assert response.status_code == 401
    assert response.json()["code"] == "not-authenticated"
