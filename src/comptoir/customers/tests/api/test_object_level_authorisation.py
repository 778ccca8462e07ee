"""Shopper A never reaches shopper B's profile, cart, wishlist or export: 404, as if unknown."""

import pytest
from django.test import Client

from comptoir.carts.services import add_line, cart_of_customer
from comptoir.customers.models import DataRequest
from comptoir.customers.services import add_to_wishlist
from comptoir.customers.tests.factories import make_shopper
from comptoir.inventory.tests.factories import make_variant

pytestmark = pytest.mark.django_db

JSON = "application/json"


def jean_and_marie():
    make_variant("JACKET-M")
    jean = make_shopper("jean.martin@example.fr")
    marie = make_shopper("marie.dupont@example.fr", first_name="Marie", last_name="Dupont")
    add_to_wishlist(customer_id=marie.pk, sku="JACKET-M", channel="web")
    cart = cart_of_customer(customer_id=marie.pk, channel="web")
    add_line(cart_id=cart.pk, sku="JACKET-M", quantity=1, channel="web")
    return jean, marie, cart


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        pytest.param("get", "/api/v1/customers/{marie}", None, id="profile"),
        pytest.param("get", "/api/v1/customers/{marie}/wishlist", None, id="wishlist"),
        pytest.param(
            "post", "/api/v1/customers/{marie}/wishlist", {"sku": "JACKET-M"}, id="wishlist_add"
        ),
        pytest.param("get", "/api/v1/customers/{marie}/export", None, id="export"),
        pytest.param("post", "/api/v1/customers/{marie}/erasure", None, id="erasure"),
        pytest.param("get", "/api/v1/customers/{marie}/consents", None, id="consents"),
        pytest.param("get", "/api/v1/carts/{cart}", None, id="cart"),
        pytest.param("post", "/api/v1/carts/{cart}/lines", {"sku": "JACKET-M"}, id="cart_add"),
        pytest.param("post", "/api/v1/carts/{cart}/handoff", None, id="cart_handoff"),
    ],
)
def test_shopper_a_gets_404_on_shopper_bs_things_and_nothing_changes(method, path, body):
    jean, marie, cart = jean_and_marie()
    client = Client()
    client.force_login(jean.user)
    url = path.format(marie=marie.pk, cart=cart.pk)
    unknown = path.format(marie=999_999, cart=999_999)

    response = getattr(client, method)(url, body or {}, content_type=JSON)
    unknown_response = getattr(client, method)(unknown, body or {}, content_type=JSON)

    assert response.status_code == unknown_response.status_code == 404
    assert response.json()["detail"] == unknown_response.json()["detail"]
    assert cart.lines.get().quantity == 1
    assert marie.wishlist.count() == 1
    assert not DataRequest.objects.exists()


def test_a_shopper_cannot_open_a_cart_by_handoff_code(client):
    jean, _, cart = jean_and_marie()
    client.force_login(jean.user)

    response = client.get("/api/v1/carts/handoff/ACDEFG")

    assert response.status_code == 403
