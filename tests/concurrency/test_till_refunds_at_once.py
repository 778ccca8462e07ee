"""Two refunds of one split till sale at once (real parallel connections, PostgreSQL): each
tender gives back at most what it took, and the ledger adds up."""

from decimal import Decimal

import pytest

from comptoir.orders.errors import PaymentFailed
from comptoir.orders.models import PaymentOperation
from comptoir.orders.payments.fake import TERMINAL_APPROVED
from comptoir.orders.selectors import money_discrepancies
from comptoir.orders.services.lifecycle import refund_payment
from comptoir.orders.services.till import BasketLine, sell_basket
from comptoir.orders.tests.factories import make_jackets, make_location, stock

from .racing import at_once


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_refunds_at_once_never_give_a_tender_more_than_it_took():
    store = make_location("lyon-bellecour", city="Lyon")
    make_jackets("129.00")
    stock("JACKET-TRAIL-S", store, 2)
    stock("JACKET-TRAIL-M", store, 2)
    order = sell_basket(
        store_id=store.pk,
        ticket="T-RACE",
        lines=[BasketLine("JACKET-TRAIL-S", 1), BasketLine("JACKET-TRAIL-M", 1)],
        card=Decimal("200.00"),
        cash_given=Decimal("58.00"),
        card_token=TERMINAL_APPROVED,
    ).order

    def refund(number: int) -> str:
        try:
            refund_payment(
                order_id=order.pk, amount=Decimal("129.00"), idempotency_key=f"refund:{number}"
            )
        except PaymentFailed:
            return "refused"
        return "refunded"

    outcomes = at_once(2, refund)

    # Together they fit the total (258.00): only the tenders' own limits stop a second
    # refund of the card's 200.00 from going to the card again.
    assert outcomes == ["refunded", "refunded"]
    given = {
        tender: sum(
            PaymentOperation.objects.filter(
                payment__order=order, kind="refund", tender=tender, status="succeeded"
            ).values_list("amount", flat=True),
            Decimal("0"),
        )
        for tender in ("store_card", "cash")
    }
    assert given == {"store_card": Decimal("200.00"), "cash": Decimal("58.00")}
    order.payment.refresh_from_db()
    assert order.payment.refunded_amount == Decimal("258.00")
    assert money_discrepancies() == []
