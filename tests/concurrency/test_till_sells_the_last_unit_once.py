"""Two tills sell the last jacket at once; the same ticket is sent by four taps at once.

Real parallel connections (PostgreSQL): the level's conditional UPDATE lets one sale through,
the other sells nothing and its terminal authorisation is voided; the order's unique reference
lets one ticket become one sale.
"""

from decimal import Decimal

import pytest

from comptoir.inventory.errors import OutOfStock
from comptoir.inventory.models import StockLevel, StockMovement
from comptoir.orders.models import Order, PaymentOperation
from comptoir.orders.payments.fake import TERMINAL_APPROVED, FakePsp
from comptoir.orders.selectors import money_discrepancies
from comptoir.orders.services.till import BasketLine, sell_basket
from comptoir.orders.tests.factories import make_jackets, make_location, stock

from .racing import at_once, level_and_ledger

JACKET = "JACKET-TRAIL-S"


def _last_jacket():
    store = make_location("lyon-bellecour", city="Lyon")
    make_jackets("129.00")
    stock(JACKET, store, 1)
    return store


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_tills_selling_the_last_unit_sell_it_once():
    store = _last_jacket()

    def race(number: int) -> str:
        try:
            sell_basket(
                store_id=store.pk,
                ticket=f"T-TILL-{number}",
                lines=[BasketLine(JACKET, 1)],
                card=Decimal("100.00"),
                cash_given=Decimal("29.00"),
                card_token=TERMINAL_APPROVED,
            )
        except OutOfStock:
            return "out-of-stock"
        return "sold"

    outcomes = at_once(2, race)

    assert sorted(outcomes) == ["out-of-stock", "sold"]
    assert Order.objects.count() == 1
    level = StockLevel.objects.get(location=store, variant__sku=JACKET)
    assert level.on_hand == 0
    assert level_and_ledger(level.variant, store)[0] == level_and_ledger(level.variant, store)[1]
    assert PaymentOperation.objects.filter(kind="capture").count() == 2  # card + cash, one sale
    loser = next(
        f"T-TILL-{n}" for n in range(2) if not Order.objects.filter(reference=f"T-TILL-{n}")
    )
    assert FakePsp._done[f"void:unsold:{loser}"][0].status == "voided"
    assert money_discrepancies() == []


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_four_taps_on_one_ticket_sell_once():
    store = make_location("lyon-bellecour", city="Lyon")
    make_jackets("129.00")
    stock(JACKET, store, 5)

    def tap(_: int) -> str:
        sale = sell_basket(
            store_id=store.pk,
            ticket="T-TAPPED",
            lines=[BasketLine(JACKET, 1)],
            cash_given=Decimal("129.00"),
        )
        return "replayed" if sale.replayed else "sold"

    outcomes = at_once(4, tap)

    assert outcomes.count("sold") == 1
    assert outcomes.count("replayed") == 3
    assert StockMovement.objects.filter(reference="T-TAPPED").count() == 1
    assert StockLevel.objects.get(location=store, variant__sku=JACKET).on_hand == 4
    assert money_discrepancies() == []
