"""Jean fills a cart on his phone, signs in, sees when his jacket is ready in his store, pays,
and the store finds the order in its task list: the storefront's whole path, through HTTP."""

import pytest

from comptoir.accounts.tests.factories import make_staff
from comptoir.core.models import OutboxEvent
from comptoir.customers.services import choose_favourite_store
from comptoir.customers.tests.factories import SHOPPER_PASSWORD, make_shopper
from comptoir.fulfilment.tests.checkout_factories import (
    JACKET,
    TUESDAY_11_AM,
    at,
    part_dieu,
    shelve,
    warehouse,
)
from comptoir.orders.tests.factories import CARD_OK, deliver_events


@pytest.mark.django_db
def test_jean_sees_the_promise_pays_once_and_the_store_has_its_task(client, monkeypatch):
    store = part_dieu("click_and_collect", "ship_from_store")
    shelve(store, 2)
    shelve(warehouse(), 4)
    jean = make_shopper()
    choose_favourite_store(customer_id=jean.pk, location_code=store.code)
    sofia = make_staff("associate", [store], username="sofia")
    at(monkeypatch, TUESDAY_11_AM)

    # On his phone, not signed in: an anonymous cart.
    token = client.post("/api/v1/carts", {"channel": "app"}, content_type="application/json")
    token = token.json()["token"]
    client.post(
        "/api/v1/carts/current/lines",
        {"sku": JACKET, "quantity": 1, "channel": "app"},
        content_type="application/json",
        headers={"X-Cart-Token": token},
    )
    home = client.get(
        "/api/v1/delivery-options",
        {"cart": "current", "postcode": "69003"},
        headers={"X-Cart-Token": token},
    ).json()
    assert {o["code"] for o in home["options"] if o["available"]} == {
        "home_standard",
        "home_express",
        "home_time_slot",
        "same_day",
        "ship_from_store",
    }

    # He signs in: the cart comes with him, and his store says when it is ready.
    signed_in = client.post(
        "/api/v1/customers/sign-in",
        {"email": "jean.martin@example.fr", "password": SHOPPER_PASSWORD},
        content_type="application/json",
    )
    assert signed_in.status_code == 200
    client.get("/api/v1/carts/current", headers={"X-Cart-Token": token})
    in_store = client.get("/api/v1/delivery-options", {"cart": "current", "store": store.code})
    [collect] = [o for o in in_store.json()["options"] if o["code"] == "click_and_collect"]
    assert collect["promise"] == "ready today at 13:00 in Élan Lyon Part-Dieu"

    # He pays; the app retries the same request after a timeout.
    body = {
        "option": "click_and_collect",
        "store": store.code,
        "channel": "app",
        "payment": {"method": "card", "card_token": CARD_OK},
    }
    paid = [
        client.post(
            "/api/v1/checkouts",
            body,
            content_type="application/json",
            headers={"Idempotency-Key": "jean-pays"},
        )
        for _ in range(2)
    ]
    assert [p.status_code for p in paid] == [201, 201]
    order = paid[0].json()["order"]
    assert paid[1].json()["order"]["reference"] == order["reference"]
    assert (order["channel"], order["status"], order["pickup_location"]) == (
        "app",
        "placed",
        store.code,
    )
    [completed] = OutboxEvent.objects.filter(type="checkout.completed")
    assert completed.payload["promise"] == "ready today at 13:00 in Élan Lyon Part-Dieu"

    # The store sees what to set aside.
    deliver_events()
    client.force_login(sofia)
    tasks = client.get("/api/v1/store-tasks", {"location": store.code}).json()
    assert [(t["order_reference"], t["kind"]) for t in tasks] == [(order["reference"], "set_aside")]
