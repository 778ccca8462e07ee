"""Delivering a claimed batch: in-process handlers here, webhooks side by side on other threads.

The database is only touched from the calling thread: the batch is read and each webhook
prepared (subscription, secrets, signature) before the sends start, the leases are renewed
while they run, and the outcomes are written once they are all in. The send threads only speak
HTTP. Each target has at most `OUTBOX_MAX_IN_FLIGHT_PER_TARGET` sends in flight in this
process, and its circuit breaker (`breaker`) decides first whether it is tried at all.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import defaultdict, deque
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from functools import partial

from django.conf import settings

from . import breaker, clock
from .claims import PENDING, Try, lease_length, postpone, record_tries, renew_leases
from .models import Delivery
from .routes import Event, Outcome, Routes, Send

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class _Claimed:
    delivery_id: int
    target: str
    attempts_before: int
    event: Event


def deliver_batch(routes: Routes, delivery_ids: list[int], *, owner: str) -> dict[int, Outcome]:
    """Deliver the deliveries `owner` has claimed and record each try; returns the outcome of
    each one tried (not those whose lease was lost, nor those a breaker held back)."""
    batch = _still_held(delivery_ids, owner=owner)
    sends = routes.remote_sends([(claimed.target, claimed.event) for claimed in batch])
    remote = {batch[index].delivery_id: send for index, send in sends.items()}
    local = [claimed for claimed in batch if claimed.delivery_id not in remote]
    screening = _hold_back_what_the_breakers_stop(batch, remote, owner=owner)
    tries = _Tries(owner=owner, delivery_ids=[claimed.delivery_id for claimed in batch])
    tries.start_remote([c for c in batch if c.delivery_id in remote], remote)
    for claimed in local:
        tries.renew_if_due()
        tries.attempt(claimed, lambda c=claimed: routes.deliver(c.target, c.event))
    tries.wait_for_sends()
    now = clock.now()
    record_tries(tries.done, owner=owner, now=now)
    breaker.record_results(tries.remote_results(), screening=screening, now=now)
    return {one.delivery_id: one.outcome for one in tries.done}


def _still_held(delivery_ids: list[int], *, owner: str) -> list[_Claimed]:
    """The claimed deliveries `owner` still holds, leases renewed, in claim order."""
    now = clock.now()
    renew_leases(delivery_ids, owner=owner, now=now)
    rows = Delivery.objects.filter(
        pk__in=delivery_ids, status=PENDING, lease_owner=owner, lease_until__gt=now
    ).select_related("event")
    by_id = {row.pk: row for row in rows}
    return [
        _Claimed(pk, by_id[pk].target, by_id[pk].attempts, Event.from_row(by_id[pk].event))
        for pk in delivery_ids
        if pk in by_id
    ]


def _hold_back_what_the_breakers_stop(
    batch: list[_Claimed], remote: dict[int, Send], *, owner: str
) -> breaker.Screening:
    """Drop from `remote` the deliveries whose target is open (or half-open with its probe
    already out), giving them back due when the target may be tried again."""
    targets = {claimed.target for claimed in batch if claimed.delivery_id in remote}
    screening = breaker.screen(targets, now=clock.now())
    held_back: dict[datetime, list[int]] = defaultdict(list)
    probed: set[str] = set()
    for claimed in batch:
        if claimed.delivery_id not in remote:
            continue
        if claimed.target in screening.probes and claimed.target not in probed:
            probed.add(claimed.target)  # this one is the probe
        elif claimed.target in screening.waits or claimed.target in screening.probes:
            until = screening.waits.get(claimed.target) or clock.now() + breaker.PROBE_WAIT
            held_back[until].append(claimed.delivery_id)
            del remote[claimed.delivery_id]
    for until, ids in held_back.items():
        postpone(ids, owner=owner, until=until)
    return screening


_pool_lock = threading.Lock()
_pool: ThreadPoolExecutor | None = None


def _send_pool() -> ThreadPoolExecutor:
    global _pool
    with _pool_lock:
        if _pool is None:
            _pool = ThreadPoolExecutor(
                max_workers=settings.OUTBOX_SEND_THREADS, thread_name_prefix="outbox-send"
            )
        return _pool


class _Lane:
    """One target's sends in this process: at most `limit` running, the others waiting here
    (not in the pool, where they would hold threads the other targets need)."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.running = 0
        self.waiting: deque[Callable[[], None]] = deque()
        self.lock = threading.Lock()

    def send(self, job: Callable[[], None]) -> None:
        with self.lock:
            start = self.running < self.limit
            if start:
                self.running += 1
            else:
                self.waiting.append(job)
        if start:
            _send_pool().submit(self._run_from, job)

    def _run_from(self, job: Callable[[], None] | None) -> None:
        """Run `job`, then the waiting ones, until none is left; then free the slot."""
        while job is not None:
            job()
            with self.lock:
                if self.waiting:
                    job = self.waiting.popleft()
                else:
                    self.running -= 1
                    job = None


