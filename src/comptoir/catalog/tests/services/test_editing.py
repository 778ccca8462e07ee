"""Changing a product after it was created: the model's signals fire (caches forget it),
search follows, and a refused change writes nothing."""

from decimal import Decimal

import pytest
from django.db.models.signals import post_save

from comptoir.catalog.errors import GtinTaken, InvalidGtin, SkuTaken
from comptoir.catalog.models import Price, Product, ProductSearchDocument, Variant
from comptoir.catalog.services.editing import add_variant, edit_product, edit_variant
from comptoir.catalog.services.prices import set_price
from comptoir.catalog.services.products import NewVariant
from comptoir.catalog.tests.factories import GTINS, make_category, make_product
from comptoir.core.models import OutboxEvent

pytestmark = pytest.mark.django_db


def test_editing_a_product_saves_through_the_model_and_search_finds_the_new_name():
    product = make_product()
    make_category("trail", "Trail")
    saved = []

    def heard(sender, instance, **kwargs):
        saved.append(instance.pk)

    post_save.connect(heard, sender=Product)
    try:
        edit_product(
            slug="veste-running",
            name="Veste coupe-vent",
            category="trail",
            attributes={"matière": "polyester"},
        )
    finally:
        post_save.disconnect(heard, sender=Product)

    product.refresh_from_db()
    assert saved == [product.pk]
    assert (product.name, product.category.slug) == ("Veste coupe-vent", "trail")
    assert product.attributes == {"matière": "polyester"}
    assert ProductSearchDocument.objects.get(product=product).name == "Veste coupe-vent"
    assert OutboxEvent.objects.filter(type="product.updated").count() == 1


def test_a_variant_added_gets_its_base_price_and_a_taken_sku_adds_nothing():
    make_product()

    added = add_variant(
        slug="veste-running", variant=NewVariant(sku="JACKET-XL", price=Decimal("94.90"))
    )
    with pytest.raises(SkuTaken):
        add_variant(slug="veste-running", variant=NewVariant(sku="JACKET-M", price=Decimal(1)))

    assert added.prices.get().amount == Decimal("94.90")
    assert Variant.objects.count() == 4


def test_a_variant_keeps_its_gtin_when_the_new_one_is_wrong_or_taken():
    make_product()

    with pytest.raises(InvalidGtin):
        edit_variant(sku="JACKET-S", gtin="4006381333932")
    with pytest.raises(GtinTaken):
        edit_variant(sku="JACKET-S", gtin=GTINS["JACKET-M"])
    edit_variant(sku="JACKET-S", colour="rouge", gtin=GTINS["JACKET-S"])

    variant = Variant.objects.get(sku="JACKET-S")
    assert (variant.gtin, variant.colour) == ("0" + GTINS["JACKET-S"], "rouge")


def test_setting_a_price_again_saves_through_the_model_so_caches_hear_of_it():
    make_product()
    saved = []

    def heard(sender, instance, created, **kwargs):
        saved.append((instance.amount, created))

    post_save.connect(heard, sender=Price)
    try:
        set_price(sku="JACKET-M", amount=Decimal("79.90"))
        set_price(sku="JACKET-M", amount=Decimal("9.90"), channel="web", reason="soldes")
    finally:
        post_save.disconnect(heard, sender=Price)

    assert saved == [(Decimal("79.90"), False), (Decimal("9.90"), True)]
