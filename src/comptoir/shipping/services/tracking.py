"""Tracking events in, by signed webhook or by polling: stored once, status derived by time."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import transaction

from comptoir.core import clock
from comptoir.core.errors import ValidationFailed
from comptoir.core.outbox import record_event

from .. import events
from ..adapters import adapter_for
from ..domain.signatures import is_authentic
from ..domain.tracking import FINAL_STATUSES, TrackingStatus, TrackingUpdate, summarise
from ..errors import InvalidSignature
from ..models import Carrier, Shipment, TrackingEvent
from ..selectors import carrier_by_code, shipment_by_id
from . import alerts
from . import settings as shipping_settings
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
    if not is_authentic(
        carrier.webhook_secret,
        message_id=headers.get("webhook-id", ""),
        timestamp=headers.get("webhook-timestamp", ""),
        signature=headers.get("webhook-signature", ""),
        body=body,
        now=int(time.time()),
    ):
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
    shipment = shipment_by_id(shipment_id=shipment_id)
    adapter = adapter_for(shipment.carrier.adapter, carrier_code=shipment.carrier.code)
    updates = adapter.poll_tracking(shipment.tracking_number, since=None)
    return take_in(carrier=shipment.carrier, updates=updates, now=now)


def take_in(
    *, carrier: Carrier, updates: list[TrackingUpdate], now: datetime | None = None
) -> Received:
    """Store each event once (the carrier's event id is unique), then derive each touched
    shipment's status from all its events by time, so duplicates and late arrivals are
    harmless, and raise the alerts the events call for (each at most once)."""
    now = now or clock.now()
    numbers = {update.tracking_number for update in updates}
    shipments = {
        s.tracking_number: s
        for s in Shipment.objects.filter(
            carrier=carrier, tracking_number__in=numbers
        ).select_related("origin", "destination_location", "carrier")
    }
    known = [u for u in updates if u.tracking_number in shipments]
    rows = [
        TrackingEvent(
            shipment=shipments[u.tracking_number],
            carrier=carrier,
            carrier_event_id=u.carrier_event_id,
            status=u.status.value,
            occurred_at=u.occurred_at,
            received_at=now,
            description=u.description[:200],
            place=u.place[:100],
            latitude=u.latitude,
            longitude=u.longitude,
            estimated_delivery=u.estimated_delivery,
            reason=u.reason[:40],
        )
        for u in known
    ]
    with transaction.atomic():
        TrackingEvent.objects.bulk_create(rows, ignore_conflicts=True)
        touched = {s.pk: s for s in (shipments[u.tracking_number] for u in known)}
        _derive_status(list(touched.values()), now=now)
        alerts.raise_for_updates([(shipments[u.tracking_number], u) for u in known], now=now)
    return Received(accepted=len(known), unknown=len(updates) - len(known))


def _history(shipment_ids: list[int]) -> dict[int, list[TrackingUpdate]]:
    columns = ("shipment_id", "carrier_event_id", "status", "occurred_at", "estimated_delivery")
    history: dict[int, list[TrackingUpdate]] = {}
    for shipment_id, event_id, status, occurred_at, estimate in TrackingEvent.objects.filter(
        shipment_id__in=shipment_ids
    ).values_list(*columns):
        history.setdefault(shipment_id, []).append(
            TrackingUpdate(
                event_id, "", TrackingStatus(status), occurred_at, estimated_delivery=estimate
            )
        )
    return history


def _derive_status(shipments: list[Shipment], *, now: datetime) -> None:
    history = _history([s.pk for s in shipments])
    changed = []
    quiet_for = shipping_settings.no_movement_after()
    for shipment in shipments:
        summary = summarise(history.get(shipment.pk, []))
        if summary is None:
            continue
        before = (shipment.status, shipment.estimated_delivery)
        final = summary.status in FINAL_STATUSES
        new = {
            "status": summary.status.value,
            "status_at": summary.status_at,
            "last_scan_at": summary.last_scan_at,
            "quiet_deadline": None if final else summary.last_scan_at + quiet_for,
            "delivered_at": summary.delivered_at,
            "estimated_delivery": summary.estimated_delivery,
        }
        if all(getattr(shipment, field) == value for field, value in new.items()):
            continue
        for field, value in new.items():
            setattr(shipment, field, value)
        changed.append(shipment)
        _announce(shipment, before=before, now=now)
    Shipment.objects.bulk_update(
        changed,
        [
            "status",
            "status_at",
            "last_scan_at",
            "quiet_deadline",
            "delivered_at",
            "estimated_delivery",
        ],
    )


def _announce(shipment: Shipment, *, before: tuple[str, Any], now: datetime) -> None:
    status, estimate = before
    if shipment.status != status and TrackingStatus(shipment.status) in ANNOUNCED:
        record_event(
            ANNOUNCED[TrackingStatus(shipment.status)],
            aggregate=f"shipment:{shipment.pk}",
            payload=shipment_payload(shipment, status_at=shipment.status_at.isoformat()),
            now=now,
        )
    new_estimate = shipment.estimated_delivery
    if (
        new_estimate is not None
        and new_estimate != estimate
        and new_estimate > shipment.promised_by
        and shipment.delivered_at is None
    ):
        record_event(
            events.SHIPMENT_DELAYED,
            aggregate=f"shipment:{shipment.pk}",
            payload=shipment_payload(shipment, new_date=new_estimate.isoformat()),
            now=now,
        )
