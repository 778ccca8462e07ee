"""The outbox through the database: recorded with the change, delivered at least once.

Time moves by passing `now` to `claim_due` (a retry falls due at `next_attempt_at`), never by
sleeping. Targets that misbehave are small `Routes` fakes: `Routes` is the adapter interface
between the outbox and what it delivers to.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta

import pytest
from django.conf import settings
from django.db import connection, transaction

from comptoir.core import clock
from comptoir.core import outbox as outbox_module
from comptoir.core.domain import MAX_ATTEMPTS, RETRY_DELAYS
from comptoir.core.errors import Conflict, NotFound
from comptoir.core.models import Delivery, DeliveryAttempt, OutboxEvent
from comptoir.core.outbox import (
    Event,
    Outcome,
    Send,
    Sweep,
    claim_due,
    deliver_claimed,
    fan_out,
    record_event,
    replay,
    run_due_work,
)
from comptoir.customers.models import TimelineEntry
from comptoir.customers.services import register_shopper
from comptoir.wiring import ROUTES

CRM = "webhook:crm"
DOWN = Outcome(False, response_status=503, error="Service Unavailable")
OK = Outcome(True, response_status=200)


class ScriptedReceiver:
    """One target that answers with the given outcomes in turn, then keeps the last one.

    An outcome may also be an exception, raised as a handler bug would be.
    """

    def __init__(self, *outcomes: Outcome | Exception) -> None:
        self.outcomes = list(outcomes)
        self.received: list[Event] = []

    def targets_for(self, events: list[tuple[str, datetime]]) -> list[list[str]]:
        return [[CRM] for _ in events]

    def remote_sends(self, work: list[tuple[str, Event]]) -> dict[int, Send]:
        return {}  # delivered in the worker's thread, with `deliver`

    def deliver(self, target: str, event: Event) -> Outcome:
        self.received.append(event)
        outcome = self.outcomes.pop(0) if len(self.outcomes) > 1 else self.outcomes[0]
        if isinstance(outcome, Exception):
            raise outcome
        return outcome


def record_parcel_shipped(parcel: int = 7) -> OutboxEvent:
    with transaction.atomic():
        return record_event(
            "parcel.shipped", aggregate=f"parcel:{parcel}", payload={"parcel_id": parcel}
        )


def pending_delivery(routes: ScriptedReceiver) -> Delivery:
    event = record_parcel_shipped()
    fan_out(routes)
    return Delivery.objects.get(event=event)


def try_once(routes: ScriptedReceiver, delivery: Delivery, *, owner: str = "worker-a") -> Delivery:
    """The worker's next try, at the moment the delivery is due."""
    assert claim_due(owner=owner, now=delivery.next_attempt_at) == [delivery.pk]
    deliver_claimed(routes, delivery.pk, owner=owner)
    delivery.refresh_from_db()
    return delivery


def dead_delivery(routes: ScriptedReceiver) -> Delivery:
    delivery = pending_delivery(routes)
    Delivery.objects.filter(pk=delivery.pk).update(attempts=MAX_ATTEMPTS - 1)
    return try_once(routes, delivery)


def log_of(delivery: Delivery) -> list[tuple[str, bool, int | None, str]]:
    return [
        (attempt.worker, attempt.succeeded, attempt.response_status, attempt.error)
        for attempt in DeliveryAttempt.objects.filter(delivery=delivery).order_by("id")
    ]


class TillClosed(Exception):
    pass


def ship_parcel_then_fail() -> None:
    """A change that records its event, then fails before it commits."""
    with transaction.atomic():
        record_event("parcel.shipped", aggregate="parcel:7", payload={"parcel_id": 7})
        raise TillClosed


@pytest.mark.django_db(transaction=True)
def test_an_event_recorded_in_a_transaction_that_rolls_back_is_never_delivered():
    routes = ScriptedReceiver(OK)

    with pytest.raises(TillClosed):
        ship_parcel_then_fail()

    assert run_due_work(routes, worker="worker-a") == Sweep(0, 0, None)
    assert OutboxEvent.objects.count() == 0
    assert Delivery.objects.count() == 0
    assert routes.received == []


