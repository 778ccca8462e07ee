"""32 real connections race for the last 10 jackets: exactly 10 win, the ledger adds up.

On PostgreSQL the connections really run in parallel; on SQLite the same race is serialised
by BEGIN IMMEDIATE and must come out just as right.
"""

import threading

import pytest
from django.db import connection
from django.db.models import Sum

from comptoir.inventory.errors import OutOfStock
from comptoir.inventory.models import StockLevel, StockMovement
from comptoir.inventory.services.holds import HoldRequestLine, place_hold
from comptoir.inventory.services.till import TillLine, sell_at_till
from comptoir.inventory.tests.factories import make_store, make_variant, put_on_shelf

RACERS = 32
UNITS = 10


@pytest.mark.django_db(transaction=True)
def test_thirty_two_connections_racing_for_ten_units_sell_exactly_ten():
    store, jacket = make_store(), make_variant("JACKET-S")
    put_on_shelf(jacket, store, UNITS)
    start = threading.Barrier(RACERS)
    outcomes: list[str] = []
    lock = threading.Lock()

    def race(number: int) -> None:
        try:
            start.wait()
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
            outcome = "won"
        except OutOfStock:
            outcome = "out-of-stock"
        finally:
            connection.close()
        with lock:
            outcomes.append(outcome)

    threads = [threading.Thread(target=race, args=(n,)) for n in range(RACERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes).count("won") == UNITS
    assert outcomes.count("out-of-stock") == RACERS - UNITS
    level = StockLevel.objects.get(variant=jacket, location=store)
    assert level.on_hand - level.held == 0
    assert level.on_hand >= 0
    ledger = StockMovement.objects.filter(variant=jacket, location=store).aggregate(
        on_hand=Sum("on_hand_delta"), held=Sum("held_delta")
    )
    assert (ledger["on_hand"], ledger["held"]) == (level.on_hand, level.held)
