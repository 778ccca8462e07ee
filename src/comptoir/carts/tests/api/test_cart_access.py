"""Who reaches which cart: the token's holder, the owner, staff; nobody else."""

import pytest
from django.test import Client

from comptoir.accounts.tests.factories import make_staff
from comptoir.carts.services import add_line, open_anonymous_cart
from comptoir.customers.tests.factories import make_shopper
from comptoir.inventory.tests.factories import make_variant

pytestmark = pytest.mark.django_db

JSON = "application/json"


def an_anonymous_cart_with_a_jacket():
    make_variant("JACKET-M")
    cart = open_anonymous_cart(channel="app")
    add_line(cart_id=cart.pk, sku="JACKET-M", quantity=1, channel="app")
    return cart


def test_without_the_token_an_anonymous_cart_is_not_found(client):
    an_anonymous_cart_with_a_jacket()

    response = client.get("/api/v1/carts/current", headers={"X-Cart-Token": "guessed"})

    assert response.status_code == 404
    assert response.json()["code"] == "cart-not-found"


def test_a_shopper_cannot_read_an_anonymous_cart_by_id(client):
    cart = an_anonymous_cart_with_a_jacket()
    client.force_login(make_shopper().user)

    assert client.get(f"/api/v1/carts/{cart.pk}").status_code == 404


def test_an_agent_reads_any_cart_by_id(client):
    cart = an_anonymous_cart_with_a_jacket()
    client.force_login(make_staff("agent"))

    response = client.get(f"/api/v1/carts/{cart.pk}")

    assert response.status_code == 200
    assert [(line["sku"], line["quantity"]) for line in response.json()["lines"]] == [
        ("JACKET-M", 1)
    ]


def test_a_merged_token_no_longer_opens_a_cart_for_an_anonymous_caller():
    cart = an_anonymous_cart_with_a_jacket()
    jean = make_shopper()
    shopper = Client()
    shopper.force_login(jean.user)
    shopper.get("/api/v1/carts/current", headers={"X-Cart-Token": cart.anonymous_token})

    response = Client().get("/api/v1/carts/current", headers={"X-Cart-Token": cart.anonymous_token})

    assert response.status_code == 404


def test_a_quantity_out_of_range_is_a_422_naming_the_field(client):
    cart = an_anonymous_cart_with_a_jacket()

    response = client.post(
        "/api/v1/carts/current/lines",
        {"sku": "JACKET-M", "quantity": 0},
        content_type=JSON,
        headers={"X-Cart-Token": cart.anonymous_token},
    )

    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "body.quantity"


def test_an_unknown_sku_is_a_422_naming_it(client):
    cart = an_anonymous_cart_with_a_jacket()

    response = client.post(
        "/api/v1/carts/current/lines",
        {"sku": "NOPE-1"},
        content_type=JSON,
        headers={"X-Cart-Token": cart.anonymous_token},
    )

    assert response.status_code == 422
    assert response.json()["code"] == "unknown-sku"


def test_a_retried_add_with_the_same_idempotency_key_adds_once(client):
    cart = an_anonymous_cart_with_a_jacket()
    headers = {"X-Cart-Token": cart.anonymous_token, "Idempotency-Key": "tap-1"}

    first = client.post(
        "/api/v1/carts/current/lines", {"sku": "JACKET-M"}, content_type=JSON, headers=headers
    )
    retry = client.post(
        "/api/v1/carts/current/lines", {"sku": "JACKET-M"}, content_type=JSON, headers=headers
    )

    assert first.status_code == retry.status_code == 200
    assert cart.lines.get().quantity == 2  # 1 before, 1 added once


def test_another_anonymous_cart_using_the_same_key_is_not_answered_with_the_first_cart(client):
    first = an_anonymous_cart_with_a_jacket()
    second = open_anonymous_cart(channel="web")
    body = {"sku": "JACKET-M"}

    client.post(
        "/api/v1/carts/current/lines",
        body,
        content_type=JSON,
        headers={"X-Cart-Token": first.anonymous_token, "Idempotency-Key": "k"},
    )
    response = client.post(
        "/api/v1/carts/current/lines",
        body,
        content_type=JSON,
        headers={"X-Cart-Token": second.anonymous_token, "Idempotency-Key": "k"},
    )

    assert response.json()["id"] == second.pk
    assert second.lines.get().quantity == 1
