"""Two associates pay the same reserve & collect order at once, each at their own till.

Real parallel connections (PostgreSQL): both terminals approve, the order's lock lets one
payment through; the other till finds the order collected and its authorisation is voided.
"""

from decimal import Decimal

import pytest
from django.test import Client

from comptoir.inventory.models import StockLevel
from comptoir.orders.models import PaymentOperation
from comptoir.orders.payments.fake import TERMINAL_APPROVED
from comptoir.orders.selectors import money_discrepancies
from comptoir.orders.services.till_pickup import pay_at_pickup
from comptoir.orders.tests.services.test_pay_at_pickup import _reservation_ready

from .racing import TerminalAuthorisations, at_once, level_and_ledger


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_associates_paying_the_same_order_take_one_payment(monkeypatch):
    order, store = _reservation_ready(Client())
    terminal = TerminalAuthorisations(monkeypatch)

    def race(number: int) -> str:
        paid = pay_at_pickup(
            order_id=order.pk,
            location_id=store.pk,
            pickup_code=order.pickup_code,
            ticket=f"P-TILL-{number}",
            card=Decimal("158.00"),
            cash_given=Decimal("100.00"),
            card_token=TERMINAL_APPROVED,
            actor=f"user:{number}",
        )
        return "replayed" if paid.replayed else "paid"

    outcomes = at_once(2, race)

    assert sorted(outcomes) == ["paid", "replayed"]
    captures = PaymentOperation.objects.filter(kind="capture", status="succeeded")
    assert sorted(captures.values_list("tender", "amount")) == [
        ("cash", Decimal("100.00")),
        ("store_card", Decimal("158.00")),
    ]
    assert len({op.actor for op in captures}) == 1
    order.payment.refresh_from_db()
    assert terminal.standing() == {order.payment.provider_reference}  # the other is voided
    level = StockLevel.objects.get(location=store, variant__sku="JACKET-TRAIL-S")
    assert (level.on_hand, level.held) == (0, 0)
    assert level_and_ledger(level.variant, store)[0] == level_and_ledger(level.variant, store)[1]
    assert money_discrepancies() == []


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_associates_paying_the_same_counter_order_take_one_payment(monkeypatch):
    from comptoir.orders.services.till_pickup import pay_ordered_here
    from comptoir.orders.tests.services.test_pay_at_pickup import (
        _ordered_at_the_counter_to_pay_here,
    )

    order, store, _ = _ordered_at_the_counter_to_pay_here(monkeypatch)
    terminal = TerminalAuthorisations(monkeypatch)

    def race(number: int) -> str:
        paid = pay_ordered_here(
            order_id=order.pk,
            location_id=store.pk,
            ticket=f"P-AISLE-{number}",
            card=order.total,
            card_token=TERMINAL_APPROVED,
        )
        return "replayed" if paid.replayed else "paid"

    outcomes = at_once(2, race)

    order.refresh_from_db()
    assert sorted(outcomes) == ["paid", "replayed"]
    assert (order.status, order.payment.captured_amount) == ("placed", order.total)
    assert PaymentOperation.objects.filter(kind="capture").count() == 1
    assert len(terminal.standing()) == 1  # the other till's authorisation is voided
    assert money_discrepancies() == []
