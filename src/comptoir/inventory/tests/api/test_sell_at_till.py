import pytest

from comptoir.accounts.tests.factories import make_staff
from comptoir.inventory.models import Hold, StockLevel
from comptoir.inventory.services.holds import HoldRequestLine, place_hold
from comptoir.inventory.tests.factories import make_store, make_variant, put_on_shelf

URL = "/api/v1/till-sales"


def sale(*lines, store="lyon-part-dieu", ticket="T-1"):
    return {"store": store, "ticket": ticket, "lines": list(lines)}


@pytest.mark.django_db
def test_a_till_sale_is_visible_to_the_very_next_availability_request(client):
    store, jacket = make_store(), make_variant("JACKET-S")
    put_on_shelf(jacket, store, 3)
    client.force_login(make_staff("associate", [store]))

    response = client.post(
        URL, sale({"sku": "JACKET-S", "quantity": 1}), content_type="application/json"
    )

    assert response.status_code == 201
    assert response.json()["lines"][0]["on_hand"] == 2
    web = client.get(
        "/api/v1/availability", {"sku": "JACKET-S", "location": "lyon-part-dieu", "channel": "web"}
    )
    assert web.json()[0]["available"] == 2


@pytest.mark.django_db
def test_the_last_unit_held_online_cannot_be_sold_to_a_walk_in_customer(client):
    store, jacket = make_store(), make_variant("JACKET-S")
    put_on_shelf(jacket, store, 1)
    place_hold(
        lines=[HoldRequestLine(store.pk, jacket.pk, "JACKET-S", 1)],
        channel="web",
        reference="order-jean",
    )
    client.force_login(make_staff("associate", [store]))

    response = client.post(
        URL, sale({"sku": "JACKET-S", "quantity": 1}), content_type="application/json"
    )

    assert response.status_code == 409
    assert response.json()["code"] == "out-of-stock"
    assert StockLevel.objects.get(variant=jacket, location=store).on_hand == 1


@pytest.mark.django_db
def test_the_associate_sells_the_held_unit_to_the_customer_who_holds_it(client):
    store, jacket = make_store(), make_variant("JACKET-S")
    put_on_shelf(jacket, store, 1)
    [hold] = place_hold(
        lines=[HoldRequestLine(store.pk, jacket.pk, "JACKET-S", 1)],
        channel="web",
        reference="order-jean",
    )
    client.force_login(make_staff("associate", [store]))

    response = client.post(
        URL,
        sale({"sku": "JACKET-S", "quantity": 1, "hold_id": hold.pk}),
        content_type="application/json",
    )

    assert response.status_code == 201
    assert response.json()["lines"][0] == {
        "sku": "JACKET-S",
        "location": "lyon-part-dieu",
        "on_hand": 0,
        "held": 0,
        "safety": 0,
        "available": 0,
    }
    assert Hold.objects.get(pk=hold.pk).status == "consumed"


@pytest.mark.django_db
def test_an_associate_of_another_store_cannot_sell_here(client):
    lyon, paris = make_store(), make_store("paris-rivoli", city="Paris")
    jacket = make_variant("JACKET-S")
    put_on_shelf(jacket, lyon, 1)
    client.force_login(make_staff("associate", [paris]))

    response = client.post(
        URL, sale({"sku": "JACKET-S", "quantity": 1}), content_type="application/json"
    )

    assert response.status_code == 403
    assert StockLevel.objects.get(variant=jacket, location=lyon).on_hand == 1
