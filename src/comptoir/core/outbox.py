"""Events that are never lost: recorded with the change, delivered at least once.

`record_event` writes an outbox row inside the caller's transaction, so an event exists if and
only if its change committed. A worker then fans each event out into one `Delivery` per target
(an in-process handler or a webhook subscription) and delivers them. A delivery is *claimed* by
one conditional UPDATE that sets a lease; several workers on several machines can run side by
side without delivering the same thing twice at once, and a worker killed mid-delivery only
delays it until its lease runs out. Failures retry on the schedule in `domain.RETRY_DELAYS`,
then the delivery is dead-lettered until an operator replays it.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Min, Q

from . import clock
from .domain import next_retry_delay
from .errors import Conflict, NotFound
from .models import Delivery, DeliveryAttempt, OutboxEvent
from .request_id import current_request_id

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Event:
    """What handlers and webhook receivers are given."""

    event_id: uuid.UUID
    type: str
    aggregate: str
    payload: dict[str, Any]
    occurred_at: datetime

    @classmethod
    def from_row(cls, row: OutboxEvent) -> Event:
        return cls(row.event_id, row.type, row.aggregate, row.payload, row.occurred_at)


@dataclass(frozen=True)
class Outcome:
    succeeded: bool
    response_status: int | None = None
    error: str = ""


class Routes(Protocol):
    """Where events go; implemented by the composition root (comptoir.wiring)."""

    def targets_for(self, event_type: str) -> list[str]: ...

    def deliver(self, target: str, event: Event) -> Outcome: ...


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
    comes after each of them: no event waits longer than `gap` for its sweep. With a gap of 0
    every request wakes at once (the tests' immediate queue needs that).
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
        self._start_timer = start_timer or _daemon_timer
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
            self._wake()

    def _trailing(self) -> None:
        with self._lock:
            self._trailing_booked = False
            self._last = self._monotonic()
        self._wake()


def _daemon_timer(delay: float, function: Callable[[], None]) -> threading.Timer:
    timer = threading.Timer(delay, function)
    timer.daemon = True
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
    """Turn committed events into deliveries, one per target. Safe to run from many workers."""
    now = now or clock.now()
    with transaction.atomic():
        events = list(
            OutboxEvent.objects.select_for_update(skip_locked=True)
            .filter(fanned_out_at__isnull=True)
            .order_by("id")[:limit]
        )
        deliveries = [
            Delivery(event=event, target=target, next_attempt_at=now)
            for event in events
            for target in routes.targets_for(event.type)
        ]
        Delivery.objects.bulk_create(deliveries, ignore_conflicts=True)
        OutboxEvent.objects.filter(pk__in=[e.pk for e in events]).update(fanned_out_at=now)
    return len(events)


def _lease_is_free(now: datetime) -> Q:
    return Q(lease_until__isnull=True) | Q(lease_until__lt=now)


def claim_due(*, owner: str, now: datetime, limit: int = 100) -> list[int]:
    """Lease up to `limit` due deliveries to `owner` with one conditional UPDATE.

    A delivery another worker claimed a moment earlier simply does not match the UPDATE, so
    two workers never hold the same delivery at once, on PostgreSQL or on SQLite.
    """
    lease_until = now + timedelta(seconds=settings.OUTBOX_LEASE_SECONDS)
    candidates = list(
        Delivery.objects.filter(status=Delivery.Status.PENDING, next_attempt_at__lte=now)
        .filter(_lease_is_free(now))
        .order_by("next_attempt_at", "id")
        .values_list("pk", flat=True)[:limit]
    )
    # The UPDATE re-checks the lease on every row (PostgreSQL re-evaluates the WHERE on a row
    # another transaction just changed), so a row claimed meanwhile by someone else is skipped.
    Delivery.objects.filter(pk__in=candidates, status=Delivery.Status.PENDING).filter(
        _lease_is_free(now)
    ).update(lease_owner=owner, lease_until=lease_until)
    return list(
        Delivery.objects.filter(pk__in=candidates, lease_owner=owner)
        .order_by("next_attempt_at", "id")
        .values_list("pk", flat=True)
    )


def _still_held(delivery_id: int, *, owner: str) -> bool:
    """Renew the lease if `owner` still holds it; False when it ran out and was taken over."""
    now = clock.now()
    return bool(
        Delivery.objects.filter(
            pk=delivery_id, status=Delivery.Status.PENDING, lease_owner=owner, lease_until__gt=now
        ).update(lease_until=now + timedelta(seconds=settings.OUTBOX_LEASE_SECONDS))
    )


def deliver_claimed(routes: Routes, delivery_id: int, *, owner: str) -> Outcome | None:
    """Deliver one delivery `owner` has claimed and record the try. None if the lease was lost."""
    if not _still_held(delivery_id, owner=owner):
        return None
    delivery = Delivery.objects.select_related("event").get(pk=delivery_id)
    started_at = clock.now()
    started = time.monotonic()
    try:
        outcome = routes.deliver(delivery.target, Event.from_row(delivery.event))
    except Exception as error:  # a handler bug must not stop the worker; it is retried
        logger.exception("delivery %s to %s raised", delivery_id, delivery.target)
        outcome = Outcome(False, error=f"{type(error).__name__}: {error}")
    _record_outcome(
        delivery,
        outcome,
        owner=owner,
        started_at=started_at,
        duration_ms=int((time.monotonic() - started) * 1000),
    )
    return outcome


def _record_outcome(
    delivery: Delivery, outcome: Outcome, *, owner: str, started_at: datetime, duration_ms: int
) -> None:
    now = clock.now()
    with transaction.atomic():
        DeliveryAttempt.objects.create(
            delivery=delivery,
            worker=owner,
            started_at=started_at,
            duration_ms=duration_ms,
            succeeded=outcome.succeeded,
            response_status=outcome.response_status,
            error=outcome.error[:2000],
        )
        # A try counts when it is recorded, not when it is claimed: a claim whose lease ran out
        # before its task ran (a backlog) must not use up a retry.
        still_ours = Delivery.objects.filter(pk=delivery.pk, lease_owner=owner)
        released = {"lease_owner": "", "lease_until": None, "attempts": F("attempts") + 1}
        if outcome.succeeded:
            still_ours.update(status=Delivery.Status.DELIVERED, delivered_at=now, **released)
            return
        attempts = Delivery.objects.values_list("attempts", flat=True).get(pk=delivery.pk) + 1
        delay = next_retry_delay(attempts)
        if delay is None:
            still_ours.update(status=Delivery.Status.DEAD, last_error=outcome.error, **released)
        else:
            still_ours.update(next_attempt_at=now + delay, last_error=outcome.error, **released)


@dataclass(frozen=True)
class Sweep:
    fanned_out: int
    attempted: int
    next_wake: datetime | None


def run_due_work(routes: Routes, *, worker: str, limit: int = 100) -> Sweep:
    """One pass in this process: fan out new events, deliver what is due, say when to look again."""
    fanned_out = fan_out(routes)
    claimed = claim_due(owner=worker, now=clock.now(), limit=limit)
    for delivery_id in claimed:
        deliver_claimed(routes, delivery_id, owner=worker)
    return Sweep(fanned_out, len(claimed), next_wake_time(now=clock.now()))


def next_wake_time(*, now: datetime) -> datetime | None:
    """The earliest moment pending work becomes due: a retry time or a lease running out."""
    pending = Delivery.objects.filter(status=Delivery.Status.PENDING)
    retry = pending.filter(next_attempt_at__gt=now).aggregate(at=Min("next_attempt_at"))["at"]
    lease = pending.filter(lease_until__gt=now).aggregate(at=Min("lease_until"))["at"]
    waits = [at for at in (retry, lease) if at is not None]
    if pending.filter(next_attempt_at__lte=now).filter(_lease_is_free(now)).exists():
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
