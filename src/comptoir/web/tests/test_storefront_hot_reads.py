"""The product page and the "in my store" listing read their stock, and the catalogue they
show from the process's memory (ADR 0040): a fixed number of statements, none of them the
catalogue's once it is remembered; and an edited price, listing or name shows at once."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from comptoir.catalog.models import Price, Product, Variant
from comptoir.catalog.services.prices import set_price
from comptoir.catalog.services.products import list_product_on_channel
from comptoir.demo.retailer import load
from comptoir.inventory.models import StockLevel
from comptoir.inventory.services.stock import adjust_stock
from comptoir.locations.models import Location

pytestmark = pytest.mark.django_db

SLUG = "veste-running-trail"
PRODUCT_PAGE = f"/products/{SLUG}/"


@pytest.fixture
def retailer() -> None:
    load(customers=2, stores=3, skus=30)


def lyon() -> Location:
    return Location.objects.get(kind="store", city="Lyon")


def statements_of(url: str, params: dict[str, str]) -> list[str]:
    client = Client()
    assert client.get(url, params).status_code == 200  # the first reads what it remembers
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url, params).status_code == 200
    return [query["sql"] for query in queries.captured_queries]


def tables_read(statements: list[str]) -> list[str]:
    return [re.search(r'FROM "(\w+)"', sql).group(1) for sql in statements]


def test_the_product_page_reads_only_its_stock_once_the_catalogue_is_remembered(retailer):
    statements = statements_of(PRODUCT_PAGE, {"near": lyon().postcode})

    assert tables_read(statements) == ["inventory_stocklevel", "inventory_safetystock"]


def test_the_in_store_listing_reads_its_page_its_count_and_the_stock_filter(retailer):
    statements = statements_of("/", {"store": lyon().code})

    assert tables_read(statements) == [
        "inventory_safetystock",  # the store's safety stock, inside the stock filter
        "catalog_product",  # the page of 24
        "catalog_product",  # how many, up to 100
    ]


def test_the_listing_reads_as_many_statements_for_one_card_as_for_a_full_page(retailer):
    many = statements_of("/", {"store": lyon().code})
    Product.objects.exclude(slug=SLUG).update(is_active=False)

    one = statements_of("/", {"store": lyon().code})

    assert Client().get("/", {"store": lyon().code}).content.decode().count('class="card"') == 1
    assert len(one) == len(many)


def price_shown(html: str) -> str:
    return re.search(r'<td class="number price">([^<]+)</td>', html).group(1)


def test_a_price_set_shows_on_the_next_product_page_and_card(retailer):
    client = Client()
    sku = Variant.objects.filter(product__slug=SLUG).order_by("pk").values_list("sku", flat=True)[0]
    client.get(PRODUCT_PAGE)
    client.get("/", {"store": lyon().code})

    set_price(sku=sku, amount=Decimal("12.34"))

    assert price_shown(client.get(PRODUCT_PAGE).content.decode()) == "12,34\xa0€"
    assert "à partir de 12,34\xa0€" in client.get("/", {"store": lyon().code}).content.decode()


def test_a_price_saved_through_the_orm_shows_on_the_next_product_page(retailer):
    client = Client()
    client.get(PRODUCT_PAGE)
    price = (
        Price.objects.filter(variant__product__slug=SLUG, channel="").order_by("variant_id").first()
    )

    price.amount = Decimal("23.45")
    price.save()  # the admin's way: a signal

    assert price_shown(client.get(PRODUCT_PAGE).content.decode()) == "23,45\xa0€"


def test_a_product_withdrawn_from_the_web_is_not_found_on_the_next_page(retailer):
    assert Client().get(PRODUCT_PAGE).status_code == 200

    list_product_on_channel(slug=SLUG, channel="web", is_published=False)

    assert Client().get(PRODUCT_PAGE).status_code == 404


def test_the_stock_shown_is_never_remembered(retailer):
    client = Client()
    store = lyon()
    level = StockLevel.objects.filter(variant__product__slug=SLUG, location=store).first()
    cell = r'data-label="[^"]*">(\d+)</td>'

    def first_row_cells() -> list[str]:
        html = client.get(PRODUCT_PAGE, {"near": store.postcode}).content.decode()
        return re.findall(cell, html)

    before = first_row_cells()
    adjust_stock(
        variant_id=level.variant_id,
        location_id=store.pk,
        sku=level.variant.sku,
        delta=7,
        reason="count",
    )

    assert first_row_cells() != before
