"""A reserve & collect order paid at the till when it is collected: the same split tenders
and terminal as a basket sale, the money in the ledger and the day's report, once."""

from datetime import timedelta
from decimal import Decimal

import pytest

from comptoir.core import clock
from comptoir.customers.tests.factories import make_shopper
from comptoir.fulfilment import services
from comptoir.fulfilment.models import StoreTask
from comptoir.inventory.models import StockLevel
from comptoir.inventory.selectors import stock_discrepancies
from comptoir.orders.errors import (
    InvalidOrder,
    PaymentDeclined,
    TendersDoNotCover,
    TerminalNotAnswered,
    WrongPickupCode,
)
from comptoir.orders.models import Order, PaymentOperation
from comptoir.orders.payments.fake import TERMINAL_APPROVED, TERMINAL_DECLINED, TERMINAL_TIMEOUT
from comptoir.orders.selectors import money_discrepancies, order_state_discrepancies, till_takings
from comptoir.orders.services.till_pickup import pay_at_pickup
from comptoir.orders.tests.factories import (
    deliver_events,
    make_jackets,
    make_location,
    order_body,
    stock,
)

pytestmark = pytest.mark.django_db


def _reservation_ready(client, payment=None):
    store = make_location("lyon-bellecour", city="Lyon")
    make_jackets()
    stock("JACKET-TRAIL-S", store, 2)
    client.force_login(make_shopper().user)
    response = client.post(
        "/api/v1/orders",
        order_body(
            mode="reserve_and_collect",
            lines=[{"sku": "JACKET-TRAIL-S", "quantity": 2}],
            payment=payment or {"method": "at_pickup"},
        ),
        content_type="application/json",
    )
    assert response.status_code == 201, response.json()
    deliver_events()
    order = Order.objects.get(reference=response.json()["reference"])
    services.mark_ready(task_id=StoreTask.objects.get(order=order).pk)
    order.refresh_from_db()
    return order, store


def _pay(order, store, **tenders):
    return pay_at_pickup(
        order_id=order.pk,
        location_id=store.pk,
        pickup_code=tenders.pop("pickup_code", order.pickup_code),
        ticket=tenders.pop("ticket", "P-ONE"),
        actor="user:7",
        **tenders,
    )


def _captured(order):
    return dict(
        PaymentOperation.objects.filter(
            payment__order=order, kind="capture", status="succeeded"
        ).values_list("tender", "amount")
    )


def _on_hand(store):
    return StockLevel.objects.get(location=store, variant__sku="JACKET-TRAIL-S").on_hand


def test_part_card_part_cash_pays_the_order_and_hands_it_over(client):
    order, store = _reservation_ready(client)

    paid = _pay(
        order,
        store,
        card=Decimal("200.00"),
        cash_given=Decimal("60.00"),
        card_token=TERMINAL_APPROVED,
    )

    order.refresh_from_db()
    order.payment.refresh_from_db()
    assert order.total == Decimal("258.00")
    assert (order.status, order.payment.status) == ("collected", "captured")
    assert _captured(order) == {"store_card": Decimal("200.00"), "cash": Decimal("58.00")}
    assert order.payment.captured_amount == Decimal("258.00")
    assert (paid.split.change, paid.replayed) == (Decimal("2.00"), False)
    assert _on_hand(store) == 0
    assert set(order.lines.values_list("status", flat=True)) == {"collected"}
    assert money_discrepancies() == []
    assert order_state_discrepancies() == []
    assert stock_discrepancies() == []


def test_the_day_report_counts_the_pickup_and_still_equals_the_ledger(client):
    order, store = _reservation_ready(client)
    _pay(
        order, store, card=Decimal("58.00"), cash_given=Decimal("200.00"), card_token="tok_terminal"
    )

    day = clock.now() - timedelta(hours=1)
    rows = till_takings(location_id=store.pk, since=day, until=day + timedelta(days=1))

    assert {(row.actor, row.tender, row.net) for row in rows} == {
        ("user:7", "store_card", Decimal("58.00")),
        ("user:7", "cash", Decimal("200.00")),
    }
    ledger = sum(op.amount for op in PaymentOperation.objects.filter(kind="capture"))
    assert sum(row.net for row in rows) == ledger == order.total


def test_the_same_ticket_again_takes_nothing_more(client):
    order, store = _reservation_ready(client)
    first = _pay(order, store, cash_given=Decimal("260.00"))

    again = _pay(order, store, cash_given=Decimal("260.00"))

    assert (first.replayed, again.replayed) == (False, True)
    assert again.split == first.split
    assert PaymentOperation.objects.filter(kind="capture").count() == 1
    assert _on_hand(store) == 0


