"""GET /api/v1/products — public; filters by category, channel and a search; cursor pages."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from comptoir.catalog.services.products import list_product_on_channel
from comptoir.catalog.tests.factories import make_category, make_product

pytestmark = pytest.mark.django_db
URL = "/api/v1/products"


def test_anyone_sees_the_catalogue_with_each_channel_title_and_price(client):
    make_product("veste-running", skus=["JACKET-S", "JACKET-M"], price="89.90")
    list_product_on_channel(slug="veste-running", channel="app", title="Veste")

    response = client.get(URL, {"channel": "app"})

    assert response.status_code == 200
    assert response.json() == {
        "items": [
            {
                "slug": "veste-running",
                "name": "Veste de running",
                "title": "Veste",
                "brand": "Élan",
                "category": "running",
                "price_from": {"amount": "89.90", "currency": "EUR"},
                "variants": [
                    {"sku": "JACKET-S", "size": "S", "colour": ""},
                    {"sku": "JACKET-M", "size": "M", "colour": ""},
                ],
            }
        ],
        "next_cursor": None,
    }


def test_filters_narrow_the_list(client):
    make_category("running")
    make_category("trail", parent="running")
    make_product("veste-running", skus=["JACKET-S"])
    make_product("chaussure-trail", skus=["SHOE-42"], category="trail", channels=["web"])
    make_product("montre-gps", skus=["WATCH-GPS"], category="montres-gps")

    def found(**params):
        return [item["slug"] for item in client.get(URL, params).json()["items"]]

    assert found(category="running") == ["veste-running", "chaussure-trail"]
    assert found(category="running", channel="app") == ["veste-running"]
    assert found(q="watch-gps") == ["montre-gps"]


def test_the_next_cursor_walks_the_whole_catalogue_once(client):
    for slug in ("veste-a", "veste-b", "veste-c"):
        make_product(slug, skus=[f"{slug.upper()}-S"])

    first = client.get(URL, {"limit": 2}).json()
    second = client.get(URL, {"limit": 2, "cursor": first["next_cursor"]}).json()

    assert [item["slug"] for item in first["items"] + second["items"]] == [
        "veste-a",
        "veste-b",
        "veste-c",
    ]
    assert second["next_cursor"] is None


def test_a_page_costs_the_same_queries_for_one_product_or_twenty(client):
    for index in range(20):
        make_product(f"veste-{index}", skus=[f"JACKET-{index}-S", f"JACKET-{index}-M"])

    def queries_for(limit):
        with CaptureQueriesContext(connection) as queries:
            assert len(client.get(URL, {"limit": limit, "channel": "web"}).json()["items"]) == limit
        return len(queries)

    assert queries_for(1) == queries_for(20)


def test_an_unknown_category_is_a_422_naming_the_query_field(client):
    response = client.get(URL, {"category": "no-such-category"})

    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"field": "query.category", "message": "unknown category: no-such-category"}
    ]
