"""Check-in at a store and the "in store now" list: opt-in only."""

import pytest

from comptoir.accounts.tests.factories import make_staff
from comptoir.core.models import OutboxEvent
from comptoir.customers.models import StoreVisit
from comptoir.customers.services import (
    add_identity,
    add_to_wishlist,
    declare_preferences,
    record_consent,
)
from comptoir.customers.tests.factories import make_shopper
from comptoir.inventory.tests.factories import make_store, make_variant, put_on_shelf

pytestmark = pytest.mark.django_db

JSON = "application/json"


def consent(customer, granted=True):
    record_consent(
        customer_id=customer.pk,
        purpose="in_store_recognition",
        granted=granted,
        channel="app",
        method="app_setting",
    )


def test_without_consent_the_entrance_qr_recognises_nobody(client):
    make_store("lyon-part-dieu")
    jean = make_shopper()
    client.force_login(jean.user)

    response = client.post(
        f"/api/v1/customers/{jean.pk}/check-ins", {"store": "lyon-part-dieu"}, content_type=JSON
    )

    assert response.status_code == 409
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == "consent-required"
    assert response.json()["detail"] == "The customer has not consented to in store recognition."
    assert not StoreVisit.objects.exists()
    assert not OutboxEvent.objects.filter(type="customer.checked_in").exists()


def test_without_consent_a_scanned_loyalty_card_recognises_nobody(client):
    lyon = make_store("lyon-part-dieu")
    jean = make_shopper()
    add_identity(customer_id=jean.pk, kind="loyalty_card", value="ELAN-0042", channel="store")
    record_consent(
        customer_id=jean.pk,
        purpose="marketing_email",  # another purpose does not count
        granted=True,
        channel="web",
        method="checkbox",
    )
    client.force_login(make_staff("associate", [lyon]))

    response = client.post(
        "/api/v1/customers/check-ins",
        {"store": "lyon-part-dieu", "loyalty_card": "elan-0042"},
        content_type=JSON,
    )

    assert response.status_code == 409
    assert response.json()["code"] == "consent-required"
    assert not StoreVisit.objects.exists()
    assert client.get("/api/v1/customers/in-store-now?store=lyon-part-dieu").json() == []


def test_a_consenting_shopper_appears_in_store_now_with_categories_and_wishlist_in_stock(client):
    lyon = make_store("lyon-part-dieu")
    jacket, bottle = make_variant("JACKET-M"), make_variant("BOTTLE-750", product_slug="bottle")
    put_on_shelf(jacket, lyon, 2)
    jean = make_shopper()
    consent(jean)
    add_identity(customer_id=jean.pk, kind="loyalty_card", value="ELAN-0042", channel="store")
    record_consent(
        customer_id=jean.pk,
        purpose="personalisation",
        granted=True,
        channel="app",
        method="app_setting",
    )
    declare_preferences(customer_id=jean.pk, preferences=[("category", "running")], channel="web")
    add_to_wishlist(customer_id=jean.pk, sku="JACKET-M", channel="web")
    add_to_wishlist(customer_id=jean.pk, sku=bottle.sku, channel="web")  # none in Lyon
    client.force_login(make_staff("associate", [lyon]))

    checked_in = client.post(
        "/api/v1/customers/check-ins",
        {"store": "lyon-part-dieu", "loyalty_card": "ELAN-0042"},
        content_type=JSON,
    )
    now = client.get("/api/v1/customers/in-store-now?store=lyon-part-dieu")

    assert checked_in.status_code == 201
    assert checked_in.json()["method"] == "loyalty_card"
    assert now.status_code == 200
    [shopper] = now.json()
    assert (shopper["customer_id"], shopper["first_name"]) == (jean.pk, "Jean")
    assert shopper["favourite_categories"] == ["running"]
    assert [(i["sku"], i["available_at_store"]) for i in shopper["wishlist_in_stock"]] == [
        ("JACKET-M", 2)
    ]


def test_withdrawing_consent_takes_the_shopper_off_the_list_at_once(client):
    lyon = make_store("lyon-part-dieu")
    jean = make_shopper()
    consent(jean)
    client.force_login(jean.user)
    client.post(
        f"/api/v1/customers/{jean.pk}/check-ins", {"store": "lyon-part-dieu"}, content_type=JSON
    )
    consent(jean, granted=False)
    client.force_login(make_staff("associate", [lyon]))

    assert client.get("/api/v1/customers/in-store-now?store=lyon-part-dieu").json() == []


def test_an_associate_sees_only_their_own_stores_list(client):
    make_store("lyon-part-dieu")
    paris = make_store("paris-rivoli")
    client.force_login(make_staff("associate", [paris]))

    response = client.get("/api/v1/customers/in-store-now?store=lyon-part-dieu")

    assert response.status_code == 403


def test_the_store_prints_an_entrance_qr_that_names_it(client):
    lyon = make_store("lyon-part-dieu")
    client.force_login(make_staff("associate", [lyon]))

    response = client.get("/api/v1/customers/entrance-qr?store=lyon-part-dieu")

    assert response.status_code == 200
    assert response.json()["payload"] == "COMPTOIR-CHECK-IN:lyon-part-dieu"
    assert response.json()["qr_svg"].startswith("<svg")
