"""Olivier taps "Create the product" and the page sends it four times at once with its key
(a double tap, a retry): one product, one variant, one price; every answer that is not
"still running" (409) is the same page. Real parallel connections: PostgreSQL only."""

import pytest
from django.test import Client

from comptoir.accounts.tests.factories import STAFF_PASSWORD, make_staff
from comptoir.catalog.models import Price, Product, Variant
from comptoir.catalog.tests.factories import make_category

from .racing import at_once

TAPS = 4
PRODUCT = {
    "name": "Gourde isotherme",
    "brand": "Élan",
    "category": "running",
    "variant-sku": "BOTTLE-750",
    "variant-gtin": "4006381333931",
    "variant-price": "24.90",
}


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_four_sendings_of_one_new_product_at_once_make_one_product():
    make_category()
    make_staff("operations", username="olivier")
    signed_in = Client()
    assert signed_in.login(username="olivier", password=STAFF_PASSWORD)
    pages: list[bytes] = []

    def tap(number: int) -> str:
        client = Client()
        client.cookies = signed_in.cookies
        answer = client.post("/backoffice/catalogue/new/", PRODUCT, HTTP_IDEMPOTENCY_KEY="tap-1")
        if answer.status_code == 200:
            pages.append(answer.content)
        return str(answer.status_code)

    outcomes = at_once(TAPS, tap)

    assert set(outcomes) <= {"200", "409"}
    assert "200" in outcomes
    assert Product.objects.count() == Variant.objects.count() == Price.objects.count() == 1
    assert all(page == pages[0] for page in pages)