@pytest.mark.django_db(transaction=True)
def test_recording_an_event_outside_a_transaction_is_refused():
    with pytest.raises(RuntimeError, match="must run inside the transaction"):
        record_event("parcel.shipped", aggregate="parcel:7", payload={"parcel_id": 7})

    assert OutboxEvent.objects.count() == 0


@pytest.mark.django_db
def test_a_registration_reaches_the_timeline_once_even_when_delivered_twice():
    jean = register_shopper(
        email="jean@example.com", password="correct horse", first_name="Jean", last_name="Dupont"
    )
    event = OutboxEvent.objects.get(type="customer.registered")

    first = run_due_work(ROUTES, worker="worker-a")
    delivery = Delivery.objects.get(event=event)
    replay(delivery.pk)
    second = run_due_work(ROUTES, worker="worker-b")

    assert (first.fanned_out, first.attempted, second.fanned_out, second.attempted) == (1, 1, 0, 1)
    entries = list(TimelineEntry.objects.values_list("customer_id", "kind", "channel", "event_id"))
    assert entries == [(jean.pk, "customer.registered", "web", event.event_id)]
    delivery.refresh_from_db()
    assert delivery.target == ("handler:comptoir.customers.handlers.put_registration_on_timeline")
    assert delivery.status == Delivery.Status.DELIVERED
    assert log_of(delivery) == [("worker-a", True, None, ""), ("worker-b", True, None, "")]


@pytest.mark.django_db
def test_a_target_that_keeps_failing_is_retried_on_the_schedule_then_dead_lettered():
    routes = ScriptedReceiver(DOWN)
    delivery = pending_delivery(routes)

    for attempts_made in range(1, MAX_ATTEMPTS + 1):
        due_at = delivery.next_attempt_at
        assert claim_due(owner="worker-a", now=due_at - timedelta(microseconds=1)) == []
        before = clock.now()
        delivery = try_once(routes, delivery)
        after = clock.now()
        assert delivery.attempts == attempts_made
        if attempts_made < MAX_ATTEMPTS:
            wait = RETRY_DELAYS[attempts_made - 1]
            assert delivery.status == Delivery.Status.PENDING
            assert before + wait <= delivery.next_attempt_at <= after + wait

    assert delivery.status == Delivery.Status.DEAD
    assert (delivery.lease_owner, delivery.lease_until) == ("", None)
    assert delivery.last_error == "Service Unavailable"
    assert claim_due(owner="worker-a", now=clock.now() + timedelta(days=365)) == []
    assert [event.event_id for event in routes.received] == [delivery.event.event_id] * 8
    assert log_of(delivery) == [("worker-a", False, 503, "Service Unavailable")] * 8


@pytest.mark.django_db
def test_two_workers_cannot_claim_the_same_delivery():
    routes = ScriptedReceiver(OK)
    delivery = pending_delivery(routes)
    now = clock.now()

    claimed_by_a = claim_due(owner="worker-a", now=now)
    claimed_by_b = claim_due(owner="worker-b", now=now)

    assert (claimed_by_a, claimed_by_b) == ([delivery.pk], [])
    assert deliver_claimed(routes, delivery.pk, owner="worker-b") is None
    assert routes.received == []
    delivery.refresh_from_db()
    # a claim is not a try: attempts count the tries whose outcome was recorded
    assert (delivery.lease_owner, delivery.attempts) == ("worker-a", 0)


@pytest.mark.parametrize(
    "batch", [pytest.param(1, id="one_at_a_time_case"), pytest.param(7, id="batches_case")]
)
@pytest.mark.django_db(transaction=True)
def test_workers_claiming_at_the_same_moment_each_get_different_deliveries(batch):
    routes = ScriptedReceiver(OK)
    # Due in an hour: the wake-up this commit triggers (Huey runs tasks at once in tests)
    # finds nothing due, so every delivery is still there for the workers below.
    due_at = clock.now() + timedelta(hours=1)
    with transaction.atomic():
        for parcel in range(1, 41):
            record_parcel_shipped(parcel)
        fan_out(routes, now=due_at)
    # A third are retries: both lanes of the claim (retries, then fresh) are raced for.
    retries = list(Delivery.objects.order_by("id").values_list("pk", flat=True)[::3])
    Delivery.objects.filter(pk__in=retries).update(attempts=1)
    owners = [f"worker-{name}" for name in "abcd"]
    start_together = threading.Barrier(len(owners))

    def claim_until_none_left(owner: str) -> list[int]:
        """Many small claims, so that the workers race for the same next deliveries many times."""
        claimed: list[int] = []
        try:
            start_together.wait(timeout=10)
            while taken := claim_due(owner=owner, now=due_at, limit=batch):
                claimed += taken
            return claimed
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=len(owners)) as pool:
        claimed = dict(zip(owners, pool.map(claim_until_none_left, owners), strict=True))

    leases = dict(Delivery.objects.values_list("pk", "lease_owner"))
    assert sorted(pk for pks in claimed.values() for pk in pks) == sorted(leases)
    assert leases == {pk: owner for owner, pks in claimed.items() for pk in pks}
    assert len(leases) == 40


