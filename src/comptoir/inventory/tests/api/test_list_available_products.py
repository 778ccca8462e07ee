import json
from decimal import Decimal

import pytest
from ninja.responses import NinjaJSONEncoder

from comptoir.catalog.services.prices import set_price
from comptoir.catalog.services.products import list_product_on_channel
from comptoir.inventory.schemas import AvailableProductsOut
from comptoir.inventory.services.holds import HoldRequestLine, place_hold
from comptoir.inventory.services.stock import set_safety_stock
from comptoir.inventory.tests.factories import make_variant, put_on_shelf
from comptoir.locations.domain import ServiceOffer
from comptoir.locations.services import set_location_services
from comptoir.locations.tests.factories import make_store

URL = "/api/v1/availability/products"


def jacket_shorts_and_socks():
    return (
        make_variant("JACKET-S", product_slug="veste-trail"),
        make_variant("SHORTS-M", product_slug="short-tempo"),
        make_variant("SOCKS-42", product_slug="chaussettes-run"),
    )


@pytest.mark.django_db
def test_available_in_store_lists_only_what_that_store_can_promise_with_the_total(client):
    lyon, paris = make_store("lyon-part-dieu"), make_store("paris-rivoli")
    jacket, shorts, socks = jacket_shorts_and_socks()
    put_on_shelf(jacket, lyon, 2)
    put_on_shelf(shorts, paris, 5)
    put_on_shelf(socks, lyon, 1)
    place_hold(
        lines=[HoldRequestLine(lyon.pk, socks.pk, "SOCKS-42", 1)], channel="web", reference="cart-1"
    )  # the only pair is held: not available any more

    response = client.get(URL, {"store": "lyon-part-dieu"})

    assert response.status_code == 200
    body = response.json()
    assert [item["slug"] for item in body["items"]] == ["veste-trail"]
    assert (body["total"], body["stores"]) == (1, ["lyon-part-dieu"])


@pytest.mark.django_db
def test_the_store_safety_stock_hides_its_last_units_from_the_web(client):
    lyon = make_store("lyon-part-dieu")
    jacket, _, _ = jacket_shorts_and_socks()
    put_on_shelf(jacket, lyon, 2)
    set_safety_stock(location_id=lyon.pk, channel="web", quantity=2)

    web = client.get(URL, {"store": "lyon-part-dieu", "channel": "web"}).json()
    till = client.get(URL, {"store": "lyon-part-dieu", "channel": "store"}).json()

    assert (web["total"], till["total"]) == (0, 1)


@pytest.mark.django_db
def test_available_for_pickup_near_me_looks_at_the_nearest_click_and_collect_stores(client):
    lyon, villeurbanne = make_store("lyon-part-dieu"), make_store("villeurbanne-gratte-ciel")
    paris = make_store("paris-rivoli")
    for store in (lyon, villeurbanne, paris):
        set_location_services(
            location_code=store.code,
            services=[ServiceOffer("click_and_collect", pickup_lead_minutes=120)],
        )
    jacket, shorts, _ = jacket_shorts_and_socks()
    put_on_shelf(jacket, villeurbanne, 1)
    put_on_shelf(shorts, paris, 1)  # far from Lyon

    body = client.get(URL, {"lat": 45.7607, "lon": 4.8595, "stores_near": 2}).json()

    assert body["stores"] == ["lyon-part-dieu", "villeurbanne-gratte-ciel"]
    assert [item["slug"] for item in body["items"]] == ["veste-trail"]


@pytest.mark.django_db
def test_a_store_and_a_place_together_is_a_422(client):
    make_store("lyon-part-dieu")

    response = client.get(URL, {"store": "lyon-part-dieu", "city": "Lyon"})

    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "query.store"


@pytest.mark.django_db
def test_a_product_counts_once_however_many_of_its_sizes_the_store_has(client):
    lyon = make_store("lyon-part-dieu")
    for size in ("S", "M", "L"):
        put_on_shelf(make_variant(f"JACKET-{size}", product_slug="veste-trail"), lyon, 1)
    put_on_shelf(make_variant("SOCKS-42", product_slug="chaussettes-run"), lyon, 1)

    body = client.get(URL, {"store": "lyon-part-dieu"}).json()

    assert [item["slug"] for item in body["items"]] == ["veste-trail", "chaussettes-run"]
    assert body["total"] == 2


@pytest.mark.django_db
def test_a_product_in_stock_but_withdrawn_from_the_channel_is_neither_listed_nor_counted(client):
    lyon = make_store("lyon-part-dieu")
    jacket, shorts, _ = jacket_shorts_and_socks()
    put_on_shelf(jacket, lyon, 2)
    put_on_shelf(shorts, lyon, 2)
    list_product_on_channel(slug="short-tempo", channel="web", is_published=False)

    body = client.get(URL, {"store": "lyon-part-dieu"}).json()

    assert [item["slug"] for item in body["items"]] == ["veste-trail"]
    assert body["total"] == 1


@pytest.mark.django_db
def test_the_page_shows_the_channel_title_the_variants_and_the_lowest_price_on_that_channel(
    client,
):
    lyon = make_store("lyon-part-dieu")
    make_variant("JACKET-S", product_slug="veste-trail")  # in no store: still on the page
    large = make_variant("JACKET-L", product_slug="veste-trail")
    put_on_shelf(large, lyon, 1)
    set_price(sku="JACKET-S", amount=Decimal("89.90"))
    set_price(sku="JACKET-L", amount=Decimal("94.90"))
    set_price(sku="JACKET-L", amount=Decimal("79.90"), channel="app", reason="app launch")
    list_product_on_channel(slug="veste-trail", channel="app", title="Veste Trail")

    web = client.get(URL, {"store": "lyon-part-dieu"}).json()
    app = client.get(URL, {"store": "lyon-part-dieu", "channel": "app"}).json()

    assert [(i["title"], i["price_from"]) for i in web["items"] + app["items"]] == [
        ("Veste de running", {"amount": "89.90", "currency": "EUR"}),
        ("Veste Trail", {"amount": "79.90", "currency": "EUR"}),
    ]
    assert app["items"][0]["variants"] == [
        {"sku": "JACKET-S", "size": "", "colour": ""},
        {"sku": "JACKET-L", "size": "", "colour": ""},
    ]
    # rendered without a second pass through pydantic: the same as its schema would render
    through_schema = AvailableProductsOut.model_validate(app).model_dump()
    assert json.loads(json.dumps(through_schema, cls=NinjaJSONEncoder)) == app
