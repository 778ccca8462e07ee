"""A sale at the till is a store order paid there and then: split tenders add up to the total,
a card the terminal refuses leaves nothing behind, cash gives change, a ticket sells once."""

from decimal import Decimal

import pytest

from comptoir.carts.models import Cart
from comptoir.carts.services import add_line, cart_of_customer, open_anonymous_cart
from comptoir.customers.models import TimelineEntry
from comptoir.customers.tests.factories import make_shopper
from comptoir.inventory.models import StockLevel, StockMovement
from comptoir.orders.errors import (
    PaymentDeclined,
    TendersDoNotCover,
    TerminalCancelled,
    TerminalNotAnswered,
)
from comptoir.orders.models import Order, PaymentOperation
from comptoir.orders.payments.fake import (
    TERMINAL_APPROVED,
    TERMINAL_CANCELLED,
    TERMINAL_DECLINED,
    TERMINAL_TIMEOUT,
)
from comptoir.orders.selectors import money_discrepancies, order_state_discrepancies
from comptoir.orders.services.till import BasketLine, price_basket, sell_basket
from comptoir.orders.tests.factories import deliver_events, make_jackets, make_location, stock

pytestmark = pytest.mark.django_db

TWO_JACKETS = [BasketLine("JACKET-TRAIL-S", 1), BasketLine("JACKET-TRAIL-M", 1)]


def _store():
    store = make_location("lyon-bellecour", city="Lyon")
    make_jackets("129.00")
    stock("JACKET-TRAIL-S", store, 2)
    stock("JACKET-TRAIL-M", store, 2)
    return store


def _on_hand(store, sku):
    return StockLevel.objects.get(location=store, variant__sku=sku).on_hand


def _captured(order):
    return {
        tender: amount
        for tender, amount in PaymentOperation.objects.filter(
            payment__order=order, kind="capture", status="succeeded"
        ).values_list("tender", "amount")
    }


def test_part_card_part_cash_adds_up_to_the_total_in_the_ledger():
    store = _store()

    sale = sell_basket(
        store_id=store.pk,
        ticket="T-SPLIT",
        lines=TWO_JACKETS,
        card=Decimal("200.00"),
        cash_given=Decimal("60.00"),
        card_token=TERMINAL_APPROVED,
    )

    order = sale.order
    order.payment.refresh_from_db()
    assert order.total == Decimal("258.00")
    assert (order.channel, order.fulfilment_mode, order.status) == (
        "store",
        "till_sale",
        "collected",
    )
    assert _captured(order) == {"store_card": Decimal("200.00"), "cash": Decimal("58.00")}
    assert order.payment.captured_amount == Decimal("258.00")
    assert sale.split.change == Decimal("2.00")
    assert _on_hand(store, "JACKET-TRAIL-S") == 1
    assert _on_hand(store, "JACKET-TRAIL-M") == 1
    assert money_discrepancies() == []
    assert order_state_discrepancies() == []


def test_cash_only_gives_the_change_back():
    store = _store()

    sale = sell_basket(
        store_id=store.pk,
        ticket="T-CASH",
        lines=[BasketLine("JACKET-TRAIL-S", 1)],
        cash_given=Decimal("150.00"),
    )

    assert (sale.split.card, sale.split.cash, sale.split.change) == (
        Decimal("0"),
        Decimal("129.00"),
        Decimal("21.00"),
    )
    assert _captured(sale.order) == {"cash": Decimal("129.00")}


def test_cash_short_of_the_total_sells_nothing():
    store = _store()

    with pytest.raises(TendersDoNotCover):
        sell_basket(
            store_id=store.pk,
            ticket="T-SHORT",
            lines=[BasketLine("JACKET-TRAIL-S", 1)],
            cash_given=Decimal("100.00"),
        )

    assert not Order.objects.exists()
    assert _on_hand(store, "JACKET-TRAIL-S") == 2


@pytest.mark.parametrize(
    ("token", "refusal"),
    [
        pytest.param(TERMINAL_DECLINED, PaymentDeclined, id="declined_case"),
        pytest.param(TERMINAL_CANCELLED, TerminalCancelled, id="cancelled_case"),
        pytest.param(TERMINAL_TIMEOUT, TerminalNotAnswered, id="timeout_case"),
    ],
)
def test_a_card_the_terminal_refuses_captures_nothing_and_leaves_the_basket(token, refusal):
    store = _store()
    basket = open_anonymous_cart(channel="store")
    add_line(cart_id=basket.pk, sku="JACKET-TRAIL-S", quantity=1, channel="store")

    with pytest.raises(refusal):
        sell_basket(
            store_id=store.pk,
            ticket="T-REFUSED",
            lines=[BasketLine("JACKET-TRAIL-S", 1)],
            card=Decimal("129.00"),
            card_token=token,
            basket_cart_id=basket.pk,
        )

    assert not Order.objects.exists()
    assert not PaymentOperation.objects.exists()
    assert not StockMovement.objects.filter(reference="T-REFUSED").exists()
    basket.refresh_from_db()
    assert basket.status == "open"
    assert basket.lines.count() == 1


