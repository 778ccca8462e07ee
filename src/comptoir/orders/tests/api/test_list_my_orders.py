import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from comptoir.customers.tests.factories import make_shopper
from comptoir.orders.tests.factories import make_jackets, make_location, order_body, stock


def _order(client, sku):
    response = client.post(
        "/api/v1/orders",
        order_body(lines=[{"sku": sku, "quantity": 1}]),
        content_type="application/json",
    )
    assert response.status_code == 201, response.json()
    return response.json()["reference"]


def _queries_to_list(client):
    with CaptureQueriesContext(connection) as captured:
        response = client.get("/api/v1/orders")
    return len(captured.captured_queries), response.json()


@pytest.mark.django_db
def test_a_shopper_lists_their_orders_newest_first_in_a_constant_number_of_queries(client):
    store = make_location("lyon-bellecour", city="Lyon")
    make_jackets()
    for sku in ("JACKET-TRAIL-S", "JACKET-TRAIL-M", "JACKET-TRAIL-L"):
        stock(sku, store, 2)
    client.force_login(make_shopper().user)
    first = _order(client, "JACKET-TRAIL-S")
    one_order, _ = _queries_to_list(client)

    later = [_order(client, "JACKET-TRAIL-M"), _order(client, "JACKET-TRAIL-L")]
    three_orders, listed = _queries_to_list(client)

    assert three_orders == one_order
    assert {order["reference"] for order in listed} == {first, *later}
    assert listed[-1]["reference"] == first
    assert listed[0]["pickup_location"] == "lyon-bellecour"
