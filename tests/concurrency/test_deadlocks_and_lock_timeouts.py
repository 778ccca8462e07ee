"""Deadlocks are retried in one place; a lock held too long answers 503, never 500 (PostgreSQL).

Two transactions that lock two stock levels in opposite orders deadlock for real: PostgreSQL
rolls one back, and `transaction_retried` runs it again, so both go through. A level whose
row another transaction keeps locked past `lock_timeout` answers a 503 problem+json.
"""

import threading

import pytest
from django.conf import settings
from django.db import connection, transaction
from django.test import override_settings

from comptoir.core.retrying import Busy, transaction_retried
from comptoir.customers.tests.factories import make_shopper
from comptoir.inventory.models import Hold, StockLevel
from comptoir.inventory.tests.factories import make_store, make_variant, put_on_shelf

from .racing import at_once

pytestmark = pytest.mark.postgres_only


def _touch(level_id: int) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE inventory_stocklevel SET updated_at = now() WHERE id = %s", [level_id]
        )


def _opposite_orders(first_id: int, second_id: int):
    both_hold_their_first = threading.Barrier(2)
    attempts: list[str] = []

    @transaction_retried
    def lock_both(number: int) -> str:
        attempts.append(f"racer-{number}")
        ids = (first_id, second_id) if number == 0 else (second_id, first_id)
        with transaction.atomic():
            _touch(ids[0])
            if len(attempts) <= 2:  # the first attempts only: the retry must not wait again
                both_hold_their_first.wait(timeout=10)
            _touch(ids[1])
        return "done"

    return lock_both, attempts


@pytest.mark.django_db(transaction=True)
def test_two_transactions_locking_two_levels_in_opposite_orders_both_go_through():
    store = make_store()
    small, medium = make_variant("JACKET-S"), make_variant("JACKET-M")
    put_on_shelf(small, store, 1)
    put_on_shelf(medium, store, 1)
    first, second = StockLevel.objects.order_by("variant_id").values_list("pk", flat=True)
    lock_both, attempts = _opposite_orders(first, second)

    def race(number: int) -> str:
        try:
            return lock_both(number)
        except Busy:
            return "busy"

    outcomes = at_once(2, race)

    assert outcomes == ["done", "done"]
    assert len(attempts) == 3  # one of them was the deadlock's victim, and ran again


@pytest.mark.django_db(transaction=True)
def test_a_deadlock_met_by_a_service_inside_another_runs_the_outer_transaction_again():
    """Cancelling an order releases its holds inside the order's transaction: the release is a
    retried service too, and its victim's error must reach the outer one as retryable."""
    store = make_store()
    small, medium = make_variant("JACKET-S"), make_variant("JACKET-M")
    put_on_shelf(small, store, 1)
    put_on_shelf(medium, store, 1)
    first, second = StockLevel.objects.order_by("variant_id").values_list("pk", flat=True)
    both_hold_their_first = threading.Barrier(2)
    attempts: list[int] = []

    @transaction_retried
    def touch_inside(level_id: int) -> None:
        _touch(level_id)

    @transaction_retried
    def lock_both(number: int) -> str:
        attempts.append(number)
        ids = (first, second) if number == 0 else (second, first)
        with transaction.atomic():
            _touch(ids[0])
            if len(attempts) <= 2:
                both_hold_their_first.wait(timeout=10)
            touch_inside(ids[1])
        return "done"

    def race(number: int) -> str:
        try:
            return lock_both(number)
        except Busy:
            return "busy"

    assert at_once(2, race) == ["done", "done"]
    assert len(attempts) == 3


@pytest.mark.django_db(transaction=True)
@override_settings(DATABASE_RETRY_ATTEMPTS=1)
def test_a_deadlock_that_may_not_be_retried_answers_busy_not_a_database_error():
    store = make_store()
    small, medium = make_variant("JACKET-S"), make_variant("JACKET-M")
    put_on_shelf(small, store, 1)
    put_on_shelf(medium, store, 1)
    first, second = StockLevel.objects.order_by("variant_id").values_list("pk", flat=True)
    lock_both, _ = _opposite_orders(first, second)

    def race(number: int) -> str:
        try:
            return lock_both(number)
        except Busy:
            return "busy"

    assert sorted(at_once(2, race)) == ["busy", "done"]


@pytest.mark.django_db(transaction=True)
def test_a_level_locked_past_the_lock_timeout_answers_503_problem_json(client):
    store, jacket = make_store(), make_variant("JACKET-S")
    put_on_shelf(jacket, store, 2)
    client.force_login(make_shopper(email="jean.martin@example.fr").user)
    locked, done = threading.Event(), threading.Event()

    def keep_the_level_locked() -> None:
        try:
            with transaction.atomic():
                StockLevel.objects.select_for_update().get(variant=jacket, location=store)
                locked.set()
                done.wait(timeout=30)
        finally:
            connection.close()

    holder = threading.Thread(target=keep_the_level_locked)
    holder.start()
    try:
        assert locked.wait(timeout=10)
        with connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = '200ms'")
        response = client.post(
            "/api/v1/holds",
            {
                "channel": "web",
                "reference": "cart-jean",
                "ttl_minutes": 30,
                "lines": [{"sku": "JACKET-S", "location": "lyon-part-dieu", "quantity": 1}],
            },
            content_type="application/json",
        )
    finally:
        done.set()
        holder.join(timeout=30)

    assert response.status_code == 503
    assert response["Content-Type"].startswith("application/problem+json")
    assert response.json()["code"] == "busy"
    assert not Hold.objects.exists()
    assert StockLevel.objects.get(variant=jacket, location=store).held == 0


@pytest.mark.django_db
def test_every_connection_has_the_configured_lock_and_statement_timeouts():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT extract(epoch FROM current_setting('lock_timeout')::interval) * 1000,"
            " extract(epoch FROM current_setting('statement_timeout')::interval) * 1000"
        )
        lock_timeout_ms, statement_timeout_ms = cursor.fetchone()

    assert settings.DATABASE_LOCK_TIMEOUT_MS > 0
    assert settings.DATABASE_STATEMENT_TIMEOUT_MS > 0
    assert (lock_timeout_ms, statement_timeout_ms) == (
        settings.DATABASE_LOCK_TIMEOUT_MS,
        settings.DATABASE_STATEMENT_TIMEOUT_MS,
    )
