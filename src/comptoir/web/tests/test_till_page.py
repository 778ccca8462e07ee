"""The till page sells through the same service as the API, once per ticket."""

from __future__ import annotations

import pytest
from django.test import Client

from comptoir.demo.retailer import DEMO_PASSWORD, load
from comptoir.inventory.models import StockLevel, StockMovement

pytestmark = pytest.mark.django_db


def units_in_lyon(sku: str) -> int:
    return StockLevel.objects.get(variant__sku=sku, location__code="lyon-part-dieu").on_hand


def test_a_ticket_sent_twice_sells_once_and_shows_the_same_receipt():
    load(customers=2, stores=3, skus=30)
    client = Client()
    assert client.login(username="associate.lyon", password=DEMO_PASSWORD)
    before = units_in_lyon("JACKET-TRAIL-S")
    sale = {"code": "JACKET-TRAIL-S", "quantity": "1", "ticket": "T-ONCE"}

    first = client.post(
        "/associate/lyon-part-dieu/till/",
        sale,
        HTTP_IDEMPOTENCY_KEY="T-ONCE",
        HTTP_HX_REQUEST="true",
    )
    second = client.post(
        "/associate/lyon-part-dieu/till/",
        sale,
        HTTP_IDEMPOTENCY_KEY="T-ONCE",
        HTTP_HX_REQUEST="true",
    )

    assert first.status_code == second.status_code == 200
    assert second["Idempotent-Replayed"] == "true"
    assert first.content == second.content
    assert units_in_lyon("JACKET-TRAIL-S") == before - 1
    assert StockMovement.objects.filter(reference="T-ONCE", kind="till_sale").count() == 1


def test_an_associate_of_lyon_cannot_sell_in_paris():
    load(customers=2, stores=3, skus=30)
    client = Client()
    assert client.login(username="associate.lyon", password=DEMO_PASSWORD)

    answer = client.post(
        "/associate/paris-rivoli/till/",
        {"code": "JACKET-TRAIL-S", "quantity": "1", "ticket": "T-PARIS"},
    )

    assert answer.status_code == 403
    assert not StockMovement.objects.filter(reference="T-PARIS").exists()
