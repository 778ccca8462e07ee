"""Forty shoppers of one server process hold the last 12 jackets at once (PostgreSQL).

Their one-line holds may share statements (core/combining.py): still exactly 12 are held,
each `stock.changed` event tells one step of the level, and the ledger adds up.
"""

import pytest

from comptoir.core.models import OutboxEvent
from comptoir.inventory.errors import OutOfStock
from comptoir.inventory.models import Hold
from comptoir.inventory.services.holds import HoldRequestLine, place_hold
from comptoir.inventory.tests.factories import make_store, make_variant, put_on_shelf

from .racing import at_once, level_and_ledger

SHOPPERS = 40
UNITS = 12


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_forty_threads_holding_twelve_jackets_at_once_hold_exactly_twelve():
    store, jacket = make_store(), make_variant("JACKET-S")
    put_on_shelf(jacket, store, UNITS)

    def shop(number: int) -> str:
        try:
            place_hold(
                lines=[HoldRequestLine(store.pk, jacket.pk, "JACKET-S", 1)],
                channel="web",
                reference=f"cart-{number}",
            )
        except OutOfStock:
            return "out-of-stock"
        return "held"

    outcomes = at_once(SHOPPERS, shop)

    assert outcomes.count("held") == UNITS
    assert outcomes.count("out-of-stock") == SHOPPERS - UNITS
    level, ledger = level_and_ledger(jacket, store)
    assert level == ledger == (UNITS, UNITS)
    assert Hold.objects.filter(status="active").count() == UNITS
    steps = sorted(
        event.payload["held"]
        for event in OutboxEvent.objects.filter(type="stock.changed")
        if event.payload["reason"] == "hold"
    )
    assert steps == list(range(1, UNITS + 1))
