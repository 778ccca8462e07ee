"""The background worker: Huey tasks that move the outbox.

A commit that recorded events wakes a sweep at once. The sweep fans events out, claims a batch
of due deliveries and delivers it itself (webhooks concurrently, see core.dispatch), then claims
the next, until nothing is due. A full batch asks for a helper sweep, which another thread or
another worker on the queue picks up, so that a backlog is drained by every worker at once. A
sweep that finds nothing due books the next one for the moment a retry falls due or a dead
worker's lease runs out (or waits for it, if that is within a second), and a periodic sweep
every minute is the safety net for anything a lost wake-up missed.
"""

from __future__ import annotations

import logging
import os
import socket
import time
import uuid
from datetime import datetime, timedelta
from typing import Any

from huey import crontab
from huey.contrib.djhuey import HUEY, db_periodic_task, db_task

from comptoir.catalog.services.imports import run_catalog_import
from comptoir.core import clock, outbox
from comptoir.core.idempotency import purge_expired_records
from comptoir.fulfilment import services as fulfilment
from comptoir.inventory.services.releases import EXPIRY_BATCH, expire_holds, next_hold_expiry
from comptoir.service.services import flag_sla_breaches
from comptoir.shipping.services import alerts as shipping_alerts
from comptoir.shipping.services.shipments import book_pickups
from comptoir.shipping.services.tracking import poll_quiet_shipments
from comptoir.wiring import ROUTES

logger = logging.getLogger(__name__)

KICK_FLAG = "outbox.kick"
HELP_FLAG = "outbox.help"
WAKE_AT = "outbox.wake-at"
NEAR_FUTURE = timedelta(seconds=65)  # beyond this the periodic sweep is soon enough


def _lease_owner() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def wake_outbox_worker() -> None:
    """Called after a commit that recorded events. Many commits coalesce into one sweep."""
    if HUEY.put_if_empty(KICK_FLAG, "1"):
        sweep_outbox()


# A sweep hands its thread back after this long, and queues itself again if work is left: the
# periodic tasks share the worker's threads.
SWEEP_BUDGET_SECONDS = 20.0
# Work due within this long is waited for in the sweep: a booked sweep may start a second late
# (Huey's scheduler ticks once a second).
NAP = timedelta(seconds=1)


@db_task()
def sweep_outbox() -> None:
    HUEY.get(KICK_FLAG)  # pop: a commit from now on wakes another sweep
    HUEY.get(HELP_FLAG)  # pop: a full batch from now on asks for another helper
    owner = _lease_owner()
    batch = outbox.BatchSize()
    stop_at = time.monotonic() + SWEEP_BUDGET_SECONDS
    while time.monotonic() < stop_at:
        fanned_out = outbox.fan_out(ROUTES)
        claimed = outbox.claim_due(owner=owner, now=clock.now(), limit=batch.now)
        if len(claimed) == batch.now:
            _ask_for_help()
        if claimed:
            started = time.monotonic()
            outbox.deliver_batch(ROUTES, claimed, owner=owner)
            batch.measured(delivered=len(claimed), took=time.monotonic() - started)
        elif not fanned_out:
            wake = outbox.next_wake_time(now=clock.now())
            if not _napped_until(wake):
                _book(sweep_outbox, WAKE_AT, wake)
                return
    sweep_outbox()  # out of budget with work left: back in the queue, behind the others


def _ask_for_help() -> None:
    """A backlog: one more sweep in the queue for any idle thread or worker (never more than
    one waiting, and none where tasks run at once, in tests)."""
    if not HUEY.immediate and HUEY.put_if_empty(HELP_FLAG, "1"):
        sweep_outbox()


def _napped_until(wake: datetime | None) -> bool:
    """Wait here for work due within NAP rather than book a sweep that may start late."""
    now = clock.now()
    if HUEY.immediate or wake is None or wake - now > NAP:
        return False
    time.sleep(max((wake - now).total_seconds(), 0) + 0.01)
    return True


def _book(task: Any, key: str, wake: datetime | None) -> None:
    """Run `task` again at `wake` if that is soon, unless an earlier run is already booked.

    Past NEAR_FUTURE the periodic task is soon enough. Two workers may both book: a spare
    run finds nothing to do, which is cheaper than a lock that a killed worker never frees.
    """
    now = clock.now()
    if wake is None or wake - now > NEAR_FUTURE:
        return
    booked = HUEY.get(key, peek=True)
    if booked is not None and now < booked <= wake:
        return
    HUEY.put(key, wake)
    task.schedule(eta=max(wake, now) + timedelta(milliseconds=50))


@db_periodic_task(crontab(minute="*"))
def sweep_outbox_every_minute() -> None:
    sweep_outbox.call_local()


@db_periodic_task(crontab(minute="17"))
def purge_idempotency_records() -> None:
    purge_expired_records()


HOLD_EXPIRY_AT = "holds.expiry-at"


@db_task()
def expire_due_holds() -> None:
    """Give back the units of every hold whose time is up, then book the next expiry."""
    while expire_holds() == EXPIRY_BATCH:
        pass  # a backlog: keep going until it is cleared
    _book(expire_due_holds, HOLD_EXPIRY_AT, next_hold_expiry())


@db_periodic_task(crontab(minute="*"))
def expire_holds_every_minute() -> None:
    expire_due_holds.call_local()


@HUEY.on_startup()
def sweep_on_startup() -> None:
    # A worker that restarts picks up what its predecessor left, without waiting a minute.
    HUEY.get(KICK_FLAG)
    sweep_outbox()
    expire_due_holds()
    check_shipments()


@db_task()
def run_catalog_import_task(job_id: int) -> None:
    """Run or resume a catalogue import from the queue.

    The `catalog.import_requested` handler (comptoir.wiring) runs every import on its own;
    this task is for an operator who wants to resume a job now rather than at its next retry.
    """
    run_catalog_import(job_id=job_id)


@db_periodic_task(crontab(minute="*"))
def sweep_order_deadlines() -> None:
    """Reservations nobody collected go back on sale; unpaid links and pending payments are
    cancelled; customers whose order waits are reminded the day before its deadline."""
    fulfilment.expire_uncollected()
    fulfilment.cancel_unpaid_orders()
    fulfilment.send_pickup_reminders()


SHIPMENT_CHECK_AT = "shipping.check-at"


@db_task()
def check_shipments() -> None:
    """Alerts no carrier event will bring: late against the promise, no movement, lost. Then
    book the next check for the moment the next parcel falls due, so an alert follows its
    deadline within moments, not within the minute."""
    while shipping_alerts.check_shipments() >= shipping_alerts.CHECK_BATCH:
        pass  # a backlog: keep going until it is cleared
    _book(check_shipments, SHIPMENT_CHECK_AT, shipping_alerts.next_check())


@db_periodic_task(crontab(minute="*"))
def check_shipments_every_minute() -> None:
    check_shipments.call_local()


@db_periodic_task(crontab(minute="*/15"))
def poll_carrier_tracking() -> None:
    """Carriers without webhooks: ask for the scans of parcels not heard of for 30 minutes."""
    poll_quiet_shipments(quiet_for=timedelta(minutes=30))


@db_periodic_task(crontab(minute="5"))
def book_carrier_pickups() -> None:
    """Book today's and tomorrow's store collections with the carriers (once per pickup)."""
    today = clock.now().date()
    for day in (today, today + timedelta(days=1)):
        book_pickups(day=day)


@db_periodic_task(crontab(minute="*"))
def flag_late_answers() -> None:
    """Service conversations past their answer time raise their alert (once each)."""
    flag_sla_breaches()
