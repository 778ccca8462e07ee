"""A sale queued offline is sent by several tabs at once, or again after a lost answer; an
offline sale and an online one want the last jacket at once (ADR 0043).

Real parallel connections (PostgreSQL): the order's unique reference lets one ticket become
one order and one ledger entry, however many posts race; the shelf's conditional UPDATE lets
exactly one sale take the last unit, and the offline one that loses is recorded short, never
below zero.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.test import Client

from comptoir.core import clock
from comptoir.demo.retailer import DEMO_PASSWORD
from comptoir.inventory.errors import OutOfStock
from comptoir.inventory.models import StockLevel, StockMovement
from comptoir.orders.models import Order, PaymentOperation
from comptoir.orders.selectors import money_discrepancies
from comptoir.orders.services.till import BasketLine, sell_basket
from comptoir.orders.services.till_offline import OfflineLine, record_offline_sale
from comptoir.orders.services.till_price_book import price_book
from comptoir.orders.tests.factories import make_jackets, make_location, stock

from .racing import at_once, level_and_ledger

JACKET = "JACKET-TRAIL-S"
TICKET = "T-00000000000000AA"


def _store(units: int):
    store = make_location("lyon-bellecour", city="Lyon")
    make_jackets("129.00")
    stock(JACKET, store, units)
    return store


def _seal(store) -> str:
    return next(e.seal for e in price_book(store_id=store.pk) if e.sku == JACKET)


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_four_tabs_sending_one_queued_sale_record_it_once():
    store = _store(units=5)
    seal = _seal(store)
    sold_at = clock.now()

    def send(_: int) -> str:
        sale = record_offline_sale(
            store_id=store.pk,
            ticket=TICKET,
            lines=[OfflineLine(seal, 1)],
            cash_given=Decimal("129.00"),
            sold_at=sold_at,
        )
        return "replayed" if sale.replayed else "recorded"

    outcomes = at_once(4, send)

    assert sorted(outcomes) == ["recorded", "replayed", "replayed", "replayed"]
    order = Order.objects.get(reference=TICKET)
    assert PaymentOperation.objects.filter(payment__order=order).count() == 1
    assert StockMovement.objects.filter(reference=TICKET).count() == 1
    level = StockLevel.objects.get(location=store, variant__sku=JACKET)
    assert level.on_hand == 4
    assert money_discrepancies() == []


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_concurrent_posts_of_one_queued_sale_through_http_make_one_order():
    from comptoir.demo.retailer import load

    load(customers=2, stores=3, skus=30)
    signed_in = Client()
    assert signed_in.login(username="associate.lyon", password=DEMO_PASSWORD)
    book = signed_in.get("/associate/lyon-part-dieu/till/offline/prices/").json()
    seal = next(item["seal"] for item in book["items"] if item["sku"] == JACKET)
    body = json.dumps(
        {
            "ticket": TICKET,
            "sold_at": datetime.now(UTC).isoformat(),
            "cash_given": "100.00",
            "lines": [{"seal": seal, "quantity": 1}],
        }
    )
    session = signed_in.cookies["sessionid"].value

    def post(_: int) -> str:
        client = Client()
        client.cookies["sessionid"] = session
        answer = client.post(
            "/associate/lyon-part-dieu/till/offline/sales/", body, content_type="application/json"
        )
        return f"{answer.status_code} {answer.json()['status']}"

    outcomes = at_once(4, post)

    assert sorted(outcomes) == ["200 recorded", "200 replayed", "200 replayed", "200 replayed"]
    assert Order.objects.filter(reference=TICKET).count() == 1
    assert PaymentOperation.objects.filter(payment__order__reference=TICKET).count() == 1
    assert StockMovement.objects.filter(reference=TICKET).count() == 1


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_an_offline_sale_and_an_online_one_racing_for_the_last_jacket_never_oversell():
    store = _store(units=1)
    seal = _seal(store)

    def race(number: int) -> str:
        if number == 0:
            try:
                sell_basket(
                    store_id=store.pk,
                    ticket="T-ONLINE",
                    lines=[BasketLine(JACKET, 1)],
                    cash_given=Decimal("129.00"),
                )
            except OutOfStock:
                return "online refused"
            return "online sold"
        sale = record_offline_sale(
            store_id=store.pk,
            ticket=TICKET,
            lines=[OfflineLine(seal, 1)],
            cash_given=Decimal("129.00"),
            sold_at=clock.now(),
        )
        return "offline short" if sale.short else "offline took it"

    outcomes = sorted(at_once(2, race))

    # The offline sale is recorded either way (the customer paid); one of them took the unit.
    assert outcomes in (["offline short", "online sold"], ["offline took it", "online refused"])
    level = StockLevel.objects.get(location=store, variant__sku=JACKET)
    assert level.on_hand == 0
    assert level_and_ledger(level.variant, store)[0] == level_and_ledger(level.variant, store)[1]
    assert Order.objects.filter(reference=TICKET).count() == 1
    assert money_discrepancies() == []
