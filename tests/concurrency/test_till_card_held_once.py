"""Four taps on one ticket paid by card, at once (real parallel connections, PostgreSQL): the
terminal is asked under one reference, so the card is held once and the ticket sells once."""

from decimal import Decimal

import pytest

from comptoir.orders.errors import TerminalNotAnswered
from comptoir.orders.models import Order, TerminalRequest
from comptoir.orders.payments.fake import TERMINAL_APPROVED, FakePsp
from comptoir.orders.selectors import money_discrepancies, terminal_discrepancies
from comptoir.orders.services.till import BasketLine, sell_basket
from comptoir.orders.tests.factories import make_jackets, make_location, stock

from .racing import at_once


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_four_card_taps_after_a_timeout_hold_the_card_once_and_sell_once():
    store = make_location("lyon-bellecour", city="Lyon")
    make_jackets("129.00")
    stock("JACKET-TRAIL-S", store, 5)
    sale = {
        "store_id": store.pk,
        "ticket": "T-TAPS",
        "lines": [BasketLine("JACKET-TRAIL-S", 1)],
        "card": Decimal("129.00"),
        "card_token": TERMINAL_APPROVED,
    }
    FakePsp.fail_next("authorise", "lost")
    with pytest.raises(TerminalNotAnswered):
        sell_basket(**sale)

    def tap(_: int) -> str:
        return "replayed" if sell_basket(**sale).replayed else "sold"

    outcomes = at_once(4, tap)

    assert sorted(outcomes) == ["replayed", "replayed", "replayed", "sold"]
    order = Order.objects.get(reference="T-TAPS")
    assert FakePsp.open_holds() == {order.payment.provider_reference}
    assert list(TerminalRequest.objects.values_list("attempt", "status")) == [(1, "sold")]
    assert money_discrepancies() == []
    assert terminal_discrepancies() == []
