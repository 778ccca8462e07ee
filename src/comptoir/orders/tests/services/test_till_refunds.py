"""A till sale paid part card, part cash is refunded to the tenders that paid: the card part
back to the card through the PSP, the cash part out of the drawer, never more than each took."""

from decimal import Decimal

import pytest

from comptoir.core import clock
from comptoir.orders.domain import RefundTooLarge, Tender, split_refund
from comptoir.orders.errors import PaymentFailed
from comptoir.orders.models import PaymentOperation
from comptoir.orders.payments.fake import TERMINAL_APPROVED, FakePsp
from comptoir.orders.selectors import money_discrepancies, till_takings
from comptoir.orders.services.lifecycle import refund_payment
from comptoir.orders.services.till import BasketLine, sell_basket
from comptoir.orders.tests.factories import make_jackets, make_location, stock

TWO_JACKETS = [BasketLine("JACKET-TRAIL-S", 1), BasketLine("JACKET-TRAIL-M", 1)]


def _split_sale(ticket="T-SPLIT"):
    store = make_location("lyon-bellecour", city="Lyon")
    make_jackets("129.00")
    stock("JACKET-TRAIL-S", store, 2)
    stock("JACKET-TRAIL-M", store, 2)
    sale = sell_basket(
        store_id=store.pk,
        ticket=ticket,
        lines=TWO_JACKETS,
        card=Decimal("200.00"),
        cash_given=Decimal("58.00"),
        card_token=TERMINAL_APPROVED,
        actor="user:1",
    )
    return store, sale.order


def _refunded(order):
    given: dict[str, Decimal] = {}
    for tender, amount in PaymentOperation.objects.filter(
        payment__order=order, kind="refund", status="succeeded"
    ).values_list("tender", "amount"):
        given[tender] = given.get(tender, Decimal("0")) + amount
    return given


def test_a_refund_goes_to_the_card_first_then_to_the_cash():
    parts = split_refund(
        amount=Decimal("230.00"),
        taken={Tender.CASH: Decimal("58.00"), Tender.STORE_CARD: Decimal("200.00")},
        refunded={},
    )

    assert parts == [(Tender.STORE_CARD, Decimal("200.00")), (Tender.CASH, Decimal("30.00"))]


def test_a_refund_never_gives_a_tender_more_than_it_has_left():
    taken = {Tender.CASH: Decimal("58.00"), Tender.STORE_CARD: Decimal("200.00")}

    parts = split_refund(
        amount=Decimal("40.00"), taken=taken, refunded={Tender.STORE_CARD: Decimal("190.00")}
    )

    assert parts == [(Tender.STORE_CARD, Decimal("10.00")), (Tender.CASH, Decimal("30.00"))]
    with pytest.raises(RefundTooLarge):
        split_refund(
            amount=Decimal("68.01"), taken=taken, refunded={Tender.STORE_CARD: Decimal("190.00")}
        )


@pytest.mark.django_db
def test_a_split_sale_refunded_in_full_gives_the_card_part_to_the_card_and_the_cash_in_cash():
    store, order = _split_sale()

    refund_payment(
        order_id=order.pk, amount=Decimal("258.00"), idempotency_key="refund:all", actor="user:1"
    )

    assert _refunded(order) == {"store_card": Decimal("200.00"), "cash": Decimal("58.00")}
    card = PaymentOperation.objects.get(payment__order=order, kind="refund", tender="store_card")
    assert card.provider_reference == order.payment.provider_reference
    assert card.idempotency_key in FakePsp._done  # asked of the PSP, not just written down
    assert "refund:all:cash" not in FakePsp._done  # the drawer pays the cash part
    order.payment.refresh_from_db()
    assert order.payment.refunded_amount == Decimal("258.00")
    assert money_discrepancies() == []
    now = clock.now()
    day = till_takings(
        location_id=store.pk, since=now.replace(hour=0, minute=0), until=now.replace(hour=23)
    )
    assert {(row.tender, row.net) for row in day} == {
        ("store_card", Decimal("0.00")),
        ("cash", Decimal("0.00")),
    }


@pytest.mark.django_db
def test_partial_refunds_add_up_and_never_refund_a_tender_twice():
    _, order = _split_sale()

    refund_payment(order_id=order.pk, amount=Decimal("129.00"), idempotency_key="refund:1")
    refund_payment(order_id=order.pk, amount=Decimal("100.00"), idempotency_key="refund:2")
    refund_payment(order_id=order.pk, amount=Decimal("100.00"), idempotency_key="refund:2")

    assert _refunded(order) == {"store_card": Decimal("200.00"), "cash": Decimal("29.00")}
    with pytest.raises(PaymentFailed):
        refund_payment(order_id=order.pk, amount=Decimal("29.01"), idempotency_key="refund:3")
    refund_payment(order_id=order.pk, amount=Decimal("29.00"), idempotency_key="refund:4")
    assert _refunded(order) == {"store_card": Decimal("200.00"), "cash": Decimal("58.00")}
    assert money_discrepancies() == []


@pytest.mark.django_db
def test_a_card_refund_the_psp_refuses_leaves_the_cash_part_given_and_the_card_part_due():
    _, order = _split_sale()
    FakePsp.fail_next("refund", "refused")

    with pytest.raises(PaymentFailed):
        refund_payment(order_id=order.pk, amount=Decimal("258.00"), idempotency_key="refund:a")

    assert _refunded(order) == {"cash": Decimal("58.00")}
    refund_payment(order_id=order.pk, amount=Decimal("200.00"), idempotency_key="refund:b")
    assert _refunded(order) == {"store_card": Decimal("200.00"), "cash": Decimal("58.00")}
    assert money_discrepancies() == []
