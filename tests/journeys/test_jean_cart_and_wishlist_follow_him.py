"""Jean's cart and wishlist follow him: phone in the bus, store at lunch, web in the evening.

Everything goes through HTTP, each person with their own client, as the apps would.
"""

import pytest
from django.test import Client

from comptoir.accounts.tests.factories import make_staff
from comptoir.customers.services import choose_favourite_store
from comptoir.customers.tests.factories import SHOPPER_PASSWORD, make_shopper
from comptoir.inventory.tests.factories import make_store, make_variant, put_on_shelf

pytestmark = pytest.mark.django_db

JSON = "application/json"


def lines_of(cart_json):
    return {line["sku"]: (line["quantity"], line["channel"]) for line in cart_json["lines"]}


def a_retailer_with_jean():
    lyon = make_store("lyon-part-dieu", city="Lyon")
    jacket = make_variant("JACKET-M", product_slug="running-jacket")
    bottle = make_variant("BOTTLE-750", product_slug="bottle")
    put_on_shelf(jacket, lyon, 3)
    put_on_shelf(bottle, lyon, 12)
    jean = make_shopper("jean.martin@example.fr")
    choose_favourite_store(customer_id=jean.pk, location_code="lyon-part-dieu")
    return lyon, jean


def test_jeans_phone_cart_is_merged_at_login_opened_in_store_by_code_and_seen_on_the_web():
    lyon, jean = a_retailer_with_jean()
    phone, associate_app, web = Client(), Client(), Client()
    associate_app.force_login(make_staff("associate", [lyon]))

    # On his phone in the bus, not signed in: an anonymous cart.
    started = phone.post("/api/v1/carts", {"channel": "app"}, content_type=JSON)
    assert started.status_code == 201
    token = started.json()["token"]
    added = phone.post(
        "/api/v1/carts/current/lines",
        {"sku": "JACKET-M", "quantity": 1, "channel": "app"},
        content_type=JSON,
        headers={"X-Cart-Token": token},
    )
    assert added.status_code == 200
    assert lines_of(added.json()) == {"JACKET-M": (1, "app")}

    # He signs in on the phone: the anonymous cart joins his profile's cart.
    signed_in = phone.post(
        "/api/v1/customers/sign-in",
        {"email": "jean.martin@example.fr", "password": SHOPPER_PASSWORD},
        content_type=JSON,
    )
    assert signed_in.status_code == 200
    merged = phone.get("/api/v1/carts/current", headers={"X-Cart-Token": token})
    assert merged.status_code == 200
    assert merged.json()["customer_id"] == jean.pk
    assert lines_of(merged.json()) == {"JACKET-M": (1, "app")}
    assert merged.json()["lines"][0]["available_at_store"] == 3  # his favourite store's stock

    # At lunch in the store he shows the hand-off code; the associate opens the same cart.
    handoff = phone.post("/api/v1/carts/current/handoff").json()
    assert handoff["qr_svg"].startswith("<svg")
    assert len(handoff["code"]) == 6
    opened = associate_app.get(f"/api/v1/carts/handoff/{handoff['code'].lower()}")
    assert opened.status_code == 200
    assert opened.json()["id"] == merged.json()["id"]
    with_accessory = associate_app.post(
        f"/api/v1/carts/{opened.json()['id']}/lines",
        {"sku": "BOTTLE-750", "quantity": 1},
        content_type=JSON,
    )
    assert with_accessory.status_code == 200

    # In the evening, on the web, the accessory is there, marked as added in the store.
    web.post(
        "/api/v1/customers/sign-in",
        {"email": "jean.martin@example.fr", "password": SHOPPER_PASSWORD},
        content_type=JSON,
    )
    evening = web.get("/api/v1/carts/current")
    assert evening.status_code == 200
    assert lines_of(evening.json()) == {"JACKET-M": (1, "app"), "BOTTLE-750": (1, "store")}
    assert evening.json()["item_count"] == 2


def test_login_sums_the_anonymous_cart_into_the_one_jean_already_had():
    _, jean = a_retailer_with_jean()
    phone = Client()
    phone.force_login(jean.user)
    phone.post("/api/v1/carts/current/lines", {"sku": "JACKET-M"}, content_type=JSON)
    phone.logout()
    token = phone.post("/api/v1/carts", {"channel": "app"}, content_type=JSON).json()["token"]
    for sku in ("JACKET-M", "BOTTLE-750"):
        phone.post(
            "/api/v1/carts/current/lines",
            {"sku": sku, "quantity": 2, "channel": "app"},
            content_type=JSON,
            headers={"X-Cart-Token": token},
        )

    phone.force_login(jean.user)
    merged = phone.get("/api/v1/carts/current", headers={"X-Cart-Token": token}).json()
    again = phone.get("/api/v1/carts/current", headers={"X-Cart-Token": token}).json()

    assert lines_of(merged) == {"JACKET-M": (3, "web"), "BOTTLE-750": (2, "app")}
    assert again == merged  # a retried login merges nothing twice


def test_jeans_wishlist_is_the_same_on_the_web_in_store_and_at_the_call_centre():
    lyon, jean = a_retailer_with_jean()
    marseille = make_store("marseille-vieux-port", city="Marseille")
    put_on_shelf(make_variant("JACKET-M"), marseille, 1)
    web, associate_app, call_centre = Client(), Client(), Client()
    web.force_login(jean.user)
    associate_app.force_login(make_staff("associate", [marseille]))
    call_centre.force_login(make_staff("agent"))
    url = f"/api/v1/customers/{jean.pk}/wishlist"

    assert web.post(url, {"sku": "JACKET-M"}, content_type=JSON).status_code == 201
    in_store = associate_app.get(url).json()
    by_phone = call_centre.post(url, {"sku": "BOTTLE-750"}, content_type=JSON).json()
    on_the_web = web.get(url).json()

    # The associate sees the stock of their own store, not of Jean's favourite one.
    assert in_store["store"] == "marseille-vieux-port"
    assert [(i["sku"], i["available_at_store"]) for i in in_store["items"]] == [("JACKET-M", 1)]
    assert [(i["sku"], i["channel"]) for i in by_phone["items"]] == [
        ("BOTTLE-750", "call_centre"),
        ("JACKET-M", "web"),
    ]
    assert on_the_web["store"] == "lyon-part-dieu"
    assert [(i["sku"], i["available_at_store"]) for i in on_the_web["items"]] == [
        ("BOTTLE-750", 12),
        ("JACKET-M", 3),
    ]
