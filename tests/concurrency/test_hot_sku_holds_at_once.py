"""Forty shoppers of one server process hold the last 12 jackets at once (PostgreSQL).

Their one-line holds may share statements (core/combining.py): still exactly 12 are held,
each `stock.changed` event tells one step of the level, and the ledger adds up.
"""

import threading

import pytest
from django.db import connection
from django.db.models import Sum

from comptoir.core.models import OutboxEvent
from comptoir.inventory.errors import OutOfStock
from comptoir.inventory.models import Hold, StockLevel, StockMovement
from comptoir.inventory.services.holds import HoldRequestLine, place_hold
from comptoir.inventory.tests.factories import make_store, make_variant, put_on_shelf

SHOPPERS = 40
UNITS = 12


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_forty_threads_holding_twelve_jackets_at_once_hold_exactly_twelve():
    store, jacket = make_store(), make_variant("JACKET-S")
    put_on_shelf(jacket, store, UNITS)
    start = threading.Barrier(SHOPPERS)
    outcomes: list[str] = []
    lock = threading.Lock()

    def shop(number: int) -> None:
        try:
            start.wait()
            place_hold(
                lines=[HoldRequestLine(store.pk, jacket.pk, "JACKET-S", 1)],
                channel="web",
                reference=f"cart-{number}",
            )
            outcome = "held"
        except OutOfStock:
            outcome = "out-of-stock"
        finally:
            connection.close()
        with lock:
            outcomes.append(outcome)

    threads = [threading.Thread(target=shop, args=(n,)) for n in range(SHOPPERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert outcomes.count("held") == UNITS
    assert outcomes.count("out-of-stock") == SHOPPERS - UNITS
    level = StockLevel.objects.get(variant=jacket, location=store)
    assert (level.on_hand, level.held) == (UNITS, UNITS)
    assert Hold.objects.filter(status="active").count() == UNITS
    ledger = StockMovement.objects.filter(variant=jacket, location=store).aggregate(
        on_hand=Sum("on_hand_delta"), held=Sum("held_delta")
    )
    assert (ledger["on_hand"], ledger["held"]) == (UNITS, UNITS)
    steps = sorted(
        event.payload["held"]
        for event in OutboxEvent.objects.filter(type="stock.changed")
        if event.payload["reason"] == "hold"
    )
    assert steps == list(range(1, UNITS + 1))
