"""The GDPR export holds the person's orders, returns, parcels and messages; erasure removes
who they are from each while the amounts the accounts need stay."""

import pytest

from comptoir.accounts.tests.factories import make_staff
from comptoir.customers.services import merge_profiles
from comptoir.customers.tests.factories import make_shopper
from comptoir.notifications.models import MessageLog
from comptoir.orders.models import Order
from comptoir.orders.tests.factories import (
    HOME,
    deliver_events,
    make_jackets,
    make_location,
    order_body,
    stock,
)
from comptoir.returns.models import Return
from comptoir.returns.tests.factories import carrier_scans
from comptoir.shipping.domain.tracking import TrackingStatus
from comptoir.shipping.models import Shipment
from comptoir.shipping.tests.factories import make_carriers

pytestmark = pytest.mark.django_db


def _shipped_and_returned(client, shopper):
    """A home order shipped from the Bellecour store and delivered, then half of it returned
    by post."""
    store = make_location("lyon-bellecour", city="Lyon")
    make_jackets()
    make_carriers()
    stock("JACKET-TRAIL-S", store, 2)
    client.force_login(shopper.user)
    placed = client.post(
        "/api/v1/orders",
        order_body(
            mode="ship_from_store",
            pickup=None,
            lines=[{"sku": "JACKET-TRAIL-S", "quantity": 2, "location": "lyon-bellecour"}],
            delivery_address=HOME,
        ),
        content_type="application/json",
    )
    assert placed.status_code == 201, placed.json()
    reference = placed.json()["reference"]
    deliver_events()
    client.force_login(make_staff("associate", [store], username="sofia"))
    [task] = client.get("/api/v1/store-tasks", {"location": "lyon-bellecour"}).json()
    assert client.post(f"/api/v1/store-tasks/{task['id']}/dispatch").status_code == 200
    deliver_events()
    carrier_scans(Order.objects.get(reference=reference), TrackingStatus.DELIVERED)
    returned = client.post(
        "/api/v1/returns",
        {
            "order": reference,
            "location": "lyon-bellecour",
            "method": "post",
            "lines": [{"line_number": 1, "quantity": 1, "reason": "too_big", "sellable": True}],
        },
        content_type="application/json",
    )
    assert returned.status_code == 201, returned.json()
    deliver_events()
    return reference


def test_the_export_holds_the_persons_orders_returns_parcels_and_messages(client):
    jean = make_shopper()
    reference = _shipped_and_returned(client, jean)

    client.force_login(jean.user)
    response = client.get(f"/api/v1/customers/{jean.pk}/export")

    assert response.status_code == 200
    data = response.json()
    assert [(o["reference"], o["delivery_address"]["line1"]) for o in data["orders"]] == [
        (reference, HOME["line1"])
    ]
    [returned] = data["returns"]
    assert (returned["order_reference"], returned["method"], returned["refund_amount"]) == (
        reference,
        "post",
        "129.00",
    )
    assert [(line["sku"], line["reason"]) for line in returned["lines"]] == [
        ("JACKET-TRAIL-S", "too_big")
    ]
    [parcel] = data["shipments"]
    assert (parcel["order_reference"], parcel["destination"]["name"]) == (reference, "Jean Martin")
    assert parcel["destination"]["line1"] == HOME["line1"]
    kinds = {(m["kind"], m["channel"]) for m in data["messages"]["messages"]}
    assert {("order_confirmed", "email"), ("shipped", "email"), ("refund_issued", "email")} <= kinds


def test_an_export_of_another_shopper_is_a_404(client):
    jean = make_shopper()
    _shipped_and_returned(client, jean)
    claire = make_shopper("claire@example.fr")
    client.force_login(claire.user)

    assert client.get(f"/api/v1/customers/{jean.pk}/export").status_code == 404


def test_erasure_blanks_who_the_parcels_and_orders_went_to_and_keeps_the_amounts(client):
    jean = make_shopper()
    reference = _shipped_and_returned(client, jean)
    client.force_login(make_staff("operations", username="olivia"))

    assert client.post(f"/api/v1/customers/{jean.pk}/erasure").status_code == 200
    deliver_events()

    order = Order.objects.get(reference=reference)
    # Two jackets and the home delivery fee, all captured with the one parcel.
    assert (order.delivery_address, str(order.total), str(order.payment.captured_amount)) == (
        {},
        "262.90",
        "262.90",
    )
    assert str(order.payment.refunded_amount) == "129.00"
    shipment = Shipment.objects.get(order_reference=reference)
    assert (shipment.destination_name, shipment.destination_line1, shipment.label) == ("", "", "")
    assert (shipment.destination_postcode, shipment.destination_city) == ("69002", "Lyon")
    assert Return.objects.get(order=order).refund_amount == 129
    export = client.get(f"/api/v1/customers/{jean.pk}/export").json()
    assert export["shipments"][0]["destination"]["name"] == ""


def test_a_merged_profiles_parcels_and_messages_follow_it_to_the_survivor(client):
    jean = make_shopper()
    duplicate = make_shopper("j.martin@example.fr")
    reference = _shipped_and_returned(client, duplicate)

    merge_profiles(survivor_id=jean.pk, merged_id=duplicate.pk, reason="same person")
    deliver_events()

    assert Shipment.objects.get(order_reference=reference).customer_id == jean.pk
    assert MessageLog.objects.filter(customer_id=duplicate.pk).count() == 0
    assert MessageLog.objects.filter(customer_id=jean.pk).count() > 0
