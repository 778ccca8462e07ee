"""Alerts on parcels: raised by events as they come in, and by a scheduled check for what
no event will ever say (a parcel that stopped moving, a promise that passed). Each kind is
raised once per shipment: the database's unique constraint decides, not a prior read."""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction

from comptoir.core import clock
from comptoir.core.errors import Conflict, ValidationFailed
from comptoir.core.outbox import record_event

from .. import events
from ..domain.alerts import AlertKind, Point, alerts_for_update, quiet_alerts_due
from ..domain.carriers import add_working_days
from ..domain.tracking import FINAL_STATUSES, TrackingUpdate
from ..models import Shipment, ShipmentAlert
from ..selectors import (
    alert_by_id,
    alert_kinds_of,
    late_watch_due,
    next_check_due,
    quiet_watch_due,
)
from . import settings as shipping_settings
from .payloads import shipment_payload

CHECK_BATCH = 500


def _points(shipment: Shipment) -> tuple[Point | None, Point | None]:
    origin = Point(float(shipment.origin.latitude), float(shipment.origin.longitude))
    if shipment.destination_latitude is not None and shipment.destination_longitude is not None:
        return origin, Point(shipment.destination_latitude, shipment.destination_longitude)
    place = shipment.destination_location
    if place is not None:
        return origin, Point(float(place.latitude), float(place.longitude))
    return origin, None


def raise_alert(
    shipment: Shipment, kind: AlertKind, *, detail: str, now: datetime
) -> ShipmentAlert | None:
    """The alert, or None if this shipment already has one of this kind (raised once)."""
    try:
        with transaction.atomic():
            alert = ShipmentAlert.objects.create(
                shipment=shipment, kind=kind.value, detail=detail[:200], raised_at=now
            )
            record_event(
                events.SHIPMENT_ALERT_RAISED,
                aggregate=f"shipment:{shipment.pk}",
                payload=shipment_payload(shipment, alert_id=alert.pk, kind=kind.value),
                now=now,
            )
    except IntegrityError:
        return None
    return alert


def raise_for_updates(pairs: list[tuple[Shipment, TrackingUpdate]], *, now: datetime) -> int:
    """Alerts that carrier events call for, each once whatever the events' order or repeats."""
    wanted: dict[tuple[int, AlertKind], tuple[Shipment, TrackingUpdate]] = {}
    for shipment, update in pairs:
        origin, destination = _points(shipment)
        for kind in alerts_for_update(
            update,
            promised_by=shipment.promised_by,
            origin=origin,
            destination=destination,
            detour_km=shipping_settings.detour_km(),
        ):
            wanted.setdefault((shipment.pk, kind), (shipment, update))
    if not wanted:
        return 0
    existing = set(
        ShipmentAlert.objects.filter(shipment_id__in={pk for pk, _ in wanted}).values_list(
            "shipment_id", "kind"
        )
    )
    raised = 0
    for (shipment_id, kind), (shipment, update) in wanted.items():
        if (shipment_id, kind.value) in existing:
            continue
        detail = f"{update.status.value} {update.place} {update.reason}".strip()
        raised += raise_alert(shipment, kind, detail=detail, now=now) is not None
    return raised


def check_shipments(*, now: datetime | None = None) -> int:
    """The scheduled check: late against the promise, no movement, lost, without any incoming
    event. Each parcel it looks at is either alerted or re-armed for its next due time, so it
    reads only what falls due. Returns how many alerts it raised."""
    now = now or clock.now()
    return _check_late(now) + _check_quiet(now)


def _check_late(now: datetime) -> int:
    raised = 0
    for shipment in late_watch_due(now=now).select_related("carrier")[:CHECK_BATCH]:
        with transaction.atomic():
            if shipment.status not in FINAL_STATUSES and shipment.delivered_at is None:
                raised += _raise_late(shipment, now=now)
            Shipment.objects.filter(pk=shipment.pk).update(late_watch_at=None)
    return raised


def _raise_late(shipment: Shipment, *, now: datetime) -> bool:
    alert = raise_alert(
        shipment,
        AlertKind.LATE,
        detail=f"promised by {shipment.promised_by}, not delivered",
        now=now,
    )
    if alert is None:
        return False
    new_date = shipment.estimated_delivery
    if new_date is None or new_date <= shipment.promised_by:
        # The carrier gave no later date: tell the customer the next working day.
        new_date = add_working_days(shipment.promised_by, 1)
        Shipment.objects.filter(pk=shipment.pk).update(estimated_delivery=new_date)
        shipment.estimated_delivery = new_date
        record_event(
            events.SHIPMENT_DELAYED,
            aggregate=f"shipment:{shipment.pk}",
            payload=shipment_payload(shipment, new_date=new_date.isoformat()),
            now=now,
        )
    return True


def _check_quiet(now: datetime) -> int:
    raised = 0
    due = list(quiet_watch_due(now=now).select_related("carrier")[:CHECK_BATCH])
    kinds = alert_kinds_of(shipment_ids=[s.pk for s in due])
    for shipment in due:
        with transaction.atomic():
            next_look = None
            if shipment.status not in FINAL_STATUSES:
                since = shipment.last_scan_at or shipment.created_at
                to_raise, next_look = quiet_alerts_due(
                    since=since,
                    now=now,
                    no_movement_after=shipping_settings.no_movement_after(),
                    lost_after=shipping_settings.lost_after(),
                    raised={AlertKind(k) for k in kinds.get(shipment.pk, set())},
                )
                detail = f"no scan since {since:%Y-%m-%d %H:%M} UTC"
                for kind in to_raise:
                    raised += raise_alert(shipment, kind, detail=detail, now=now) is not None
            Shipment.objects.filter(pk=shipment.pk).update(quiet_deadline=next_look)
    return raised


def next_check() -> datetime | None:
    """When `check_shipments` next has something to look at (the worker books itself then)."""
    return next_check_due()


def assign_alert(*, alert_id: int, assignee_id: int | None) -> ShipmentAlert:
    alert = alert_by_id(alert_id=alert_id)
    if assignee_id is not None and not get_user_model().objects.filter(pk=assignee_id).exists():
        raise ValidationFailed(
            "No such team member.", errors=[{"field": "assignee_id", "message": "unknown user"}]
        )
    ShipmentAlert.objects.filter(pk=alert.pk).update(assignee_id=assignee_id)
    alert.assignee_id = assignee_id
    return alert


def resolve_alert(*, alert_id: int, resolution: str, now: datetime | None = None) -> ShipmentAlert:
    """Close an open alert with what was done. Resolving twice is refused (409)."""
    now = now or clock.now()
    alert = alert_by_id(alert_id=alert_id)
    updated = ShipmentAlert.objects.filter(pk=alert.pk, status=ShipmentAlert.Status.OPEN).update(
        status=ShipmentAlert.Status.RESOLVED, resolution=resolution[:200], resolved_at=now
    )
    if not updated:
        raise Conflict("This alert is already resolved.")
    return alert_by_id(alert_id=alert_id)
