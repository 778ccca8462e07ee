"""Search documents under races: two writes to one product at once both land, and the product's
document is the one its final rows make. Real parallel connections: PostgreSQL only."""

from decimal import Decimal

import pytest

from comptoir.catalog.models import ProductSearchDocument
from comptoir.catalog.services.prices import set_price
from comptoir.catalog.tests.factories import make_product

from .racing import at_once

RACERS = 4
ROUNDS = 5

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgres_only]


def test_prices_set_at_once_on_one_product_all_land_and_its_document_follows():
    product = make_product(skus=[f"JACKET-{n}" for n in range(RACERS)], price="89.90")

    for round_number in range(ROUNDS):

        def race(number: int, round_number: int = round_number) -> str:
            amount = Decimal(50 + 10 * number + round_number)
            set_price(sku=f"JACKET-{number}", amount=amount)
            return "set"

        assert at_once(RACERS, race) == ["set"] * RACERS
        document = ProductSearchDocument.objects.get(product=product)
        assert document.price_from == Decimal(50 + round_number)
