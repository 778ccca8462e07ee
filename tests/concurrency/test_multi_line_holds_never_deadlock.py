"""Carts hold the same two SKUs, listed in opposite orders, at the same moment.

On PostgreSQL each multi-line hold is one statement that locks its levels in (location,
variant) order; every cart keeps its locks a little while (its transaction goes on after the
hold), which is when a lock taken out of order would deadlock. None may deadlock, none may
oversell, and a cart gets both SKUs or neither.
"""

import threading
import time

import pytest
from django.db import connection, transaction

from comptoir.inventory.errors import OutOfStock
from comptoir.inventory.models import Hold
from comptoir.inventory.services.holds import HoldRequestLine, place_hold
from comptoir.inventory.tests.factories import make_store, make_variant, put_on_shelf

from .racing import level_and_ledger

RACERS = 16
TRIES = 3
UNITS = 20


@pytest.mark.django_db(transaction=True)
def test_carts_taking_two_skus_in_opposite_orders_never_deadlock_nor_oversell():
    store = make_store()
    left, right = make_variant("JACKET-S"), make_variant("JACKET-M")
    put_on_shelf(left, store, UNITS)
    put_on_shelf(right, store, UNITS)
    lines = [
        HoldRequestLine(store.pk, left.pk, "JACKET-S", 1),
        HoldRequestLine(store.pk, right.pk, "JACKET-M", 1),
    ]
    start = threading.Barrier(RACERS)
    outcomes: list[str] = []
    failures: list[BaseException] = []
    lock = threading.Lock()

    def cart(number: int) -> None:
        try:
            start.wait()
            for attempt in range(TRIES):
                try:
                    with transaction.atomic():
                        place_hold(
                            lines=lines if number % 2 else lines[::-1],
                            channel="web",
                            reference=f"cart-{number}-{attempt}",
                        )
                        time.sleep(0.005)  # keep both rows locked while the others arrive
                    outcome = "won"
                except OutOfStock:
                    outcome = "out-of-stock"
                with lock:
                    outcomes.append(outcome)
        except BaseException as error:  # a deadlock must fail the test, not vanish
            with lock:
                failures.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=cart, args=(n,)) for n in range(RACERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert failures == []
    assert outcomes.count("won") == UNITS
    assert outcomes.count("out-of-stock") == RACERS * TRIES - UNITS
    for variant in (left, right):
        level, ledger = level_and_ledger(variant, store)
        assert level == ledger == (UNITS, UNITS)
    # Both SKUs or neither: every winning cart holds exactly two lines.
    references = Hold.objects.values_list("reference", flat=True)
    assert sorted({r: list(references).count(r) for r in references}.values()) == [2] * UNITS
