"""A point-of-sale system sells through POST /api/v1/stores/{code}/till-sales: the same sale as
the associate's till page (one order, its ledger rows, the units off this store's shelf), once
per ticket, paid in full or not at all, and only by staff of that store."""

import pytest

from comptoir.accounts.tests.factories import bearer, make_api_token, make_staff
from comptoir.inventory.models import StockLevel
from comptoir.orders.models import Order
from comptoir.orders.payments.fake import TERMINAL_APPROVED, TERMINAL_DECLINED
from comptoir.orders.selectors import money_discrepancies
from comptoir.orders.tests.factories import make_jackets, make_location, order_body, stock

pytestmark = pytest.mark.django_db

URL = "/api/v1/stores/lyon-bellecour/till-sales"
BASKET = [{"sku": "JACKET-TRAIL-S", "quantity": 2}, {"sku": "JACKET-TRAIL-M", "quantity": 1}]


@pytest.fixture
def store():
    bellecour = make_location("lyon-bellecour", city="Lyon")
    make_jackets("129.00")
    stock("JACKET-TRAIL-S", bellecour, 3)
    stock("JACKET-TRAIL-M", bellecour, 3)
    return bellecour


@pytest.fixture
def till():
    _, raw = make_api_token("stock.sell", name="counter tablet")
    return bearer(raw)


def _sell(client, headers, url=URL, **body):
    sale = {"ticket": "T-0001", "lines": BASKET, "card": "300.00", "cash_given": "100.00"}
    sale["card_token"] = TERMINAL_APPROVED
    return client.post(url, sale | body, content_type="application/json", headers=headers)


def _on_hand(store, sku):
    return StockLevel.objects.get(location=store, variant__sku=sku).on_hand


def test_card_and_cash_pay_the_basket_and_the_change_is_the_cash_over(client, store, till):
    answer = _sell(client, till)

    assert answer.status_code == 201, answer.content
    sale = answer.json()
    assert sale["total"] == "387.00"
    assert sale["tenders"] == {"store_card": "300.00", "cash": "87.00"}
    assert sale["change"] == "13.00"
    assert [line["quantity"] for line in sale["lines"]] == [2, 1]
    assert (_on_hand(store, "JACKET-TRAIL-S"), _on_hand(store, "JACKET-TRAIL-M")) == (1, 2)
    assert money_discrepancies() == []


def test_the_same_ticket_again_answers_the_sale_it_made_and_sells_nothing_more(client, store, till):
    first = _sell(client, till)
    again = _sell(client, till, cash_given="90.00")  # a retry with no Idempotency-Key

    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["replayed"] is True
    assert again.json()["reference"] == first.json()["reference"]
    assert Order.objects.count() == 1
    assert _on_hand(store, "JACKET-TRAIL-S") == 1


def test_a_declined_card_is_a_402_and_nothing_is_sold(client, store, till):
    answer = _sell(client, till, card_token=TERMINAL_DECLINED)

    assert answer.status_code == 402
    assert answer["Content-Type"] == "application/problem+json"
    assert not Order.objects.exists()
    assert _on_hand(store, "JACKET-TRAIL-S") == 3


def test_tenders_short_of_the_total_are_refused_field_by_field(client, store, till):
    answer = _sell(client, till, card="0", cash_given="100.00")

    assert answer.status_code == 422
    assert answer.json()["errors"][0]["field"] == "body.cash_given"
    assert not Order.objects.exists()


def test_more_than_the_shelf_holds_is_a_conflict_and_the_card_is_not_kept(client, store, till):
    answer = _sell(client, till, lines=[{"sku": "JACKET-TRAIL-S", "quantity": 4}], card="516.00")

    assert answer.status_code == 409
    assert not Order.objects.exists()
    assert _on_hand(store, "JACKET-TRAIL-S") == 3


def test_a_ticket_that_is_another_orders_reference_is_refused_not_read_back(client, store, till):
    stock("JACKET-TRAIL-L", store, 1)
    client.force_login(make_staff("operations"))
    online = client.post(
        "/api/v1/orders",
        order_body(pickup_location="lyon-bellecour"),
        content_type="application/json",
    ).json()
    client.logout()

    answer = _sell(client, till, ticket=online["reference"])

    assert answer.status_code == 409
    assert answer.json()["errors"] == [{"field": "body.ticket", "message": "already used"}]
    assert Order.objects.count() == 1


def test_an_associate_of_another_store_may_not_sell_here(client, store):
    make_location("lyon-part-dieu", city="Lyon")
    other = make_location("paris-opera", city="Paris")
    client.force_login(make_staff("associate", [other]))

    answer = _sell(client, {})

    assert answer.status_code == 403
    assert not Order.objects.exists()


def test_an_unknown_store_is_a_404(client, store, till):
    assert _sell(client, till, url="/api/v1/stores/nowhere/till-sales").status_code == 404
