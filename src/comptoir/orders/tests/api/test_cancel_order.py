import pytest

from comptoir.core.models import OutboxEvent
from comptoir.customers.tests.factories import make_shopper
from comptoir.inventory.models import Hold, StockLevel
from comptoir.orders.models import Order
from comptoir.orders.tests.factories import make_jackets, make_location, order_body, stock


def _held(store, sku):
    return StockLevel.objects.get(location=store, variant__sku=sku).held


def _two_line_order(client):
    store = make_location("lyon-bellecour", city="Lyon")
    make_jackets()
    stock("JACKET-TRAIL-S", store, 1)
    stock("JACKET-TRAIL-M", store, 1)
    client.force_login(make_shopper().user)
    body = order_body(
        lines=[{"sku": "JACKET-TRAIL-S", "quantity": 1}, {"sku": "JACKET-TRAIL-M", "quantity": 1}]
    )
    return store, client.post("/api/v1/orders", body, content_type="application/json").json()


def _cancel(client, reference, **body):
    return client.post(
        f"/api/v1/orders/{reference}/cancellation",
        {"reason": "changed my mind", **body},
        content_type="application/json",
    )


@pytest.mark.django_db
def test_cancelling_a_line_puts_its_unit_back_on_sale_and_keeps_the_rest(client):
    store, order = _two_line_order(client)

    response = _cancel(client, order["reference"], lines=[2])

    assert response.status_code == 200
    assert [line["status"] for line in response.json()["lines"]] == ["open", "cancelled"]
    assert response.json()["status"] == "placed"
    assert (_held(store, "JACKET-TRAIL-S"), _held(store, "JACKET-TRAIL-M")) == (1, 0)
    [event] = OutboxEvent.objects.filter(type="order.lines_cancelled")
    assert event.payload["lines"] == [{"sku": "JACKET-TRAIL-M", "quantity": 1}]


@pytest.mark.django_db
def test_cancelling_the_order_releases_every_hold_and_voids_the_payment(client):
    store, order = _two_line_order(client)

    response = _cancel(client, order["reference"])

    assert response.json()["status"] == "cancelled"
    assert (_held(store, "JACKET-TRAIL-S"), _held(store, "JACKET-TRAIL-M")) == (0, 0)
    assert set(Hold.objects.values_list("status", flat=True)) == {"released"}
    assert Order.objects.get(reference=order["reference"]).payment.status == "voided"
    [event] = OutboxEvent.objects.filter(type="order.cancelled")
    assert event.payload["reason"] == "changed my mind"


@pytest.mark.django_db
def test_a_cancelled_order_cannot_be_cancelled_again(client):
    _, order = _two_line_order(client)
    _cancel(client, order["reference"])

    again = _cancel(client, order["reference"])

    assert again.status_code == 409
    assert again.json()["code"] == "order-state-conflict"
    assert OutboxEvent.objects.filter(type="order.cancelled").count() == 1


@pytest.mark.django_db
def test_a_shopper_cannot_cancel_someone_elses_order(client):
    store, order = _two_line_order(client)
    client.force_login(make_shopper("lea@example.fr", first_name="Léa").user)

    assert _cancel(client, order["reference"]).status_code == 404
    assert _held(store, "JACKET-TRAIL-S") == 1