_lanes_lock = threading.Lock()
_lanes: dict[tuple[str, int], _Lane] = {}


def _lane_of(target: str) -> _Lane:
    key = (target, settings.OUTBOX_MAX_IN_FLIGHT_PER_TARGET)
    with _lanes_lock:
        if key not in _lanes:
            _lanes[key] = _Lane(key[1])
        return _lanes[key]


class _Tries:
    """The tries of one batch as they finish, and the leases kept alive meanwhile."""

    def __init__(self, *, owner: str, delivery_ids: list[int]) -> None:
        self.owner = owner
        self.done: list[Try] = []
        self._lock = threading.Lock()
        self._unrecorded = delivery_ids  # all of them: outcomes are written when all are in
        self._renewed_at = time.monotonic()
        self._targets: dict[int, str] = {}
        self._sends_left = 0
        self._all_sent = threading.Event()

    def attempt(self, claimed: _Claimed, call: Send) -> None:
        started_at, started = clock.now(), time.monotonic()
        try:
            outcome = call()
        except Exception as error:  # a handler bug must not stop the worker; it is retried
            logger.exception("delivery %s to %s raised", claimed.delivery_id, claimed.target)
            outcome = Outcome(False, error=f"{type(error).__name__}: {error}")
        duration_ms = int((time.monotonic() - started) * 1000)
        with self._lock:
            self.done.append(
                Try(claimed.delivery_id, claimed.attempts_before, outcome, started_at, duration_ms)
            )

    def start_remote(self, batch: list[_Claimed], remote: dict[int, Send]) -> None:
        """Hand each send to its target's lane, in batch order."""
        sending = [claimed for claimed in batch if claimed.delivery_id in remote]
        with self._lock:
            self._sends_left += len(sending)
            if not self._sends_left:
                self._all_sent.set()
        for claimed in sending:
            self._targets[claimed.delivery_id] = claimed.target
            send = partial(self._attempt_then_count, claimed, remote[claimed.delivery_id])
            _lane_of(claimed.target).send(send)

    def _attempt_then_count(self, claimed: _Claimed, send: Send) -> None:
        try:
            self.attempt(claimed, send)
        finally:
            with self._lock:
                self._sends_left -= 1
                if not self._sends_left:
                    self._all_sent.set()

    def renew_if_due(self) -> None:
        """Keep the leases of the batch from running out before its outcomes are written."""
        if time.monotonic() - self._renewed_at < lease_length().total_seconds() / 3:
            return
        renew_leases(self._unrecorded, owner=self.owner, now=clock.now())
        self._renewed_at = time.monotonic()

    def wait_for_sends(self) -> None:
        """Until every send is back (one countdown, not a wait on each of the batch's sends),
        renewing the leases meanwhile."""
        every = lease_length().total_seconds() / 3
        while not self._all_sent.wait(timeout=every):
            self.renew_if_due()

    def remote_results(self) -> dict[str, list[bool]]:
        results: dict[str, list[bool]] = defaultdict(list)
        for one in self.done:
            if one.delivery_id in self._targets and not one.outcome.permanent:
                results[self._targets[one.delivery_id]].append(one.outcome.succeeded)
        return dict(results)


def deliver_claimed(routes: Routes, delivery_id: int, *, owner: str) -> Outcome | None:
    """Deliver one delivery `owner` has claimed and record the try. None if the lease was lost
    (or its target's breaker held it back)."""
    return deliver_batch(routes, [delivery_id], owner=owner).get(delivery_id)