@pytest.mark.django_db
def test_retries_that_fell_due_are_claimed_before_a_backlog_of_fresh_deliveries():
    routes = ScriptedReceiver(OK)
    backlog_since = clock.now() - timedelta(minutes=10)
    with transaction.atomic():
        for parcel in range(1, 31):
            record_parcel_shipped(parcel)
    fan_out(routes, now=backlog_since)
    failed_earlier = Delivery.objects.order_by("id").values_list("pk", flat=True)
    retry, other_retry = failed_earlier[20], failed_earlier[25]
    # Retries due a moment ago: after the whole backlog, by the time they fell due.
    Delivery.objects.filter(pk=retry).update(
        attempts=1, next_attempt_at=clock.now() - timedelta(seconds=2)
    )
    Delivery.objects.filter(pk=other_retry).update(
        attempts=2, next_attempt_at=clock.now() - timedelta(seconds=1)
    )

    first_batch = claim_due(owner="worker-a", now=clock.now(), limit=5)

    oldest_fresh = list(failed_earlier[:3])
    assert first_batch == [retry, other_retry, *oldest_fresh]


@pytest.mark.django_db
def test_a_lease_that_ran_out_lets_another_worker_take_the_delivery_over():
    routes = ScriptedReceiver(OK)
    delivery = pending_delivery(routes)
    claim_due(owner="worker-a", now=delivery.next_attempt_at)
    delivery.refresh_from_db()
    lease_until = delivery.lease_until

    assert lease_until == delivery.next_attempt_at + timedelta(
        seconds=settings.OUTBOX_LEASE_SECONDS
    )
    assert claim_due(owner="worker-b", now=lease_until) == []
    assert claim_due(owner="worker-b", now=lease_until + timedelta(microseconds=1)) == [delivery.pk]
    assert deliver_claimed(routes, delivery.pk, owner="worker-a") is None
    assert deliver_claimed(routes, delivery.pk, owner="worker-b") == OK
    delivery.refresh_from_db()
    # worker-a's lost lease used up no retry: one recorded try, worker-b's
    assert (delivery.status, delivery.attempts) == (Delivery.Status.DELIVERED, 1)
    assert log_of(delivery) == [("worker-b", True, 200, "")]


class TakenOverMidDelivery(ScriptedReceiver):
    """The receiver is so slow to answer worker-a that its lease runs out and worker-b claims."""

    def __init__(self, late_answer: Outcome) -> None:
        super().__init__(late_answer, OK)
        self.taken_over: list[int] = []

    def deliver(self, target: str, event: Event) -> Outcome:
        if not self.received:
            delivery = Delivery.objects.get(event__event_id=event.event_id)
            self.taken_over = claim_due(
                owner="worker-b", now=delivery.lease_until + timedelta(seconds=1)
            )
        return super().deliver(target, event)


@pytest.mark.parametrize(
    "late_answer",
    [pytest.param(OK, id="late_success_case"), pytest.param(DOWN, id="late_failure_case")],
)
@pytest.mark.django_db
def test_the_late_answer_of_a_worker_whose_lease_was_taken_over_does_not_settle_the_delivery(
    late_answer,
):
    routes = TakenOverMidDelivery(late_answer)
    delivery = pending_delivery(routes)
    claim_due(owner="worker-a", now=delivery.next_attempt_at)

    assert deliver_claimed(routes, delivery.pk, owner="worker-a") == late_answer

    assert routes.taken_over == [delivery.pk]
    after_late_answer = Delivery.objects.get(pk=delivery.pk)
    assert after_late_answer.status == Delivery.Status.PENDING
    assert after_late_answer.lease_owner == "worker-b"
    assert after_late_answer.next_attempt_at == delivery.next_attempt_at
    assert (after_late_answer.delivered_at, after_late_answer.last_error) == (None, "")

    assert deliver_claimed(routes, delivery.pk, owner="worker-b") == OK
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.DELIVERED
    assert [(worker, succeeded) for worker, succeeded, _, _ in log_of(delivery)] == [
        ("worker-a", late_answer.succeeded),
        ("worker-b", True),
    ]


