"""32 real connections race for the last 10 jackets: exactly 10 win, the ledger adds up.

On PostgreSQL the connections really run in parallel; on SQLite the same race is serialised
by BEGIN IMMEDIATE and must come out just as right.
"""

import pytest

from comptoir.inventory.errors import OutOfStock
from comptoir.inventory.services.holds import HoldRequestLine, place_hold
from comptoir.inventory.services.till import TillLine, sell_at_till
from comptoir.inventory.tests.factories import make_store, make_variant, put_on_shelf

from .racing import at_once, level_and_ledger

RACERS = 32
UNITS = 10


@pytest.mark.django_db(transaction=True)
def test_thirty_two_connections_racing_for_ten_units_sell_exactly_ten():
    store, jacket = make_store(), make_variant("JACKET-S")
    put_on_shelf(jacket, store, UNITS)

    def race(number: int) -> str:
        try:
            if number % 2:
                place_hold(
                    lines=[HoldRequestLine(store.pk, jacket.pk, "JACKET-S", 1)],
                    channel="web",
                    reference=f"cart-{number}",
                )
            else:
                sell_at_till(
                    location_id=store.pk,
                    lines=[TillLine(jacket.pk, "JACKET-S", 1)],
                    ticket=f"T-{number}",
                )
        except OutOfStock:
            return "out-of-stock"
        return "won"

    outcomes = at_once(RACERS, race)

    assert sorted(outcomes).count("won") == UNITS
    assert outcomes.count("out-of-stock") == RACERS - UNITS
    (on_hand, held), ledger = level_and_ledger(jacket, store)
    assert on_hand - held == 0
    assert on_hand >= 0
    assert ledger == (on_hand, held)
