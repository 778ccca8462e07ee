"""The catalogue the storefront shows, remembered per process (ADR 0040): every catalogue write
forgets it, and a read that began before a write is used once but not kept."""

from __future__ import annotations

from decimal import Decimal

import pytest

from comptoir.catalog import memory
from comptoir.catalog.models import Product
from comptoir.catalog.services.prices import set_price
from comptoir.catalog.services.products import relate_products
from comptoir.catalog.tests.factories import catalog_csv, imported, make_product

pytestmark = pytest.mark.django_db


def jacket_prices() -> list[Decimal]:
    detail = memory.product_detail_remembered(slug="veste-running", channel="web")
    return [variant["price"]["amount"] for variant in detail["variants"]]


def card_price() -> Decimal:
    product = Product.objects.get(slug="veste-running")
    (card,) = memory.product_summaries_remembered([product], channel="web")
    return card["price_from"]["amount"]


def test_a_remembered_product_is_not_read_again():
    make_product()
    jacket_prices()

    Product.objects.filter(slug="veste-running").update(name="Renamed in SQL")  # no signal

    assert memory.product_detail_remembered(slug="veste-running", channel="web")["name"] == (
        "Veste de running"
    )


def test_a_price_set_is_shown_on_the_next_read_of_the_page_and_the_card():
    make_product(price="89.90")
    assert jacket_prices() == [Decimal("89.90")] * 3
    assert card_price() == Decimal("89.90")

    set_price(sku="JACKET-M", amount=Decimal("79.90"))

    assert jacket_prices() == [Decimal("89.90"), Decimal("79.90"), Decimal("89.90")]
    assert card_price() == Decimal("79.90")


def test_a_relation_saved_is_shown_on_the_next_read():
    make_product()
    make_product("bidon", skus=["BOTTLE"], name="Bidon")
    assert (
        memory.product_detail_remembered(slug="veste-running", channel="web")["accessories"] == []
    )

    relate_products(slug="bidon", related="veste-running", kind="accessory_of")

    detail = memory.product_detail_remembered(slug="veste-running", channel="web")
    assert detail["accessories"] == ["bidon"]


def test_variants_added_by_an_import_are_shown_on_the_next_read():
    make_product(skus=["JACKET-S"])
    assert memory.variant_ids_remembered("veste-running").keys() == {"JACKET-S"}

    imported(catalog_csv("veste-running,Veste de running,Élan,running,JACKET-XL,,XL,,89.90"))

    assert memory.variant_ids_remembered("veste-running").keys() == {"JACKET-S", "JACKET-XL"}
    assert (
        len(memory.product_detail_remembered(slug="veste-running", channel="web")["variants"]) == 2
    )


def test_a_read_begun_before_a_price_is_set_is_used_once_and_not_kept(monkeypatch):
    make_product(price="89.90")
    read = memory.product_detail

    def read_while_a_price_is_set(**kwargs):
        found = read(**kwargs)
        set_price(sku="JACKET-S", amount=Decimal("9.90"))  # lands while the read is in flight
        return found

    monkeypatch.setattr(memory, "product_detail", read_while_a_price_is_set)
    assert jacket_prices()[0] == Decimal("89.90")
    monkeypatch.setattr(memory, "product_detail", read)

    assert jacket_prices()[0] == Decimal("9.90")