@pytest.mark.django_db
def test_replaying_a_dead_letter_makes_it_pending_again_with_a_fresh_set_of_tries():
    routes = ScriptedReceiver(DOWN)
    delivery = dead_delivery(routes)
    now = clock.now()

    replayed = replay(delivery.pk, now=now)

    assert replayed.status == Delivery.Status.PENDING
    assert (replayed.attempts, replayed.next_attempt_at) == (0, now)
    assert (replayed.lease_owner, replayed.lease_until) == ("", None)
    assert claim_due(owner="worker-a", now=now) == [delivery.pk]


@pytest.mark.django_db
def test_replaying_a_delivered_delivery_sends_the_same_event_again():
    routes = ScriptedReceiver(OK)
    delivery = try_once(routes, pending_delivery(routes))
    assert delivery.status == Delivery.Status.DELIVERED
    now = clock.now()

    replayed = replay(delivery.pk, now=now)

    assert (replayed.status, replayed.delivered_at, replayed.attempts) == ("pending", None, 0)
    assert try_once(routes, replayed).status == Delivery.Status.DELIVERED
    assert [event.event_id for event in routes.received] == [delivery.event.event_id] * 2


@pytest.mark.django_db
def test_replaying_a_pending_delivery_is_a_conflict_and_changes_nothing():
    routes = ScriptedReceiver(DOWN)
    delivery = try_once(routes, pending_delivery(routes))

    with pytest.raises(Conflict, match="still pending"):
        replay(delivery.pk)

    unchanged = Delivery.objects.get(pk=delivery.pk)
    assert (unchanged.status, unchanged.attempts) == (Delivery.Status.PENDING, 1)
    assert unchanged.next_attempt_at == delivery.next_attempt_at


@pytest.mark.django_db
def test_replaying_an_unknown_delivery_is_not_found():
    with pytest.raises(NotFound):
        replay(404)


@pytest.mark.django_db
def test_the_delivery_log_records_each_try_and_what_the_target_said():
    routes = ScriptedReceiver(DOWN, RuntimeError("CRM client bug"), OK)
    delivery = pending_delivery(routes)

    delivery = try_once(routes, delivery, owner="worker-a")
    delivery = try_once(routes, delivery, owner="worker-b")
    delivery = try_once(routes, delivery, owner="worker-c")

    assert log_of(delivery) == [
        ("worker-a", False, 503, "Service Unavailable"),
        ("worker-b", False, None, "RuntimeError: CRM client bug"),
        ("worker-c", True, 200, ""),
    ]
    started = list(delivery.log.order_by("id").values_list("started_at", flat=True))
    assert started == sorted(started)
    assert (delivery.status, delivery.attempts) == (Delivery.Status.DELIVERED, 3)


@pytest.mark.django_db(transaction=True)
def test_a_transaction_with_many_events_wakes_the_worker_once(monkeypatch):
    wakes: list[str] = []
    monkeypatch.setattr(outbox_module, "_after_commit_hooks", [lambda: wakes.append("wake")])

    with transaction.atomic():
        for parcel in range(3):
            record_parcel_shipped(parcel)
    assert wakes == ["wake"]

    # An event kept after a savepoint that rolled back (with its registration) still wakes it.
    wakes.clear()
    with transaction.atomic():
        try:
            with transaction.atomic():
                record_parcel_shipped(10)
                raise TillClosed
        except TillClosed:
            pass
        record_parcel_shipped(11)
    assert wakes == ["wake"]
    assert sorted(OutboxEvent.objects.values_list("payload__parcel_id", flat=True)) == [
        0,
        1,
        2,
        11,
    ]


