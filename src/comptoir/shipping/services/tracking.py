"""Tracking events in, by signed webhook or by polling: stored once, status derived by time."""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import connection, transaction

from comptoir.core import clock
from comptoir.core.errors import ValidationFailed
from comptoir.core.outbox import record_events

from .. import events
from ..adapters import adapter_for
from ..domain.signatures import is_authentic
from ..domain.tracking import (
    ScanSummary,
    TrackingStatus,
    TrackingUpdate,
    advance,
)
from ..errors import InvalidSignature
from ..models import Carrier, Shipment, TrackingEvent
from ..selectors import carrier_by_code, polling_due, shipment_by_id, shipments_for_update
from . import alerts
from .payloads import shipment_payload

# A status reached that the customer hears of; the notifications app listens to these.
ANNOUNCED = {
    TrackingStatus.OUT_FOR_DELIVERY: events.SHIPMENT_OUT_FOR_DELIVERY,
    TrackingStatus.DELIVERED: events.SHIPMENT_DELIVERED,
    TrackingStatus.AVAILABLE_FOR_PICKUP: events.SHIPMENT_AVAILABLE_FOR_PICKUP,
}
MAX_EVENTS_PER_CALL = 1000


@dataclass(frozen=True)
class Received:
    accepted: int  # events for parcels we know, duplicates included
    unknown: int  # events for tracking numbers we never shipped with this carrier


def receive_webhook(
    *, carrier_code: str, headers: dict[str, str], body: bytes, now: datetime | None = None
) -> Received:
    """Verify a carrier's signed webhook (one event or a batch) and take its events in."""
    carrier = carrier_by_code(code=carrier_code)
    if not is_authentic(carrier.webhook_secret, headers=headers, body=body):
        raise InvalidSignature("The webhook signature does not match this carrier's secret.")
    try:
        data: dict[str, Any] = json.loads(body)
        updates = adapter_for(carrier.adapter, carrier_code=carrier.code).parse_webhook(data)
    except (ValueError, KeyError, TypeError) as error:
        raise ValidationFailed(
            f"The carrier's payload cannot be read: {error}.",
            errors=[{"field": "events", "message": "not in this carrier's format"}],
        ) from None
    if len(updates) > MAX_EVENTS_PER_CALL:
        raise ValidationFailed(
            f"At most {MAX_EVENTS_PER_CALL} events per call.",
            errors=[{"field": "events", "message": f"at most {MAX_EVENTS_PER_CALL}"}],
        )
    return take_in(carrier=carrier, updates=updates, now=now)


def poll_shipment(*, shipment_id: int, now: datetime | None = None) -> Received:
    """Ask the carrier for the parcel's events (for carriers without webhooks, or a gap)."""
    now = now or clock.now()
    shipment = shipment_by_id(shipment_id=shipment_id)
    adapter = adapter_for(shipment.carrier.adapter, carrier_code=shipment.carrier.code)
    updates = adapter.poll_tracking(shipment.tracking_number, since=None)
    Shipment.objects.filter(pk=shipment.pk).update(polled_at=now)
    return take_in(carrier=shipment.carrier, updates=updates, now=now)


POLL_BATCH = 200


def poll_quiet_shipments(*, quiet_for: timedelta, now: datetime | None = None) -> int:
    """For carriers that send no webhooks: ask for the scans of parcels under way that have
    not been heard of for `quiet_for`. Returns how many parcels were asked about."""
    now = now or clock.now()
    due = polling_due(before=now - quiet_for, limit=POLL_BATCH)
    for shipment_id in due:
        poll_shipment(shipment_id=shipment_id, now=now)
    return len(due)


def take_in(
    *, carrier: Carrier, updates: list[TrackingUpdate], now: datetime | None = None
) -> Received:
    """Store each event once (the carrier's event id is unique), fold the batch into each
    touched shipment's summary (status = latest event by time, so repeats and late arrivals
    change nothing), and raise the alerts the events call for, each at most once.

    The touched shipments are locked in pk order first: two batches for one parcel, taken in
    at once by two processes, then fold one after the other instead of overwriting each other.
    """
    now = now or clock.now()
    numbers = {update.tracking_number for update in updates}
    with transaction.atomic():
        shipments = {
            s.tracking_number: s
            for s in shipments_for_update(carrier=carrier, tracking_numbers=numbers)
        }
        known = [u for u in updates if u.tracking_number in shipments]
        _store_once([_row(shipments[u.tracking_number], carrier, u, now) for u in known])
        by_shipment: dict[int, list[TrackingUpdate]] = defaultdict(list)
        for update in known:
            by_shipment[shipments[update.tracking_number].pk].append(update)
        _advance_status(
            [(shipment, by_shipment[shipment.pk]) for shipment in shipments.values()], now=now
        )
        alerts.raise_for_updates([(shipments[u.tracking_number], u) for u in known], now=now)
    return Received(accepted=len(known), unknown=len(updates) - len(known))


EVENT_COLUMNS = (
    "shipment_id",
    "carrier_id",
    "carrier_event_id",
    "status",
    "occurred_at",
    "received_at",
    "description",
    "place",
    "latitude",
    "longitude",
    "estimated_delivery",
    "reason",
)


