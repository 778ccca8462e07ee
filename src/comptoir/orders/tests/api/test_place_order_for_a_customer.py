"""POST /api/v1/orders with `customer`: staff order for a person who must exist (issue 13, #8)."""

import pytest

from comptoir.accounts.tests.factories import bearer, make_api_token, make_staff
from comptoir.customers.services import erase_customer
from comptoir.customers.tests.factories import make_shopper
from comptoir.inventory.models import Hold, StockLevel
from comptoir.orders.models import Order
from comptoir.orders.payments.fake import FakePsp
from comptoir.orders.tests.factories import make_jackets, make_location, order_body, stock

URL = "/api/v1/orders"


def _call_centre_order(client, customer):
    store = make_location("lyon-bellecour", city="Lyon")
    make_jackets()
    stock("JACKET-TRAIL-S", store, 2)
    _, raw = make_api_token("orders.write", name="call-centre")
    body = order_body(channel="call_centre", customer=customer)
    return store, client.post(URL, body, content_type="application/json", headers=bearer(raw))


@pytest.mark.django_db
def test_an_order_for_a_customer_who_does_not_exist_is_a_422_on_the_field_and_holds_nothing(
    client, monkeypatch
):
    asked_the_psp = []
    monkeypatch.setattr(FakePsp, "authorise", lambda *a, **k: asked_the_psp.append(k))

    store, response = _call_centre_order(client, 999999)

    assert response.status_code == 422, response.json()
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["errors"] == [{"field": "body.customer", "message": "no such customer"}]
    assert asked_the_psp == []
    assert (Order.objects.count(), Hold.objects.count()) == (0, 0)
    assert StockLevel.objects.get(location=store, variant__sku="JACKET-TRAIL-S").held == 0


@pytest.mark.django_db
def test_an_order_for_an_erased_customer_is_refused_the_same_way(client):
    jean = make_shopper()
    erase_customer(customer_id=jean.pk, requested_by_id=None)

    _, response = _call_centre_order(client, jean.pk)

    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "body.customer"
    assert Order.objects.count() == 0


@pytest.mark.django_db
def test_an_agent_orders_for_a_customer_who_exists(client):
    jean = make_shopper()
    client.force_login(make_staff("agent"))
    store = make_location("lyon-bellecour", city="Lyon")
    make_jackets()
    stock("JACKET-TRAIL-S", store, 1)

    response = client.post(
        URL, order_body(channel="call_centre", customer=jean.pk), content_type="application/json"
    )

    assert response.status_code == 201, response.json()
    assert response.json()["customer_id"] == jean.pk
