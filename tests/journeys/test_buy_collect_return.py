"""Jean's journeys across channels, through HTTP, as the issue asks to see them."""

from decimal import Decimal

import pytest

from comptoir.accounts.tests.factories import make_staff
from comptoir.core.models import OutboxEvent
from comptoir.customers.services import choose_favourite_store
from comptoir.customers.tests.factories import make_shopper
from comptoir.inventory.models import Hold, StockLevel, StockMovement
from comptoir.orders.models import Order
from comptoir.orders.tests.factories import (
    CARD_OK,
    HOME,
    deliver_events,
    make_jackets,
    make_location,
    order_body,
    stock,
)


def _level(sku, location):
    return StockLevel.objects.get(variant__sku=sku, location=location)


def _events(type_):
    return [event.payload for event in OutboxEvent.objects.filter(type=type_).order_by("id")]


@pytest.mark.django_db
def test_jean_reserves_online_collects_in_his_store_and_returns_in_another(client):
    bellecour = make_location("lyon-bellecour", city="Lyon")
    part_dieu = make_location("lyon-part-dieu", city="Lyon")
    make_jackets()
    stock("JACKET-TRAIL-S", bellecour, 1)  # the last size S in Jean's favourite store
    jean = choose_favourite_store(customer_id=make_shopper().pk, location_code="lyon-bellecour")
    sofia = make_staff("associate", [bellecour], username="sofia")
    karim = make_staff("associate", [part_dieu], username="karim")

    # Jean orders the size-S jacket online, to collect at his favourite store.
    client.force_login(jean.user)
    favourite = client.get("/api/v1/customers/me").json()["favourite_store"]["code"]
    response = client.post(
        "/api/v1/orders",
        order_body(pickup=favourite),
        content_type="application/json",
        headers={"Idempotency-Key": "jean-jacket-1"},
    )
    assert response.status_code == 201, response.json()
    order = response.json()
    payment = order["payment"]
    assert (order["status"], order["total"], payment["status"]) == (
        "placed",
        "129.00",
        "authorised",
    )
    assert (payment["authorised_amount"], payment["captured_amount"]) == ("129.00", "0.00")
    # The unit is held at once, for Jean.
    hold = Hold.objects.get(reference=order["reference"])
    assert (hold.status, hold.customer_id, hold.location_id) == ("active", jean.pk, bellecour.pk)
    assert (
        _level("JACKET-TRAIL-S", bellecour).on_hand,
        _level("JACKET-TRAIL-S", bellecour).held,
    ) == (1, 1)
    deliver_events()

    # Sofia's task list at Bellecour shows it to set aside.
    client.force_login(sofia)
    tasks = client.get("/api/v1/store-tasks", {"location": "lyon-bellecour"}).json()
    assert [(t["order_reference"], t["kind"], t["lines"][0]["sku"]) for t in tasks] == [
        (order["reference"], "set_aside", "JACKET-TRAIL-S")
    ]
    task_id = tasks[0]["id"]

    # A walk-in customer wants the same last unit at the till: refused.
    till = client.post(
        "/api/v1/till-sales",
        {
            "store": "lyon-bellecour",
            "ticket": "T-1",
            "lines": [{"sku": "JACKET-TRAIL-S", "quantity": 1}],
        },
        content_type="application/json",
    )
    assert till.status_code == 409
    assert till.json()["code"] == "out-of-stock"

    # Sofia sets it aside: Jean is told, with a code.
    assert client.post(f"/api/v1/store-tasks/{task_id}/ready").json()["status"] == "ready"
    [ready] = _events("order.ready_for_pickup")
    assert (ready["order_reference"], ready["location_id"], ready["customer_id"]) == (
        order["reference"],
        bellecour.pk,
        jean.pk,
    )
    client.force_login(jean.user)
    code = client.get(f"/api/v1/orders/{order['reference']}").json()["pickup_code"]
    assert code == ready["pickup_code"]

    # At the counter, a wrong code is a clear 422; Jean's code hands it over.
    client.force_login(sofia)
    wrong = "000000" if code != "000000" else "111111"
    refused = client.post(
        f"/api/v1/store-tasks/{task_id}/handover",
        {"pickup_code": wrong},
        content_type="application/json",
    )
    assert refused.status_code == 422
    assert refused.json()["code"] == "wrong-pickup-code"
    handed = client.post(
        f"/api/v1/store-tasks/{task_id}/handover",
        {"pickup_code": code},
        content_type="application/json",
    )
    assert handed.status_code == 200, handed.json()
    assert handed.json()["status"] == "done"
    assert (
        _level("JACKET-TRAIL-S", bellecour).on_hand,
        _level("JACKET-TRAIL-S", bellecour).held,
    ) == (0, 0)
    collected = Order.objects.get(reference=order["reference"])
    assert (collected.status, collected.payment.status, collected.payment.captured_amount) == (
        "collected",
        "captured",
        129,
    )

    # Later, Jean brings it back to Part-Dieu: refunded, and the unit is on sale there.
    client.force_login(karim)
    returned = client.post(
        "/api/v1/returns",
        {
            "order": order["reference"],
            "location": "lyon-part-dieu",
            "lines": [{"line_number": 1, "quantity": 1, "reason": "too_small", "sellable": True}],
        },
        content_type="application/json",
        headers={"Idempotency-Key": "return-1"},
    )
    assert returned.status_code == 201, returned.json()
    assert (returned.json()["status"], returned.json()["refund_amount"]) == ("refunded", "129.00")
    [refund] = _events("refund.issued")
    assert (refund["order_reference"], refund["amount"], refund["currency"]) == (
        order["reference"],
        "129.00",
        "EUR",
    )
    assert Order.objects.get(reference=order["reference"]).payment.refunded_amount == 129
    level = _level("JACKET-TRAIL-S", part_dieu)
    assert (level.on_hand, level.held) == (1, 0)
    assert StockMovement.objects.filter(location=part_dieu, kind="return").count() == 1
    sale = client.post(
        "/api/v1/till-sales",
        {
            "store": "lyon-part-dieu",
            "ticket": "T-2",
            "lines": [{"sku": "JACKET-TRAIL-S", "quantity": 1}],
        },
        content_type="application/json",
    )
    assert sale.status_code == 201, sale.json()


