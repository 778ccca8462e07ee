"""Money under races: a double tap at the counter captures once, two refunds at once never
refund more than was captured. Real parallel connections: PostgreSQL only."""

from decimal import Decimal

import pytest

from comptoir.core.errors import DomainError
from comptoir.customers.tests.factories import make_shopper
from comptoir.orders.models import Payment
from comptoir.orders.payments.fake import FakePsp
from comptoir.orders.services import lifecycle
from comptoir.orders.services.placing import (
    LineRequest,
    OrderRequest,
    PaymentRequest,
    place_order,
)
from comptoir.orders.tests.factories import CARD_OK, make_jackets, make_location, stock

from .racing import at_once

TAPS = 4


def _ready_order():
    store = make_location("lyon-bellecour", city="Lyon")
    make_jackets()
    stock("JACKET-TRAIL-S", store, 5)
    order = place_order(
        OrderRequest(
            channel="web",
            fulfilment_mode="click_and_collect",
            lines=[LineRequest("JACKET-TRAIL-S", 1)],
            payment=PaymentRequest("card", CARD_OK),
            customer_id=make_shopper().pk,
            pickup_location_id=store.pk,
        )
    ).order
    lifecycle.mark_ready_for_pickup(order_id=order.pk)
    order.refresh_from_db()
    return order


def _counting_captures(monkeypatch) -> list[Decimal]:
    captures: list[Decimal] = []
    real = FakePsp.capture

    def capture(self, **kwargs):
        captures.append(kwargs["amount"])
        return real(self, **kwargs)

    monkeypatch.setattr(FakePsp, "capture", capture)
    return captures


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_a_double_tap_at_the_counter_captures_once(monkeypatch):
    order = _ready_order()
    captures = _counting_captures(monkeypatch)

    def collect(_: int) -> str:
        try:
            lifecycle.collect_order(
                order_id=order.pk,
                pickup_code=order.pickup_code,
                location_id=order.pickup_location_id,
            )
        except DomainError as error:
            return error.code
        return "collected"

    outcomes = at_once(TAPS, collect)

    assert sorted(outcomes) == ["collected"] + ["order-state-conflict"] * (TAPS - 1)
    assert captures == [Decimal("129.00")]
    assert Payment.objects.get(order=order).captured_amount == Decimal("129.00")


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_refunds_at_once_never_refund_more_than_was_captured():
    order = _ready_order()
    lifecycle.collect_order(
        order_id=order.pk, pickup_code=order.pickup_code, location_id=order.pickup_location_id
    )

    def refund(_: int) -> str:
        try:
            lifecycle.refund_payment(order_id=order.pk, amount=Decimal("50.00"))
        except DomainError as error:
            return error.code
        return "refunded"

    outcomes = at_once(TAPS, refund)

    assert sorted(outcomes) == ["payment-failed"] * (TAPS - 2) + ["refunded"] * 2
    assert Payment.objects.get(order=order).refunded_amount == Decimal("100.00")