PG_COLUMN_TYPES = (
    "bigint",
    "bigint",
    "varchar",
    "varchar",
    "timestamptz",
    "timestamptz",
    "varchar",
    "varchar",
    "float8",
    "float8",
    "date",
    "varchar",
)


def _row(shipment: Shipment, carrier: Carrier, u: TrackingUpdate, now: datetime) -> tuple:
    return (
        shipment.pk,
        carrier.pk,
        u.carrier_event_id[:80],
        u.status.value,
        u.occurred_at,
        now,
        u.description[:200],
        u.place[:100],
        u.latitude,
        u.longitude,
        u.estimated_delivery,
        u.reason[:40],
    )


def _store_once(rows: list[tuple]) -> None:
    """INSERT … ON CONFLICT DO NOTHING: a scan the carrier sends again is not stored again.
    Rows go in key order, so that two batches holding the same scan cannot deadlock."""
    if not rows:
        return
    rows = sorted(rows, key=lambda row: (row[1], row[2]))
    ops = connection.ops  # datetimes as the ORM writes them (naive UTC text on SQLite)
    rows = [
        (
            *row[:4],
            ops.adapt_datetimefield_value(row[4]),
            ops.adapt_datetimefield_value(row[5]),
            *row[6:10],
            ops.adapt_datefield_value(row[10]),
            row[11],
        )
        for row in rows
    ]
    table = TrackingEvent._meta.db_table
    columns = ", ".join(EVENT_COLUMNS)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # One array per column: twelve parameters whatever the batch size (a VALUES list
            # of 1,200 placeholders cost more to bind than to run).
            arrays = ", ".join(f"%s::{kind}[]" for kind in PG_COLUMN_TYPES)
            cursor.execute(
                f"INSERT INTO {table} ({columns}) SELECT * FROM unnest({arrays}) "  # noqa: S608
                "ON CONFLICT DO NOTHING",
                [list(column) for column in zip(*rows, strict=True)],
            )
            return
        one = "(" + ", ".join(["%s"] * len(EVENT_COLUMNS)) + ")"
        cursor.executemany(
            f"INSERT INTO {table} ({columns}) VALUES {one} ON CONFLICT DO NOTHING",  # noqa: S608
            rows,
        )


def _summary_of(shipment: Shipment) -> ScanSummary | None:
    if shipment.last_scan_at is None:
        return None  # nothing scanned yet: the first event decides
    return ScanSummary(
        status=TrackingStatus(shipment.status),
        status_at=shipment.status_at,
        last_scan_at=shipment.last_scan_at,
        delivered_at=shipment.delivered_at,
        estimated_delivery=shipment.estimated_delivery,
        estimated_at=shipment.estimated_at,
    )


SUMMARY_FIELDS = [
    "status",
    "status_at",
    "last_scan_at",
    "delivered_at",
    "estimated_delivery",
    "estimated_at",
]


def _advance_status(batches: list[tuple[Shipment, list[TrackingUpdate]]], *, now: datetime) -> None:
    changed, announcements = [], []
    # The "no movement" deadline is not moved here: the scheduled check re-arms it from
    # last_scan_at when it falls due, so a scan changes no indexed column (a HOT update).
    for shipment, updates in batches:
        before = _summary_of(shipment)
        summary = advance(before, updates)
        if summary is None or summary == before:
            continue
        shipment.status = summary.status.value
        shipment.status_at = summary.status_at
        shipment.last_scan_at = summary.last_scan_at
        shipment.delivered_at = summary.delivered_at
        shipment.estimated_delivery = summary.estimated_delivery
        shipment.estimated_at = summary.estimated_at
        changed.append(shipment)
        announcements += _announcements(shipment, before=before)
    _save_summaries(changed)
    record_events(announcements, now=now)


def _save_summaries(shipments: list[Shipment]) -> None:
    """One parameterised UPDATE per shipment, sent as one batch (psycopg pipelines it).
    Django's bulk_update builds a CASE per field and row: 85 % of a batch's time, measured."""
    if not shipments:
        return
    table = Shipment._meta.db_table
    assignments = ", ".join(f"{field} = %s" for field in SUMMARY_FIELDS)
    with connection.cursor() as cursor:
        cursor.executemany(
            f"UPDATE {table} SET {assignments} WHERE id = %s",  # noqa: S608 - names are ours
            [[getattr(s, field) for field in SUMMARY_FIELDS] + [s.pk] for s in shipments],
        )


def _announcements(
    shipment: Shipment, *, before: ScanSummary | None
) -> list[tuple[str, str, dict[str, Any]]]:
    """The events the customer hears of: a status reached, or a new date past the promise."""
    aggregate = f"shipment:{shipment.pk}"
    announced = []
    status = TrackingStatus(shipment.status)
    if status in ANNOUNCED and (before is None or before.status != status):
        payload = shipment_payload(shipment, status_at=shipment.status_at.isoformat())
        announced.append((ANNOUNCED[status], aggregate, payload))
    estimate = shipment.estimated_delivery
    if (
        estimate is not None
        and estimate > shipment.promised_by
        and (before is None or before.estimated_delivery != estimate)
        and shipment.delivered_at is None
    ):
        payload = shipment_payload(shipment, new_date=estimate.isoformat())
        announced.append((events.SHIPMENT_DELAYED, aggregate, payload))
    return announced
