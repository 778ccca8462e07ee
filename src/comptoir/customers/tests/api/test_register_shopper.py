"""POST /api/v1/customers — sign-up: a shopper account and its profile, open to anyone."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from comptoir.core.models import OutboxEvent
from comptoir.customers.models import Customer
from comptoir.customers.tests.factories import make_shopper, on_the_wire

pytestmark = pytest.mark.django_db

JEAN = {
    "email": "jean.martin@example.fr",
    "password": "velo-du-dimanche",
    "first_name": "Jean",
    "last_name": "Martin",
}


def sign_up(client, body, **headers):
    return client.post("/api/v1/customers", body, content_type="application/json", **headers)


def test_signing_up_creates_the_profile_and_the_login(client):
    response = sign_up(client, JEAN)

    assert response.status_code == 201
    jean = Customer.objects.get()
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
    assert jean.user.username == "jean.martin@example.fr"
    assert jean.user.check_password("velo-du-dimanche")


def test_the_email_is_kept_in_lower_case(client):
    response = sign_up(client, {**JEAN, "email": "Jean.Martin@Example.FR"})

    assert response.status_code == 201
    assert response.json()["email"] == "jean.martin@example.fr"


def test_signing_up_records_one_customer_registered_event(client):
    response = sign_up(client, JEAN, HTTP_X_REQUEST_ID="req-signup")

    customer_id = response.json()["id"]
    event = OutboxEvent.objects.get()
    assert event.type == "customer.registered"
    assert event.aggregate == f"customer:{customer_id}"
    assert event.payload == {"customer_id": customer_id, "channel": "web"}
    assert event.request_id == "req-signup"


def test_an_app_without_cookies_or_csrf_token_can_sign_up():
    app = Client(enforce_csrf_checks=True)

    response = sign_up(app, JEAN)

    assert response.status_code == 201
    assert Customer.objects.filter(email="jean.martin@example.fr").exists()


@pytest.mark.parametrize(
    "email",
    [
        pytest.param("jean.martin@example.fr", id="same_email_case"),
        pytest.param("JEAN.Martin@example.fr", id="other_letter_case_case"),
    ],
)
def test_an_email_already_registered_is_a_conflict_and_creates_nothing(client, email):
    jean = make_shopper("jean.martin@example.fr")

    response = sign_up(client, {**JEAN, "email": email, "first_name": "Jeannot"})

    assert response.status_code == 409
    assert response["Content-Type"] == "application/problem+json"
    problem = response.json()
    assert problem["code"] == "email-already-registered"
    assert problem["detail"] == "An account already uses this email; sign in instead."
    assert list(Customer.objects.all()) == [jean]
    assert get_user_model().objects.count() == 1
    assert OutboxEvent.objects.filter(type="customer.registered").count() == 1


@pytest.mark.parametrize(
    ("change", "field"),
    [
        pytest.param({"email": "jean.martin"}, "body.email", id="email_without_domain_case"),
        pytest.param({"email": "jean martin@example.fr"}, "body.email", id="email_with_space_case"),
        pytest.param({"password": "court"}, "body.password", id="short_password_case"),
        pytest.param({"first_name": ""}, "body.first_name", id="empty_first_name_case"),
        pytest.param({"language": "de"}, "body.language", id="unknown_language_case"),
    ],
)
def test_an_invalid_field_is_named_in_a_problem_and_creates_nothing(client, change, field):
    response = sign_up(client, {**JEAN, **change})

    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    problem = response.json()
    assert problem["code"] == "validation-failed"
    assert [error["field"] for error in problem["errors"]] == [field]
    assert not Customer.objects.exists()
    assert not OutboxEvent.objects.exists()


def test_an_invalid_email_says_what_is_wrong(client):
    response = sign_up(client, {**JEAN, "email": "jean.martin"})

    assert response.json()["errors"] == [
        {
            "field": "body.email",
            "message": "String should match pattern '^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$'",
        }
    ]


def test_a_missing_field_is_named(client):
    body = {key: value for key, value in JEAN.items() if key != "last_name"}

    response = sign_up(client, body)

    assert response.status_code == 422
    assert response.json()["errors"] == [{"field": "body.last_name", "message": "Field required"}]
