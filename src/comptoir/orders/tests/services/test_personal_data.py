import pytest

from comptoir.customers.services.gdpr import erase_customer, export_personal_data
from comptoir.customers.services.merge import merge_profiles
from comptoir.customers.tests.factories import make_shopper
from comptoir.orders.models import Order
from comptoir.orders.tests.factories import (
    HOME,
    deliver_events,
    make_jackets,
    make_location,
    order_body,
    stock,
)


def _home_order(client, shopper):
    store = make_location("lyon-bellecour", city="Lyon")
    make_jackets()
    stock("JACKET-TRAIL-S", store, 2)
    client.force_login(shopper.user)
    body = order_body(
        mode="ship_from_store",
        pickup=None,
        lines=[{"sku": "JACKET-TRAIL-S", "quantity": 1, "location": "lyon-bellecour"}],
        delivery_address=HOME,
    )
    response = client.post("/api/v1/orders", body, content_type="application/json")
    return Order.objects.get(reference=response.json()["reference"])


@pytest.mark.django_db
def test_a_merged_profiles_orders_follow_it_to_the_survivor(client):
    jean = make_shopper()
    duplicate = make_shopper("j.martin@example.fr")
    order = _home_order(client, duplicate)

    merge_profiles(survivor_id=jean.pk, merged_id=duplicate.pk, reason="same person")
    deliver_events()

    order.refresh_from_db()
    assert order.customer_id == jean.pk


@pytest.mark.django_db
def test_an_erased_customers_orders_keep_their_amounts_but_lose_the_address(client):
    jean = make_shopper()
    order = _home_order(client, jean)
    export = export_personal_data(customer_id=jean.pk, requested_by_id=None)
    assert [o["reference"] for o in export["orders"]] == [order.reference]
    assert export["orders"][0]["delivery_address"]["line1"] == HOME["line1"]

    erase_customer(customer_id=jean.pk, requested_by_id=None)
    deliver_events()

    order.refresh_from_db()
    assert (order.delivery_address, str(order.total)) == ({}, "133.90")  # with the delivery fee
