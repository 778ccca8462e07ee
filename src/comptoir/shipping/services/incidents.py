"""A parcel's one open incident: alerts raised on it join it, a stronger kind upgrades it in
place, a scan showing the parcel moving again or delivered closes it.

The database allows one open incident per parcel (a partial unique index): of two raises at
once, the index decides which opens it, and the other joins it under the row's lock. Callers
that also lock the parcel's row lock it first (carrier events and the scheduled check do)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.db import IntegrityError, transaction

from comptoir.core.errors import Conflict
from comptoir.core.outbox import record_event, record_events

from .. import events
from ..domain.alerts import AlertKind, ClosedBecause, IncidentChange, raise_into
from ..models import Shipment, ShipmentAlert
from ..selectors import incident_kinds, open_incident_for_update
from . import settings as shipping_settings
from .payloads import shipment_payload

OPEN_ATTEMPTS = 3


def raise_alerts(
    shipment: Shipment,
    kinds: Iterable[AlertKind],
    *,
    detail: str,
    now: datetime,
    expect_open: bool = True,
) -> IncidentChange | None:
    """Raise `kinds` on the parcel: they join its open incident, opened if there is none and
    upgraded if one of them is stronger than its kind. None when nothing changed (every kind
    already in the open incident). Safe when two callers raise on one parcel at once.

    `expect_open` False (the caller has just seen none) tries to open first, which saves the
    read; if one is open after all, the unique index says so and the raise joins it."""
    kinds = set(kinds)
    if not kinds:
        return None
    with transaction.atomic(savepoint=False):
        look_first = expect_open
        for _ in range(OPEN_ATTEMPTS):
            if look_first:
                incident = open_incident_for_update(shipment_id=shipment.pk)
                if incident is not None:
                    return _join(incident, shipment, kinds, detail=detail, now=now)
            look_first = True
            try:
                with transaction.atomic():
                    return _open(shipment, kinds, detail=detail, now=now)
            except IntegrityError:
                continue  # another raise opened it first and has committed: join it
    raise Conflict("The parcel's incident changed too often at once; try again.")


def _entries(change: IncidentChange, *, detail: str, now: datetime) -> list[dict[str, str]]:
    at = now.isoformat()
    return [{"kind": kind.value, "at": at, "detail": detail[:200]} for kind in change.added]


def _open(
    shipment: Shipment, kinds: set[AlertKind], *, detail: str, now: datetime
) -> IncidentChange | None:
    change = raise_into((), kinds)
    if change is None:
        return None
    incident = ShipmentAlert.objects.create(
        shipment=shipment,
        kind=change.kind.value,
        detail=detail[:200],
        history=_entries(change, detail=detail, now=now),
        raised_at=now,
    )
    _announce(events.SHIPMENT_INCIDENT_OPENED, shipment, incident, change, now=now)
    return change


def _join(
    incident: ShipmentAlert,
    shipment: Shipment,
    kinds: set[AlertKind],
    *,
    detail: str,
    now: datetime,
) -> IncidentChange | None:
    change = raise_into(incident_kinds(incident), kinds)
    if change is None:
        return None
    incident.history = [*incident.history, *_entries(change, detail=detail, now=now)]
    fields = ["history"]
    if change.upgraded:
        incident.kind, incident.detail, incident.upgraded_at = change.kind.value, detail[:200], now
        fields += ["kind", "detail", "upgraded_at"]
    incident.save(update_fields=fields)
    if change.upgraded:
        _announce(events.SHIPMENT_INCIDENT_UPGRADED, shipment, incident, change, now=now)
    return change


def _announce(
    event: str,
    shipment: Shipment,
    incident: ShipmentAlert,
    change: IncidentChange,
    *,
    now: datetime,
) -> None:
    aggregate = f"shipment:{shipment.pk}"
    kinds = [entry["kind"] for entry in incident.history]
    payload = shipment_payload(
        shipment,
        alert_id=incident.pk,
        kind=change.kind.value,
        previous_kind=change.previous.value if change.previous else None,
        kinds=kinds,
    )
    # Beside it, the event integrators had before incidents: this parcel needs attention.
    legacy = shipment_payload(shipment, alert_id=incident.pk, kind=change.kind.value)
    record_events(
        [(event, aggregate, payload), (events.SHIPMENT_ALERT_RAISED, aggregate, legacy)], now=now
    )


def close_incident(
    shipment: Shipment, *, because: ClosedBecause, scan_at: datetime, now: datetime
) -> bool:
    """Close the parcel's open incident: `scan_at` moved it on or delivered it. False if none
    was open. Scans up to `scan_at` are then accounted for: resent, they raise nothing."""
    with transaction.atomic(savepoint=False):
        incident = open_incident_for_update(shipment_id=shipment.pk)
        if incident is None:
            return False
        incident.status = ShipmentAlert.Status.CLOSED
        incident.resolution, incident.resolved_at = because.value, now
        incident.closed_by_scan_at = scan_at
        incident.save(update_fields=["status", "resolution", "resolved_at", "closed_by_scan_at"])
        payload = shipment_payload(
            shipment, alert_id=incident.pk, kind=incident.kind, reason=because.value
        )
        record_event(
            events.SHIPMENT_INCIDENT_CLOSED,
            aggregate=f"shipment:{shipment.pk}",
            payload=payload,
            now=now,
        )
        if because == ClosedBecause.MOVED:
            # Quiet again from this scan: the scheduled check looks when that is due.
            calendar = shipment.carrier.network_calendar().working_calendar()
            rearm = calendar.add_working_time(scan_at, shipping_settings.no_movement_after())
            Shipment.objects.filter(pk=shipment.pk).update(quiet_deadline=rearm)
    return True
