import pytest

from comptoir.inventory.tests.factories import make_variant, put_on_shelf
from comptoir.locations.tests.factories import make_store

URL = "/api/v1/availability/near"
LYON_PART_DIEU = {"lat": 45.7607, "lon": 4.8595}


def three_stores_around_lyon() -> dict:
    codes = ("lyon-part-dieu", "villeurbanne-gratte-ciel", "saint-etienne-centre-deux")
    return {code: make_store(code) for code in codes}


@pytest.mark.django_db
def test_the_nearest_stores_come_first_with_their_stock_of_the_sku(client):
    stores = three_stores_around_lyon()
    jacket = make_variant("JACKET-S")
    put_on_shelf(jacket, stores["villeurbanne-gratte-ciel"], 4)

    response = client.get(URL, {"sku": "JACKET-S", **LYON_PART_DIEU, "limit": 3})

    assert response.status_code == 200
    items = response.json()["items"]
    assert [item["code"] for item in items] == [
        "lyon-part-dieu",
        "villeurbanne-gratte-ciel",
        "saint-etienne-centre-deux",
    ]
    assert items[0]["distance_km"] == 0
    assert [item["stock"][0]["available"] for item in items] == [0, 4, 0]


@pytest.mark.django_db
def test_only_available_keeps_the_stores_that_can_promise_a_unit(client):
    stores = three_stores_around_lyon()
    jacket = make_variant("JACKET-S")
    put_on_shelf(jacket, stores["saint-etienne-centre-deux"], 1)

    response = client.get(URL, {"sku": "JACKET-S", **LYON_PART_DIEU, "only_available": True})

    assert [item["code"] for item in response.json()["items"]] == ["saint-etienne-centre-deux"]


@pytest.mark.django_db
def test_every_variant_of_a_product_is_shown_per_store(client):
    stores = three_stores_around_lyon()
    small, large = make_variant("JACKET-S"), make_variant("JACKET-L")
    put_on_shelf(small, stores["lyon-part-dieu"], 2)
    put_on_shelf(large, stores["lyon-part-dieu"], 1)

    response = client.get(URL, {"product": "running-jacket", **LYON_PART_DIEU, "limit": 1})

    [lyon] = response.json()["items"]
    assert {row["sku"]: row["on_hand"] for row in lyon["stock"]} == {"JACKET-S": 2, "JACKET-L": 1}


@pytest.mark.django_db
def test_asking_for_both_a_sku_and_a_product_is_a_422(client):
    make_variant("JACKET-S")

    response = client.get(URL, {"sku": "JACKET-S", "product": "running-jacket", **LYON_PART_DIEU})

    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "query.sku"