def test_the_same_ticket_again_sells_once():
    store = _store()
    sale = {
        "store_id": store.pk,
        "ticket": "T-TWICE",
        "lines": [BasketLine("JACKET-TRAIL-S", 1)],
        "card": Decimal("129.00"),
        "card_token": TERMINAL_APPROVED,
    }

    first = sell_basket(**sale)
    second = sell_basket(**sale)

    assert second.replayed
    assert not first.replayed
    assert second.order.pk == first.order.pk
    assert Order.objects.count() == 1
    assert StockMovement.objects.filter(reference="T-TWICE").count() == 1
    assert _on_hand(store, "JACKET-TRAIL-S") == 1


def test_the_basket_is_priced_by_the_catalogue_like_every_order():
    store = _store()

    basket = price_basket(store_id=store.pk, lines=[BasketLine("JACKET-TRAIL-S", 3)])

    assert basket.total == Decimal("387.00")
    assert basket.names["JACKET-TRAIL-S"] == "Veste de trail"


def test_the_sale_lands_on_the_timeline_and_leaves_the_online_cart_when_asked():
    store = _store()
    jean = make_shopper()
    online = cart_of_customer(customer_id=jean.pk, channel="web")
    add_line(cart_id=online.pk, sku="JACKET-TRAIL-S", quantity=2, channel="web")
    add_line(cart_id=online.pk, sku="JACKET-TRAIL-L", quantity=1, channel="web")
    basket = open_anonymous_cart(channel="store")

    sale = sell_basket(
        store_id=store.pk,
        ticket="T-JEAN",
        lines=[BasketLine("JACKET-TRAIL-S", 1)],
        cash_given=Decimal("129.00"),
        customer_id=jean.pk,
        basket_cart_id=basket.pk,
        take_out_of_online_cart=True,
    )
    deliver_events()

    left = dict(online.lines.values_list("variant__sku", "quantity"))
    assert left == {"JACKET-TRAIL-S": 1, "JACKET-TRAIL-L": 1}
    assert Cart.objects.get(pk=basket.pk).status == "ordered"
    entry = TimelineEntry.objects.get(customer_id=jean.pk, kind="order.sold_at_till")
    assert entry.summary == f"Bought in store: 129.00 EUR ({sale.order.reference})"
    assert entry.channel == "store"


def test_the_end_of_day_report_per_till_and_tender_equals_the_ledger():
    from datetime import timedelta

    from django.db.models import Sum

    from comptoir.core import clock
    from comptoir.orders.models import Payment
    from comptoir.orders.selectors import till_takings

    store = _store()
    other = make_location("paris-rivoli", city="Paris")
    stock("JACKET-TRAIL-L", other, 1)
    stock("JACKET-TRAIL-L", store, 2)
    sales = [
        ("T-1", "user:1", [BasketLine("JACKET-TRAIL-S", 1)], "100.00", "40.00"),
        ("T-2", "user:1", [BasketLine("JACKET-TRAIL-M", 2)], "0", "300.00"),
        ("T-3", "user:2", [BasketLine("JACKET-TRAIL-L", 1)], "129.00", "0"),
    ]
    for ticket, actor, lines, card, cash in sales:
        sell_basket(
            store_id=store.pk,
            ticket=ticket,
            lines=lines,
            card=Decimal(card),
            cash_given=Decimal(cash),
            card_token=TERMINAL_APPROVED,
            actor=actor,
        )
    sell_basket(  # another store's till: not in this store's report
        store_id=other.pk,
        ticket="T-PARIS",
        lines=[BasketLine("JACKET-TRAIL-L", 1)],
        cash_given=Decimal("129.00"),
        actor="user:3",
    )
    now = clock.now()

    report = till_takings(
        location_id=store.pk, since=now - timedelta(hours=1), until=now + timedelta(hours=1)
    )

    by_till = {(row.actor, row.tender): row.net for row in report}
    assert by_till == {
        ("user:1", "cash"): Decimal("29.00") + Decimal("258.00"),
        ("user:1", "store_card"): Decimal("100.00"),
        ("user:2", "store_card"): Decimal("129.00"),
    }
    ledger = Payment.objects.filter(order__pickup_location=store).aggregate(
        total=Sum("captured_amount")
    )["total"]
    assert sum(row.net for row in report) == ledger


def test_a_till_sale_comes_back_at_the_counter_like_any_order():
    from comptoir.returns.services import ReturnLineRequest, issue_refund, receive_return

    store = _store()
    sale = sell_basket(
        store_id=store.pk,
        ticket="T-BACK",
        lines=TWO_JACKETS,
        card=Decimal("200.00"),
        cash_given=Decimal("58.00"),
        card_token=TERMINAL_APPROVED,
    )

    record = receive_return(
        order_id=sale.order.pk,
        location_id=store.pk,
        method="store",
        lines=[ReturnLineRequest(2, 1, "too_big")],
    )
    issue_refund(return_id=record.pk)

    sale.order.payment.refresh_from_db()
    assert sale.order.payment.refunded_amount == Decimal("129.00")
    assert _on_hand(store, "JACKET-TRAIL-M") == 2
    assert money_discrepancies() == []