@pytest.mark.parametrize(
    ("token", "error"),
    [
        pytest.param(TERMINAL_DECLINED, PaymentDeclined, id="declined_case"),
        pytest.param(TERMINAL_TIMEOUT, TerminalNotAnswered, id="timeout_case"),
    ],
)
def test_a_card_the_terminal_refuses_leaves_the_order_ready_and_due(client, token, error):
    order, store = _reservation_ready(client)

    with pytest.raises(error):
        _pay(order, store, card=Decimal("258.00"), card_token=token)

    order.refresh_from_db()
    order.payment.refresh_from_db()
    assert (order.status, order.payment.status) == ("ready_for_pickup", "due_at_pickup")
    assert PaymentOperation.objects.count() == 0
    assert _on_hand(store) == 2


def test_tenders_short_of_the_amount_due_are_refused_before_the_terminal(client):
    order, store = _reservation_ready(client)

    with pytest.raises(TendersDoNotCover):
        _pay(order, store, card=Decimal("100.00"), cash_given=Decimal("100.00"), card_token="x")

    assert PaymentOperation.objects.count() == 0


def test_a_wrong_pickup_code_takes_nothing(client):
    order, store = _reservation_ready(client)

    with pytest.raises(WrongPickupCode):
        _pay(order, store, pickup_code="000000", cash_given=Decimal("258.00"))

    order.refresh_from_db()
    assert (order.status, PaymentOperation.objects.count()) == ("ready_for_pickup", 0)


def test_an_order_paid_online_is_not_paid_again_at_the_till(client):
    order, store = _reservation_ready(client)
    order.payment.status = "authorised"
    order.payment.save(update_fields=["status"])

    with pytest.raises(InvalidOrder):
        _pay(order, store, cash_given=Decimal("258.00"))

    assert PaymentOperation.objects.filter(kind="capture").count() == 0


def _ordered_at_the_counter_to_pay_here(monkeypatch):
    """The endless aisle: Jean orders at Lyon Part-Dieu a jacket sent from the warehouse to
    this store, "paid at the counter"."""
    from comptoir.fulfilment.counter import PAY_AT_COUNTER, CounterOrder, order_at_counter
    from comptoir.fulfilment.domain.sourcing import OrderLine
    from comptoir.fulfilment.tests.checkout_factories import (
        JACKET,
        TUESDAY_11_AM,
        at,
        part_dieu,
        shelve,
        warehouse,
    )

    store = part_dieu("click_and_collect")
    depot = warehouse()
    shelve(depot, 2)
    at(monkeypatch, TUESDAY_11_AM)
    placed = order_at_counter(
        CounterOrder(
            store_code="lyon-part-dieu",
            lines=[OrderLine(JACKET, 1)],
            option="ship_to_store",
            where="here",
            customer_id=make_shopper().pk,
            pay=PAY_AT_COUNTER,
            created_by="user:1",
        )
    )
    return Order.objects.get(pk=placed.order.pk), store, depot


def test_an_order_placed_at_the_counter_is_paid_at_the_till_and_its_parcel_takes_no_more(
    monkeypatch,
):
    from django.db import transaction

    from comptoir.orders.services.lifecycle import dispatch_lines
    from comptoir.orders.services.till_pickup import pay_ordered_here

    order, store, depot = _ordered_at_the_counter_to_pay_here(monkeypatch)
    assert order.status == "awaiting_payment"

    paid = pay_ordered_here(
        order_id=order.pk,
        location_id=store.pk,
        ticket="P-AISLE",
        card=order.total - Decimal("10.00"),
        cash_given=Decimal("20.00"),
        card_token=TERMINAL_APPROVED,
    )
    again = pay_ordered_here(
        order_id=order.pk, location_id=store.pk, ticket="P-AISLE", cash_given=Decimal("20.00")
    )
    with transaction.atomic():
        parcel = dispatch_lines(order_id=order.pk, from_location_id=depot.pk, idempotency_key="d")

    order.refresh_from_db()
    order.payment.refresh_from_db()
    assert (paid.replayed, again.replayed, paid.split.change) == (False, True, Decimal("10.00"))
    assert (order.status, order.payment.status) == ("dispatched", "captured")
    assert _captured(order) == {
        "store_card": order.total - Decimal("10.00"),
        "cash": Decimal("10.00"),
    }
    assert parcel.capture is None  # paid ahead in full: the parcel captures nothing more
    assert money_discrepancies() == []
    assert order_state_discrepancies() == []


def test_a_declined_card_leaves_the_counter_order_waiting_for_its_payment(monkeypatch):
    from comptoir.orders.services.till_pickup import pay_ordered_here

    order, store, _ = _ordered_at_the_counter_to_pay_here(monkeypatch)

    with pytest.raises(PaymentDeclined):
        pay_ordered_here(
            order_id=order.pk,
            location_id=store.pk,
            ticket="P-NO",
            card=order.total,
            card_token=TERMINAL_DECLINED,
        )

    order.refresh_from_db()
    captures = PaymentOperation.objects.filter(kind="capture")
    assert (order.status, captures.count()) == ("awaiting_payment", 0)