@pytest.mark.django_db
def test_a_web_order_is_shipped_from_a_store(client):
    bellecour = make_location("lyon-bellecour", city="Lyon")
    make_jackets()
    stock("JACKET-TRAIL-M", bellecour, 3)
    jean = make_shopper()
    client.force_login(jean.user)
    body = order_body(
        mode="ship_from_store",
        pickup=None,
        lines=[{"sku": "JACKET-TRAIL-M", "quantity": 2, "location": "lyon-bellecour"}],
        delivery_address=HOME,
    )
    order = client.post("/api/v1/orders", body, content_type="application/json").json()
    deliver_events()

    client.force_login(make_staff("associate", [bellecour]))
    [task] = client.get("/api/v1/store-tasks", {"location": "lyon-bellecour"}).json()
    assert (task["kind"], task["order_reference"]) == ("ship", order["reference"])
    assert client.post(f"/api/v1/store-tasks/{task['id']}/dispatch").status_code == 200

    [dispatched] = _events("fulfilment.dispatched")
    assert dispatched["order_reference"] == order["reference"]
    assert dispatched["from_location_id"] == bellecour.pk
    assert dispatched["destination"]["kind"] == "home"
    assert dispatched["destination"]["postcode"] == "69002"
    assert dispatched["lines"] == [{"sku": "JACKET-TRAIL-M", "quantity": 2}]
    assert (
        _level("JACKET-TRAIL-M", bellecour).on_hand,
        _level("JACKET-TRAIL-M", bellecour).held,
    ) == (1, 0)
    shipped = Order.objects.get(reference=order["reference"])
    # The lines and the delivery fee, with the first (here the only) parcel.
    assert (shipped.status, shipped.payment.captured_amount) == ("dispatched", shipped.total)
    assert shipped.total == Decimal("262.90")


@pytest.mark.django_db
def test_an_endless_aisle_order_in_a_store_is_delivered_home_from_the_warehouse(client):
    bellecour = make_location("lyon-bellecour", city="Lyon")
    warehouse = make_location("entrepot-lyon", city="Saint-Priest", kind="warehouse")
    make_jackets()
    stock("JACKET-TRAIL-L", warehouse, 5)  # none in the store: the endless aisle
    jean = make_shopper()
    client.force_login(make_staff("associate", [bellecour]))
    response = client.post(
        "/api/v1/orders",
        order_body(
            channel="store",
            mode="endless_aisle_home",
            pickup=None,
            ordered_at_location="lyon-bellecour",
            customer=jean.pk,
            lines=[{"sku": "JACKET-TRAIL-L", "quantity": 1, "location": "entrepot-lyon"}],
            delivery_address=HOME,
        ),
        content_type="application/json",
    )
    assert response.status_code == 201, response.json()
    order = response.json()
    assert (order["ordered_at_location"], order["customer_id"]) == ("lyon-bellecour", jean.pk)
    deliver_events()

    client.force_login(make_staff("operations", username="olivier"))
    [task] = client.get("/api/v1/store-tasks", {"location": "entrepot-lyon"}).json()
    assert client.post(f"/api/v1/store-tasks/{task['id']}/dispatch").status_code == 200
    [dispatched] = _events("fulfilment.dispatched")
    assert (dispatched["from_location_id"], dispatched["destination"]["kind"]) == (
        warehouse.pk,
        "home",
    )
    assert dispatched["customer_id"] == jean.pk


@pytest.mark.django_db
def test_a_call_centre_order_is_paid_by_link(client):
    warehouse = make_location("entrepot-lyon", city="Saint-Priest", kind="warehouse")
    make_jackets()
    stock("JACKET-TRAIL-M", warehouse, 2)
    jean = make_shopper()
    client.force_login(make_staff("agent"))
    response = client.post(
        "/api/v1/orders",
        order_body(
            channel="call_centre",
            mode="home_delivery",
            pickup=None,
            customer=jean.pk,
            lines=[{"sku": "JACKET-TRAIL-M", "quantity": 1, "location": "entrepot-lyon"}],
            delivery_address=HOME,
            payment={"method": "payment_link"},
        ),
        content_type="application/json",
    )
    assert response.status_code == 201, response.json()
    order = response.json()
    assert order["status"] == "awaiting_payment"
    link = order["payment"]["payment_link"]
    assert link.startswith("http://127.0.0.1:8000/pay/")  # the fake PSP's page
    assert Hold.objects.get(reference=order["reference"]).status == "active"  # held meanwhile

    # Jean opens the link and pays with his card.
    client.logout()
    paid = client.post(
        "/api/v1/fake-psp/links/" + link.rsplit("/pay/", 1)[1],
        {"card_token": CARD_OK},
        content_type="application/json",
    )
    assert paid.json() == {"outcome": "applied"}
    placed = Order.objects.get(reference=order["reference"])
    assert (placed.status, placed.payment.status) == ("placed", "authorised")
    assert [p["order_reference"] for p in _events("order.placed")] == [order["reference"]]
