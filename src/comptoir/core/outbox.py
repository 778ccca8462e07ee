"""Events that are never lost: recorded with the change, delivered at least once.

`record_event` writes an outbox row inside the caller's transaction, so an event exists if and
only if its change committed. A worker then fans each event out into one `Delivery` per target
(an in-process handler or a webhook subscription) and delivers them. Deliveries are *claimed* in
batches by one conditional UPDATE that sets a lease (`claims`), then delivered by the worker that
claimed them, webhooks concurrently (`dispatch`); several workers on several machines can run
side by side without delivering the same thing twice at once, and a worker killed mid-delivery
only delays it until its lease runs out. Failures retry on the schedule in
`domain.RETRY_DELAYS`, then the delivery is dead-lettered until an operator replays it.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Min

from . import clock
from .claims import claim_due, lease_is_free
from .dispatch import deliver_batch, deliver_claimed
from .errors import Conflict, NotFound
from .models import Delivery, OutboxEvent
from .request_id import current_request_id
from .routes import Event, Outcome, Routes, Send

logger = logging.getLogger(__name__)

__all__ = [
    "Event",
    "Outcome",
    "Routes",
    "BatchSize",
    "Send",
    "Sweep",
    "claim_due",
    "deliver_batch",
    "deliver_claimed",
    "fan_out",
    "next_wake_time",
    "record_event",
    "record_events",
    "replay",
    "run_due_work",
]


_after_commit_hooks: list[Callable[[], None]] = []


def on_event_committed(hook: Callable[[], None]) -> None:
    """Register a hook run after a transaction that recorded events commits (wakes the worker)."""
    if hook not in _after_commit_hooks:
        _after_commit_hooks.append(hook)


def _run_wake_hooks() -> None:
    for hook in _after_commit_hooks:
        try:
            hook()
        except Exception:  # the periodic sweep delivers it anyway; never fail the request
            logger.exception("could not wake the outbox worker")


class CoalescedWake:
    """Wake at most once per `gap` seconds, and always once after every request to wake.

    A busy process commits events hundreds of times a second; one sweep drains them all, so
    a round trip to the queue per commit is wasted work. The first request in a quiet spell
    wakes at once; later ones within `gap` book one trailing wake at the end of the gap, which
    comes after each of them: no event waits longer than `gap` for its sweep. Wakes run on a
    timer thread, never on the committing one. With a gap of 0 every request wakes at once, on
    the committing thread (the tests' immediate queue needs that).
    """

    def __init__(
        self,
        wake: Callable[[], None],
        *,
        gap: float,
        monotonic: Callable[[], float] = time.monotonic,
        start_timer: Callable[[float, Callable[[], None]], Any] | None = None,
    ) -> None:
        self._wake, self._gap, self._monotonic = wake, gap, monotonic
        self._start_timer = start_timer or _timer
        self._lock = threading.Lock()
        self._last = float("-inf")
        self._trailing_booked = False

    def __call__(self) -> None:
        with self._lock:
            now = self._monotonic()
            if now - self._last >= self._gap:
                self._last = now
                wake_now = True
            else:
                wake_now = False
                if not self._trailing_booked:  # a booked one fires later: it covers this one
                    self._trailing_booked = True
                    self._start_timer(self._last + self._gap - now, self._trailing)
        if wake_now:
            if self._gap > 0:
                # On a thread of its own: a queue that hangs (Redis stopped, or slow) must not
                # hold the request that committed; the periodic sweep covers a wake that fails.
                self._start_timer(0, self._wake)
            else:
                self._wake()

    def _trailing(self) -> None:
        with self._lock:
            self._trailing_booked = False
            self._last = self._monotonic()
        self._wake()


def _timer(delay: float, function: Callable[[], None]) -> threading.Timer:
    # Not a daemon: a short-lived process (a command, a shell) that commits and exits at once
    # still wakes the worker before it ends, instead of leaving its events to the periodic sweep.
    timer = threading.Timer(delay, function)
    timer.start()
    return timer


_wake_workers = CoalescedWake(_run_wake_hooks, gap=settings.OUTBOX_WAKE_GAP_SECONDS)


def _wake_once() -> None:
    """The first of a commit's wake-ups wakes the worker; the others have nothing to add."""
    if getattr(connection, "comptoir_wake_pending", False):
        connection.comptoir_wake_pending = False
        _wake_workers()


def wake_workers_after_commit() -> None:
    """Wake the worker once the current transaction commits: once, however many events it
    recorded (each wake is a round trip to the queue)."""
    connection.comptoir_wake_pending = True
    transaction.on_commit(_wake_once)


def record_event(
    event_type: str, *, aggregate: str, payload: dict[str, Any], now: datetime | None = None
) -> OutboxEvent:
    """Record an event in the current transaction. Raises if called outside one."""
    if not connection.in_atomic_block:
        raise RuntimeError("record_event must run inside the transaction of the change it records")
    row = OutboxEvent.objects.create(
        type=event_type,
        aggregate=aggregate,
        payload=payload,
        occurred_at=now or clock.now(),
        request_id=current_request_id.get().strip("-"),
    )
    wake_workers_after_commit()
    return row


def record_events(
    events: list[tuple[str, str, dict[str, Any]]], *, now: datetime | None = None
) -> None:
    """Record several (type, aggregate, payload) events in one INSERT, in the current
    transaction: for a batch of changes (a carrier's batch of tracking scans)."""
    if not events:
        return
    if not connection.in_atomic_block:
        raise RuntimeError("record_events must run inside the transaction of the change")
    at = now or clock.now()
    request_id = current_request_id.get().strip("-")
    OutboxEvent.objects.bulk_create(
        OutboxEvent(
            type=event_type,
            aggregate=aggregate,
            payload=payload,
            occurred_at=at,
            request_id=request_id,
        )
        for event_type, aggregate, payload in events
    )
    wake_workers_after_commit()


def fan_out(routes: Routes, *, now: datetime | None = None, limit: int = 500) -> int:
    """Turn committed events into deliveries, one per target. Safe to run from many workers.
    It reads each event's id, type and time only: routing needs no payload."""
    now = now or clock.now()
    with transaction.atomic():
        events = list(
            OutboxEvent.objects.select_for_update(skip_locked=True)
            .filter(fanned_out_at__isnull=True)
            .order_by("id")
            .values_list("id", "type", "occurred_at")[:limit]
        )
        targets = routes.targets_for([(event_type, at) for _, event_type, at in events])
        pairs = [
            (event_id, target)
            for (event_id, _, _), its_targets in zip(events, targets, strict=True)
            for target in its_targets
        ]
        _create_deliveries(pairs, due_at=now)
        OutboxEvent.objects.filter(pk__in=[event_id for event_id, _, _ in events]).update(
            fanned_out_at=now
        )
    return len(events)


# Written out on PostgreSQL (ADR 0017's reason): the ORM's bulk INSERT spent more time in
# Python, building 500 model instances and their parameters, than the database spent on it.
_INSERT_DELIVERIES = """
INSERT INTO core_delivery
    (event_id, target, status, attempts, next_attempt_at, lease_owner, last_error)
SELECT event_id, target, 'pending', 0, %s, '', ''
FROM unnest(%s::bigint[], %s::text[]) AS fanned(event_id, target)
ON CONFLICT (event_id, target) DO NOTHING
"""


def _create_deliveries(pairs: list[tuple[int, str]], *, due_at: datetime) -> None:
    """One pending delivery per (event id, target), due at `due_at`; one that exists stays."""
    if not pairs:
        return
    if connection.vendor == "postgresql":
        event_ids, targets = zip(*pairs, strict=True)
        with connection.cursor() as cursor:
            cursor.execute(_INSERT_DELIVERIES, [due_at, list(event_ids), list(targets)])
        return
    Delivery.objects.bulk_create(
        [Delivery(event_id=e, target=t, next_attempt_at=due_at) for e, t in pairs],
        ignore_conflicts=True,
    )


@dataclass(frozen=True)
class Sweep:
    fanned_out: int
    attempted: int
    next_wake: datetime | None


def run_due_work(routes: Routes, *, worker: str, limit: int = 100) -> Sweep:
    """One pass in this process: fan out new events, deliver what is due, say when to look again."""
    fanned_out = fan_out(routes)
    claimed = claim_due(owner=worker, now=clock.now(), limit=limit)
    if claimed:
        deliver_batch(routes, claimed, owner=worker)
    return Sweep(fanned_out, len(claimed), next_wake_time(now=clock.now()))


class BatchSize:
    """How many deliveries a sweep claims next: what it delivered in about `seconds` so far.

    A retry that falls due while a batch is out waits for the next claim, so a batch must end
    soon whatever the receivers' speed; a lease must not run out on a batch either. Between
    one per in-flight slot and `OUTBOX_CLAIM_BATCH`.
    """

    def __init__(self, *, seconds: float = 0.5) -> None:
        self.seconds = seconds
        self.smallest = settings.OUTBOX_MAX_IN_FLIGHT_PER_TARGET
        self.largest = max(self.smallest, settings.OUTBOX_CLAIM_BATCH)
        self.now = self.smallest * 2

    def measured(self, *, delivered: int, took: float) -> None:
        if delivered < self.now or took <= 0:  # a short batch says nothing of the pace
            return
        paced = int(delivered / took * self.seconds)
        self.now = min(self.largest, max(self.smallest, paced))


def next_wake_time(*, now: datetime) -> datetime | None:
    """The earliest moment pending work becomes due: a retry time or a lease running out."""
    pending = Delivery.objects.filter(status=Delivery.Status.PENDING)
    retry = pending.filter(next_attempt_at__gt=now).aggregate(at=Min("next_attempt_at"))["at"]
    lease = pending.filter(lease_until__gt=now).aggregate(at=Min("lease_until"))["at"]
    waits = [at for at in (retry, lease) if at is not None]
    if pending.filter(next_attempt_at__lte=now).filter(lease_is_free(now)).exists():
        waits.append(now)
    if OutboxEvent.objects.filter(fanned_out_at__isnull=True).exists():
        waits.append(now)
    return min(waits) if waits else None


def replay(delivery_id: int, *, now: datetime | None = None) -> Delivery:
    """Send a delivered or dead-lettered delivery again, with the same event id."""
    now = now or clock.now()
    with transaction.atomic():
        updated = Delivery.objects.filter(
            pk=delivery_id, status__in=[Delivery.Status.DELIVERED, Delivery.Status.DEAD]
        ).update(
            status=Delivery.Status.PENDING,
            attempts=0,
            next_attempt_at=now,
            delivered_at=None,
            lease_owner="",
            lease_until=None,
        )
        if not updated:
            if not Delivery.objects.filter(pk=delivery_id).exists():
                raise NotFound("No such delivery.")
            raise Conflict("This delivery is still pending; it will be tried again on its own.")
        wake_workers_after_commit()
    return Delivery.objects.get(pk=delivery_id)
