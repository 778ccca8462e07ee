"""The till page: a basket by code, a customer by card, paid once per ticket."""

from __future__ import annotations

import pytest
from django.test import Client

from comptoir.demo.retailer import DEMO_PASSWORD, JEAN_CARD, load
from comptoir.inventory.models import StockLevel, StockMovement
from comptoir.orders.models import Order

pytestmark = pytest.mark.django_db
TILL = "/associate/lyon-part-dieu/till/"


def units_in_lyon(sku: str) -> int:
    return StockLevel.objects.get(variant__sku=sku, location__code="lyon-part-dieu").on_hand


def _associate() -> Client:
    load(customers=2, stores=3, skus=30)
    client = Client()
    assert client.login(username="associate.lyon", password=DEMO_PASSWORD)
    return client


def _ticket(client: Client) -> str:
    page = client.get(TILL).content.decode()
    return page.split('name="ticket" value="', 1)[1].split('"', 1)[0]


def test_a_ticket_sent_twice_sells_once_and_shows_the_same_receipt():
    client = _associate()
    before = units_in_lyon("JACKET-TRAIL-S")
    client.post(f"{TILL}lines/", {"code": "JACKET-TRAIL-S", "quantity": "1"})
    client.post(f"{TILL}customer/", {"q": JEAN_CARD})
    ticket = _ticket(client)
    sale = {"card": "", "cash_given": "200", "terminal": "tok_terminal", "ticket": ticket}

    first = client.post(f"{TILL}pay/", sale, HTTP_IDEMPOTENCY_KEY=ticket, HTTP_HX_REQUEST="true")
    second = client.post(f"{TILL}pay/", sale, HTTP_IDEMPOTENCY_KEY=ticket, HTTP_HX_REQUEST="true")

    assert first.status_code == second.status_code == 200
    assert second["Idempotent-Replayed"] == "true"
    assert first.content == second.content
    assert units_in_lyon("JACKET-TRAIL-S") == before - 1
    assert StockMovement.objects.filter(reference=ticket, kind="till_sale").count() == 1
    order = Order.objects.get(reference=ticket)
    assert order.customer_id is not None
    assert order.fulfilment_mode == "till_sale"


def test_a_declined_card_keeps_the_basket_and_offers_a_new_ticket():
    client = _associate()
    client.post(f"{TILL}lines/", {"code": "JACKET-TRAIL-S", "quantity": "1"})
    ticket = _ticket(client)

    answer = client.post(
        f"{TILL}pay/",
        {"card": "89.90", "cash_given": "", "terminal": "tok_declined_terminal", "ticket": ticket},
    )

    assert answer.status_code == 200
    assert "JACKET-TRAIL-S" in answer.content.decode()
    assert not Order.objects.filter(reference=ticket).exists()
    assert _ticket(client) != ticket


def test_an_unknown_code_says_so_in_the_form():
    client = _associate()

    answer = client.post(f"{TILL}lines/", {"code": "NO-SUCH-THING", "quantity": "1"})

    assert answer.status_code == 200
    assert "errorlist" in answer.content.decode()


def test_an_associate_of_lyon_cannot_sell_in_paris():
    client = _associate()

    answer = client.post(
        "/associate/paris-rivoli/till/pay/",
        {"card": "", "cash_given": "200", "terminal": "tok_terminal", "ticket": "T-PARIS"},
    )

    assert answer.status_code == 403
    assert not Order.objects.filter(reference="T-PARIS").exists()
