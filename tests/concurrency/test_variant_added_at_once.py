"""The same SKU added to a product by two back-office tabs at once: one variant, one refusal
that names the SKU, never a 500. Real parallel connections: PostgreSQL only."""

from decimal import Decimal

import pytest

from comptoir.catalog.errors import SkuTaken
from comptoir.catalog.models import Price, Variant
from comptoir.catalog.services.editing import add_variant
from comptoir.catalog.services.products import NewVariant
from comptoir.catalog.tests.factories import make_product

from .racing import at_once

RACERS = 4

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgres_only]


def test_one_sku_added_at_once_makes_one_variant_with_one_price():
    make_product()

    def race(number: int) -> str:
        try:
            add_variant(
                slug="veste-running",
                variant=NewVariant(sku="JACKET-XL", price=Decimal(90 + number)),
            )
        except SkuTaken:
            return "taken"
        return "added"

    assert sorted(at_once(RACERS, race)) == ["added"] + ["taken"] * (RACERS - 1)
    assert Variant.objects.filter(sku="JACKET-XL").count() == 1
    assert Price.objects.filter(variant__sku="JACKET-XL").count() == 1
