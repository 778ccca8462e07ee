"""A write that waits for a level's lock while another transaction changes that level.

Under READ COMMITTED, a statement that locks a level (`FOR UPDATE` in a CTE) and then
updates it judges on the level as locked, its newest version; but PostgreSQL first builds the
updated row from the version its snapshot saw, and checks the CHECK constraints on that row
before it finds out that the row has moved on. If the SET reads the stale row, a hold judged
on the newer figures breaks `held_within_on_hand` there (a 500) though it fits. Each test
puts the other transaction in first, lets the statement queue behind its lock, then commits:
no sleeps, the order is the same every run.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import timedelta

import pytest
from django.db import connection, transaction

from comptoir.core import clock
from comptoir.inventory.errors import OutOfStock
from comptoir.inventory.models import Hold, StockLevel
from comptoir.inventory.services.holds import HoldRequestLine, place_hold
from comptoir.inventory.services.levels import HeldLevel, HoldTerms, hold_one_line_each
from comptoir.inventory.services.releases import release_hold
from comptoir.inventory.services.snapshots import apply_stock_snapshot
from comptoir.inventory.tests.factories import make_store, make_variant, put_on_shelf

from .racing import level_and_ledger

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]


def _backend_pid() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def _waits_for(waiter: int, holder: int) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT %s = ANY(pg_blocking_pids(%s))", [holder, waiter])
        return cursor.fetchone()[0]


def in_turn(first: Callable[[], object], then: Callable[[], object]) -> tuple[object, object]:
    """`first` runs in a transaction left open; `then` starts once it has, in its own thread
    and connection, and is let through when it is seen waiting for `first`'s locks: `first`
    commits. What each returned (or raised)."""
    done_first, may_commit, then_started = threading.Event(), threading.Event(), threading.Event()
    outcomes: dict[str, object] = {}
    pids: dict[str, int] = {}

    def run_first() -> None:
        try:
            with transaction.atomic():
                pids["first"] = _backend_pid()
                outcomes["first"] = first()
                done_first.set()
                assert may_commit.wait(30), "the second never queued behind the first"
        except Exception as error:  # noqa: BLE001 - reported as the outcome
            outcomes.setdefault("first", error)
        finally:
            done_first.set()
            connection.close()

    def run_then() -> None:
        try:
            pids["then"] = _backend_pid()
            then_started.set()
            outcomes["then"] = then()
        except Exception as error:  # noqa: BLE001
            outcomes["then"] = error
        finally:
            then_started.set()
            connection.close()

    one = threading.Thread(target=run_first)
    one.start()
    assert done_first.wait(30)
    two = threading.Thread(target=run_then)
    two.start()
    assert then_started.wait(30)
    try:
        while not _waits_for(pids["then"], pids["first"]):
            assert two.is_alive(), f"the second did not wait for the first: {outcomes}"
            time.sleep(0.005)  # a poll for the wait, not an assertion
    finally:
        may_commit.set()
        one.join()
        two.join()
    return outcomes["first"], outcomes["then"]


def _hold(store, variant, quantity: int, reference: str) -> str:
    try:
        place_hold(
            lines=[HoldRequestLine(store.pk, variant.pk, variant.sku, quantity)],
            channel="web",
            reference=reference,
        )
    except OutOfStock:
        return "out-of-stock"
    return "held"


def _count(store, variant, quantity: int):
    return lambda: apply_stock_snapshot(
        location_id=store.pk, rows=[(variant.sku, quantity)], reference="count"
    )


def _terms(store, variant, quantity: int, reference: str) -> HoldTerms:
    now = clock.now()
    return HoldTerms(
        [HeldLevel(store.pk, variant.pk, variant.sku, quantity, reference)],
        "web",
        None,
        now + timedelta(minutes=30),
        now,
        f"req-{reference}",
    )


def _seven_with_four_held():
    store, jacket = make_store(), make_variant("JACKET-S")
    put_on_shelf(jacket, store, 7)
    assert _hold(store, jacket, 4, "first") == "held"
    return store, jacket


def test_a_hold_queued_behind_a_count_that_raises_the_level_takes_the_counted_units():
    store, jacket = _seven_with_four_held()

    counted, held = in_turn(
        _count(store, jacket, 8), lambda: _hold(store, jacket, 4, "behind-the-count")
    )

    assert counted.changed == 1
    assert held == "held"
    assert level_and_ledger(jacket, store) == ((8, 8), (8, 8))


def test_holds_taken_together_queued_behind_a_count_take_the_counted_units():
    store, jacket = _seven_with_four_held()

    _, outcomes = in_turn(
        _count(store, jacket, 8),
        lambda: hold_one_line_each(
            [_terms(store, jacket, 2, "cart-a"), _terms(store, jacket, 2, "cart-b")]
        ),
    )

    assert isinstance(outcomes, list), outcomes
    assert [outcome.hold_id is not None for outcome in outcomes] == [True, True], outcomes
    assert level_and_ledger(jacket, store) == ((8, 8), (8, 8))


def test_a_count_queued_behind_a_release_keeps_what_is_still_held():
    store, jacket = make_store(), make_variant("JACKET-S")
    put_on_shelf(jacket, store, 8)
    assert _hold(store, jacket, 2, "stays") == "held"
    assert _hold(store, jacket, 4, "released") == "held"
    released = Hold.objects.get(reference="released")

    _, counted = in_turn(lambda: release_hold(hold_id=released.pk), _count(store, jacket, 3))

    assert (counted.changed, counted.rejected) == (1, 0), counted
    assert level_and_ledger(jacket, store) == ((3, 2), (3, 2))
    assert StockLevel.objects.get(variant=jacket, location=store).held == 2
