from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from comptoir.catalog.errors import ProductNotFound, UnknownCategory, UnknownStore
from comptoir.catalog.selectors import (
    product_detail,
    product_list,
    product_page,
    variant_ids_for_skus,
    variants_of_product,
)
from comptoir.catalog.services.prices import set_price
from comptoir.catalog.services.products import list_product_on_channel, relate_products
from comptoir.catalog.tests.factories import make_category, make_product
from comptoir.locations.tests.factories import make_store

pytestmark = pytest.mark.django_db


def slugs(products):
    return sorted(product.slug for product in products)


def test_the_list_filters_by_category_with_its_subcategories():
    make_category("running")
    make_category("trail", parent="running")
    make_product("veste-running", skus=["JACKET-S"], category="running")
    make_product("chaussure-trail", skus=["SHOE-42"], category="trail")
    make_product("montre-gps", skus=["WATCH-GPS"], category="montres-gps")

    assert slugs(product_list(category="running")) == ["chaussure-trail", "veste-running"]
    assert slugs(product_list(category="trail")) == ["chaussure-trail"]
    with pytest.raises(UnknownCategory):
        product_list(category="no-such-category")


def test_the_list_shows_a_channel_only_what_is_published_there():
    make_product("veste-running", skus=["JACKET-S"])
    make_product("montre-gps", skus=["WATCH-GPS"], channels=["web", "marketplace"])
    list_product_on_channel(slug="veste-running", channel="web", is_published=False)

    assert slugs(product_list(channel="web")) == ["montre-gps"]
    assert slugs(product_list(channel="app")) == ["veste-running"]
    assert slugs(product_list(channel="marketplace")) == ["montre-gps"]


@pytest.mark.parametrize(
    ("search", "found"),
    [
        pytest.param("veste", "veste-running", id="name_case"),
        # (SQLite folds the case of ASCII letters only: "ÉLAN" finds "Élan" on PostgreSQL alone)
        pytest.param("GARMIN", "montre-gps", id="brand_case"),
        pytest.param("jacket-m", "veste-running", id="sku_case"),
        pytest.param("5901234123457", "veste-running", id="gtin_13_case"),
        pytest.param("05901234123457", "veste-running", id="gtin_14_case"),
    ],
)
def test_the_list_finds_a_product_by_name_brand_sku_or_gtin(search, found):
    make_product("veste-running", name="Veste de running", brand="Élan")
    make_product("montre-gps", name="Montre GPS", brand="Garmin", skus=["WATCH-GPS"])

    assert slugs(product_list(search=search)) == [found]


def test_a_page_of_products_takes_the_same_queries_for_two_products_or_ten():
    for index in range(10):
        make_product(f"veste-{index}", skus=[f"JACKET-{index}-S", f"JACKET-{index}-M"])

    def queries_for(limit):
        with CaptureQueriesContext(connection) as queries:
            page = product_page(channel="web", limit=limit)
        assert len(page["items"]) == limit
        return len(queries)

    assert queries_for(2) == queries_for(10)


def test_a_summary_has_the_channel_title_and_the_lowest_price_there():
    make_product("veste-running", skus=["JACKET-S", "JACKET-M"], price="89.90")
    list_product_on_channel(slug="veste-running", channel="app", title="Veste")
    set_price(sku="JACKET-M", channel="app", amount=Decimal("69.90"), reason="appli")

    [on_app] = product_page(channel="app")["items"]
    [on_web] = product_page(channel="web")["items"]

    assert (on_app["title"], on_app["price_from"]) == (
        "Veste",
        {"amount": Decimal("69.90"), "currency": "EUR"},
    )
    assert (on_web["title"], on_web["price_from"]) == (
        "Veste de running",
        {"amount": Decimal("89.90"), "currency": "EUR"},
    )


def test_the_detail_shows_each_size_with_its_price_and_where_it_comes_from():
    make_store("lyon-part-dieu")
    make_product("veste-running", skus=["JACKET-S", "JACKET-M"], price="89.90")
    set_price(sku="JACKET-S", store="lyon-part-dieu", amount=Decimal("79.90"), reason="local")

    in_lyon = product_detail(slug="veste-running", channel="store", store="lyon-part-dieu")
    online = product_detail(slug="veste-running", channel="web")

    assert [
        (v["sku"], v["price"]["amount"], v["price"]["source"]) for v in in_lyon["variants"]
    ] == [
        ("JACKET-S", Decimal("79.90"), "store:lyon-part-dieu"),
        ("JACKET-M", Decimal("89.90"), "base"),
    ]
    assert [v["price"]["source"] for v in online["variants"]] == ["base", "base"]


def test_the_detail_lists_accessories_and_replacements_both_ways():
    make_product("montre-gps", skus=["WATCH-GPS"])
    make_product("montre-gps-2", skus=["WATCH-GPS-2"])
    make_product("bracelet", skus=["STRAP-SIL"])
    relate_products(slug="bracelet", related="montre-gps", kind="accessory_of")
    relate_products(slug="montre-gps-2", related="montre-gps", kind="replacement_of")

    watch = product_detail(slug="montre-gps")
    strap = product_detail(slug="bracelet")

    assert (watch["accessories"], watch["replaced_by"]) == (["bracelet"], ["montre-gps-2"])
    assert (watch["accessory_of"], watch["replacement_of"]) == ([], [])
    assert strap["accessory_of"] == ["montre-gps"]


def test_a_product_not_published_on_a_channel_is_not_found_there():
    make_product("montre-gps", skus=["WATCH-GPS"], channels=["web"])

    assert product_detail(slug="montre-gps", channel="web")["slug"] == "montre-gps"
    with pytest.raises(ProductNotFound):
        product_detail(slug="montre-gps", channel="app")
    with pytest.raises(UnknownStore):
        product_detail(slug="montre-gps", store="no-such-store")


def test_inventory_resolves_skus_and_the_variants_of_a_product():
    jacket = make_product("veste-running", skus=["JACKET-S", "JACKET-M"])
    ids = dict(jacket.variants.values_list("sku", "pk"))

    assert variant_ids_for_skus(["JACKET-S", "NO-SUCH-SKU"]) == {"JACKET-S": ids["JACKET-S"]}
    assert variants_of_product("veste-running") == ids
    assert variants_of_product("no-such-product") == {}
