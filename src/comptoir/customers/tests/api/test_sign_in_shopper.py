"""POST /api/v1/customers/sign-in and sign-out: a session for shoppers, not for staff."""

import pytest

from comptoir.accounts.tests.factories import STAFF_PASSWORD, make_staff
from comptoir.customers.tests.factories import SHOPPER_PASSWORD, make_shopper

pytestmark = pytest.mark.django_db

JSON = "application/json"


def sign_in(client, email, password):
    return client.post(
        "/api/v1/customers/sign-in", {"email": email, "password": password}, content_type=JSON
    )


def test_a_shopper_signs_in_with_any_case_of_their_email_and_reaches_their_profile(client):
    jean = make_shopper()

    response = sign_in(client, "Jean.Martin@Example.fr", SHOPPER_PASSWORD)

    assert response.status_code == 200
    assert response.json()["id"] == jean.pk
    assert client.get("/api/v1/customers/me").json()["id"] == jean.pk


def test_a_wrong_password_is_a_401_and_opens_no_session(client):
    make_shopper()

    response = sign_in(client, "jean.martin@example.fr", "not-his-password")

    assert response.status_code == 401
    assert response.json()["code"] == "invalid-credentials"
    assert client.get("/api/v1/customers/me").status_code == 401


def test_staff_cannot_use_the_shopper_sign_in(client):
    make_staff("agent", username="karim@example.fr")

    response = sign_in(client, "karim@example.fr", STAFF_PASSWORD)

    assert response.status_code == 401


def test_signing_out_ends_the_session(client):
    make_shopper()
    sign_in(client, "jean.martin@example.fr", SHOPPER_PASSWORD)

    assert client.post("/api/v1/customers/sign-out").status_code == 204
    assert client.get("/api/v1/customers/me").status_code == 401
