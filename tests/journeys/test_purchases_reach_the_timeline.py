"""Orders, pickups, cancellations, returns and refunds land on the customer's timeline."""

import pytest

from comptoir.accounts.tests.factories import make_staff
from comptoir.core.models import Delivery, OutboxEvent
from comptoir.core.outbox import Event
from comptoir.customers.handlers import put_purchase_on_timeline
from comptoir.customers.models import TimelineEntry
from comptoir.customers.services import erase_customer
from comptoir.customers.tests.factories import make_shopper
from comptoir.orders.models import Order
from comptoir.orders.tests.factories import (
    deliver_events,
    make_jackets,
    make_location,
    order_body,
    stock,
)


def _timeline(client, customer_id):
    response = client.get(f"/api/v1/customers/{customer_id}/timeline")
    assert response.status_code == 200, response.json()
    return [
        (entry["kind"], entry["channel"], entry["summary"])
        for entry in reversed(response.json())
        if entry["kind"].startswith(("order.", "return.", "refund."))
    ]


def _place(client, **body):
    response = client.post("/api/v1/orders", order_body(**body), content_type="application/json")
    assert response.status_code == 201, response.json()
    deliver_events()
    return response.json()["reference"]


@pytest.mark.django_db
def test_an_order_its_pickup_its_return_and_refund_each_land_once_on_the_timeline(client):
    bellecour = make_location("lyon-bellecour", city="Lyon")
    make_location("lyon-part-dieu", city="Lyon")
    make_jackets()
    stock("JACKET-TRAIL-S", bellecour, 2)
    jean = make_shopper()
    sofia = make_staff("associate", [bellecour], username="sofia")

    client.force_login(jean.user)
    reference = _place(client, channel="app")
    client.force_login(sofia)
    [task] = client.get("/api/v1/store-tasks", {"location": "lyon-bellecour"}).json()
    client.post(f"/api/v1/store-tasks/{task['id']}/ready")
    code = Order.objects.get(reference=reference).pickup_code
    handed = client.post(
        f"/api/v1/store-tasks/{task['id']}/handover",
        {"pickup_code": code},
        content_type="application/json",
    )
    assert handed.status_code == 200, handed.json()
    returned = client.post(
        "/api/v1/returns",
        {
            "order": reference,
            "location": "lyon-bellecour",
            "lines": [{"line_number": 1, "quantity": 1, "reason": "too_small", "sellable": True}],
        },
        content_type="application/json",
    )
    assert returned.status_code == 201, returned.json()
    deliver_events()

    client.force_login(jean.user)
    assert _timeline(client, jean.pk) == [
        ("order.placed", "app", f"Order {reference} placed"),
        ("order.ready_for_pickup", "store", f"Order {reference} ready for pickup"),
        ("order.collected", "store", f"Order {reference} collected"),
        ("return.received", "store", f"Return of order {reference} received"),
        ("refund.issued", "store", f"Refund of 129.00 EUR for order {reference}"),
    ]


@pytest.mark.django_db
def test_a_cancelled_order_is_on_the_timeline_under_its_channel_and_a_redelivery_adds_nothing(
    client,
):
    store = make_location("lyon-bellecour", city="Lyon")
    make_jackets()
    stock("JACKET-TRAIL-S", store, 1)
    jean = make_shopper()
    client.force_login(jean.user)
    reference = _place(client, channel="web")

    cancelled = client.post(
        f"/api/v1/orders/{reference}/cancellation",
        {"reason": "changed my mind"},
        content_type="application/json",
    )
    assert cancelled.status_code == 200, cancelled.json()
    deliver_events()
    row = OutboxEvent.objects.get(type="order.cancelled")
    again = Event(row.event_id, row.type, row.aggregate, row.payload, row.occurred_at)
    put_purchase_on_timeline(again)  # at-least-once delivery: the same event twice

    assert _timeline(client, jean.pk)[-1] == (
        "order.cancelled",
        "web",
        f"Order {reference} cancelled: changed my mind",
    )
    assert TimelineEntry.objects.filter(customer=jean, kind="order.cancelled").count() == 1


@pytest.mark.django_db
def test_a_guest_order_and_an_erased_customer_get_no_timeline_entry(client):
    store = make_location("lyon-bellecour", city="Lyon")
    make_jackets()
    stock("JACKET-TRAIL-S", store, 2)
    jean = make_shopper()
    client.force_login(jean.user)
    reference = _place(client, channel="web")
    client.force_login(make_staff("associate", [store], username="sofia"))
    _place(client, channel="store")  # no customer named: a walk-in guest
    erase_customer(customer_id=jean.pk, requested_by_id=None)

    cancelled = client.post(
        f"/api/v1/orders/{reference}/cancellation",
        {"reason": "erased"},
        content_type="application/json",
    )
    assert cancelled.status_code == 200, cancelled.json()
    deliver_events()

    assert not TimelineEntry.objects.filter(kind__startswith="order.").exists()
    assert (
        not Delivery.objects.exclude(status="delivered")
        .filter(target__contains="put_purchase_on_timeline")
        .exists()
    )