class _FakeTimers:
    """Timers that fire only when the test says, at the time the fake clock shows."""

    def __init__(self) -> None:
        self.now = 100.0
        self.booked: list[tuple[float, Callable[[], None]]] = []

    def monotonic(self) -> float:
        return self.now

    def start(self, delay: float, function: Callable[[], None]) -> None:
        self.booked.append((self.now + delay, function))

    def advance_to(self, moment: float) -> None:
        self.now = moment
        due = [b for b in self.booked if b[0] <= moment]
        self.booked = [b for b in self.booked if b[0] > moment]
        for _, function in due:
            function()


def _coalesced(gap: float) -> tuple[outbox_module.CoalescedWake, list[float], _FakeTimers]:
    timers, wakes = _FakeTimers(), []
    waker = outbox_module.CoalescedWake(
        lambda: wakes.append(timers.now),
        gap=gap,
        monotonic=timers.monotonic,
        start_timer=timers.start,
    )
    return waker, wakes, timers


def test_a_burst_of_commits_wakes_the_worker_at_once_and_once_more_after_the_gap():
    waker, wakes, timers = _coalesced(gap=0.02)
    waker()  # the first commit of a quiet spell: at once, on a timer thread
    assert [at for at, _ in timers.booked] == [100.0]
    timers.advance_to(100.0)
    for moment in (100.005, 100.010, 100.015):  # the burst: one trailing wake is booked
        timers.now = moment
        waker()
    assert wakes == [100.0]
    assert [at for at, _ in timers.booked] == [pytest.approx(100.02)]

    timers.advance_to(100.02)  # after every commit of the burst
    assert wakes == [100.0, 100.02]
    assert timers.booked == []


def test_a_commit_after_the_trailing_wake_books_another_so_none_is_left_unswept():
    waker, wakes, timers = _coalesced(gap=0.02)
    waker()
    timers.advance_to(100.0)
    timers.now = 100.01
    waker()
    timers.advance_to(100.02)
    timers.now = 100.03  # within a gap of the trailing wake: booked, not lost
    waker()
    assert wakes == [100.0, 100.02]
    timers.advance_to(100.04)
    assert wakes == [100.0, 100.02, 100.04]

    timers.now = 100.5  # a quiet spell again: at once
    waker()
    timers.advance_to(100.5)
    assert wakes[-1] == 100.5
    assert timers.booked == []


def test_with_no_gap_every_commit_wakes_the_worker_at_once():
    waker, wakes, timers = _coalesced(gap=0)
    for _ in range(3):
        waker()
    assert wakes == [100.0, 100.0, 100.0]
    assert timers.booked == []


def test_a_queue_that_hangs_does_not_hold_the_commit_that_wakes_it():
    released, order = threading.Event(), []

    def hung_queue() -> None:
        released.wait(timeout=2)  # Redis stopped: the wake hangs until its socket times out
        order.append("wake gave up")

    waker = outbox_module.CoalescedWake(hung_queue, gap=0.01)
    waker()
    order.append("commit answered")
    released.set()

    assert order[0] == "commit answered"


def test_the_trailing_wake_really_comes_on_a_timer_thread():
    woken = threading.Semaphore(0)
    waker = outbox_module.CoalescedWake(woken.release, gap=0.01)
    waker()
    waker()  # within the gap: left to the timer
    assert woken.acquire(timeout=5)
    assert woken.acquire(timeout=5)


def test_a_sweep_claims_what_it_delivers_in_half_a_second_within_its_bounds(settings):
    settings.OUTBOX_MAX_IN_FLIGHT_PER_TARGET, settings.OUTBOX_CLAIM_BATCH = 16, 200
    batch = outbox_module.BatchSize(seconds=0.5)
    assert batch.now == 32

    batch.measured(delivered=32, took=0.1)  # 320/s: 160 in half a second
    assert batch.now == 160
    batch.measured(delivered=160, took=0.2)  # 800/s, but never more than OUTBOX_CLAIM_BATCH
    assert batch.now == 200
    batch.measured(delivered=120, took=10)  # fewer than claimed were due: the pace is unknown
    assert batch.now == 200
    batch.measured(delivered=200, took=4)  # slow receivers: 25 in half a second
    assert batch.now == 25
    batch.measured(delivered=25, took=5)  # never fewer than one per in-flight slot
    assert batch.now == 16
