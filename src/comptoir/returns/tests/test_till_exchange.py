"""An exchange at the till with a price difference: the units of an online order come back
to this store's shelf, another size leaves it, and only the difference moves, taken at the
till or refunded to the original card. The money adds up both ways."""

from decimal import Decimal

import pytest
from django.test import Client

from comptoir.catalog.models import Price
from comptoir.customers.tests.factories import make_shopper
from comptoir.fulfilment import services
from comptoir.fulfilment.models import StoreTask
from comptoir.inventory.models import StockLevel
from comptoir.orders.errors import PaymentDeclined
from comptoir.orders.models import Order, Payment, PaymentOperation
from comptoir.orders.payments.fake import TERMINAL_APPROVED, TERMINAL_DECLINED
from comptoir.orders.selectors import money_discrepancies
from comptoir.orders.tests.factories import (
    deliver_events,
    make_jackets,
    make_location,
    order_body,
    stock,
)
from comptoir.reconciliation import reconcile
from comptoir.returns.errors import InvalidReturn
from comptoir.returns.models import Return
from comptoir.returns.till_exchange import ExchangeRequest, exchange_at_till, quote_exchange

pytestmark = pytest.mark.django_db


def collected_online_order(client: Client, quantity: int = 1):
    """Jean's web click & collect of a size S jacket (129.00, paid by card), collected."""
    store = make_location("lyon-bellecour", city="Lyon")
    make_jackets("129.00")
    for sku in ("JACKET-TRAIL-S", "JACKET-TRAIL-M", "JACKET-TRAIL-L"):
        stock(sku, store, 3)
    client.force_login(make_shopper().user)
    response = client.post(
        "/api/v1/orders",
        order_body(lines=[{"sku": "JACKET-TRAIL-S", "quantity": quantity}]),
        content_type="application/json",
    )
    assert response.status_code == 201, response.json()
    deliver_events()
    order = Order.objects.get(reference=response.json()["reference"])
    task = StoreTask.objects.get(order=order)
    services.mark_ready(task_id=task.pk)
    order.refresh_from_db()
    services.hand_over(task_id=task.pk, pickup_code=order.pickup_code)
    order.refresh_from_db()
    assert order.status == "collected"
    return order, store


def price(sku: str, amount: str) -> None:
    Price.objects.filter(variant__sku=sku, channel="", location__isnull=True).update(
        amount=Decimal(amount)
    )


def on_hand(store, sku):
    return StockLevel.objects.get(location=store, variant__sku=sku).on_hand


def ledger(order, kind):
    return dict(
        PaymentOperation.objects.filter(
            payment__order=order, kind=kind, status="succeeded"
        ).values_list("tender", "amount")
    )


def exchange(order, store, sku, **tenders):
    return exchange_at_till(
        store_id=store.pk,
        ticket=tenders.pop("ticket", "T-EXCHANGE"),
        request=ExchangeRequest(order.pk, 1, 1, sku),
        actor="user:7",
        **tenders,
    )


def test_a_dearer_size_takes_the_difference_at_the_till_and_the_money_adds_up(client):
    order, store = collected_online_order(client)
    price("JACKET-TRAIL-L", "149.00")

    done = exchange(
        order,
        store,
        "JACKET-TRAIL-L",
        card=Decimal("15.00"),
        cash_given=Decimal("10.00"),
        card_token=TERMINAL_APPROVED,
    )

    assert (done.difference, done.split.change) == (Decimal("20.00"), Decimal("5.00"))
    assert ledger(order, "refund") == {"exchange": Decimal("129.00")}
    assert ledger(done.sale, "capture") == {
        "exchange": Decimal("129.00"),
        "store_card": Decimal("15.00"),
        "cash": Decimal("5.00"),
    }
    assert (done.sale.total, done.sale.customer_id) == (Decimal("149.00"), order.customer_id)
    assert done.returned.status == "refunded"
    assert (on_hand(store, "JACKET-TRAIL-S"), on_hand(store, "JACKET-TRAIL-L")) == (3, 2)
    assert reconcile() == []  # money, stock, states and returns


def test_a_cheaper_size_refunds_the_difference_to_the_original_card(client):
    order, store = collected_online_order(client)
    price("JACKET-TRAIL-M", "99.00")

    done = exchange(order, store, "JACKET-TRAIL-M")

    order.payment.refresh_from_db()
    assert done.difference == Decimal("-30.00")
    assert ledger(order, "refund") == {"exchange": Decimal("99.00"), "card": Decimal("30.00")}
    assert order.payment.refunded_amount == Decimal("129.00")
    assert ledger(done.sale, "capture") == {"exchange": Decimal("99.00")}
    assert (done.returned.refund_amount, done.returned.status) == (Decimal("30.00"), "refunded")
    assert (on_hand(store, "JACKET-TRAIL-S"), on_hand(store, "JACKET-TRAIL-M")) == (3, 2)
    assert reconcile() == []


def test_the_same_ticket_again_exchanges_nothing_more(client):
    order, store = collected_online_order(client, quantity=2)
    price("JACKET-TRAIL-L", "149.00")
    first = exchange(order, store, "JACKET-TRAIL-L", cash_given=Decimal("20.00"))

    again = exchange(order, store, "JACKET-TRAIL-L", cash_given=Decimal("20.00"))

    assert (first.replayed, again.replayed, again.sale.pk) == (False, True, first.sale.pk)
    assert Return.objects.count() == 1
    assert on_hand(store, "JACKET-TRAIL-L") == 2
    assert money_discrepancies() == []


def test_a_declined_card_exchanges_nothing(client):
    order, store = collected_online_order(client)
    price("JACKET-TRAIL-L", "149.00")

    with pytest.raises(PaymentDeclined):
        exchange(
            order, store, "JACKET-TRAIL-L", card=Decimal("20.00"), card_token=TERMINAL_DECLINED
        )

    assert Return.objects.count() == 0
    assert Order.objects.filter(fulfilment_mode="till_sale").count() == 0
    assert Payment.objects.get(order=order).refunded_amount == Decimal("0")
    assert (on_hand(store, "JACKET-TRAIL-S"), on_hand(store, "JACKET-TRAIL-L")) == (2, 3)


@pytest.mark.parametrize(
    ("line", "quantity", "sku", "field"),
    [
        pytest.param(1, 2, "JACKET-TRAIL-L", "quantity", id="more_than_bought_case"),
        pytest.param(1, 1, "JACKET-TRAIL-S", "new_sku", id="same_size_case"),
        pytest.param(9, 1, "JACKET-TRAIL-L", "line_number", id="no_such_line_case"),
    ],
)
def test_an_exchange_the_rules_refuse_names_its_field(client, line, quantity, sku, field):
    order, store = collected_online_order(client)

    with pytest.raises(InvalidReturn) as refused:
        quote_exchange(store_id=store.pk, request=ExchangeRequest(order.pk, line, quantity, sku))

    assert refused.value.errors[0]["field"] == field
