"""Alerts on parcels: raised by carrier events as they come in and by a scheduled check for
what no event will ever say (a parcel that stopped moving, a promise that passed), into the
parcel's one incident (`incidents`); and what operations do with an incident."""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.translation import gettext_noop

from comptoir.core import clock
from comptoir.core.errors import Conflict, ValidationFailed
from comptoir.core.outbox import record_event

from .. import events
from ..domain.alerts import (
    AlertKind,
    ClosedBecause,
    Point,
    alerts_for_update,
    closes_incident,
    quiet_alerts_due,
    strongest,
)
from ..domain.carriers import add_working_days
from ..domain.tracking import FINAL_STATUSES, TrackingUpdate
from ..models import Shipment, ShipmentAlert
from ..selectors import (
    alert_by_id,
    incident_kinds,
    late_watch_due,
    latest_incidents,
    next_check_due,
    quiet_watch_due,
    scans_accounted_for,
    shipment_to_watch,
    shipments_with_open_incident,
)
from . import settings as shipping_settings
from .incidents import close_incident, raise_alerts
from .payloads import shipment_payload

CHECK_BATCH = 500


# Stored in English with the ISO date (the record); pages say it in the reader's language
# (comptoir.web.templatetags.web_extras.alert_detail).
LATE_DETAIL = gettext_noop("promised by {day}, not delivered")


def _points(shipment: Shipment) -> tuple[Point | None, Point | None]:
    origin = Point(float(shipment.origin.latitude), float(shipment.origin.longitude))
    if shipment.destination_latitude is not None and shipment.destination_longitude is not None:
        return origin, Point(shipment.destination_latitude, shipment.destination_longitude)
    place = shipment.destination_location
    if place is not None:
        return origin, Point(float(place.latitude), float(place.longitude))
    return origin, None


def raise_for_updates(pairs: list[tuple[Shipment, TrackingUpdate]], *, now: datetime) -> int:
    """What a batch of carrier events does to each touched parcel's incident, whatever the
    events' order or repeats: the kinds they call for join it (scans older than the parcel's
    last closed incident are accounted for and raise nothing), then the parcel's newest scan
    closes it if it shows the parcel delivered or moving again. Returns the kinds added."""
    batches: dict[int, tuple[Shipment, list[TrackingUpdate]]] = {}
    for shipment, update in pairs:
        batches.setdefault(shipment.pk, (shipment, []))[1].append(update)
    if not batches:
        return 0
    with_open = shipments_with_open_incident(shipment_ids=list(batches))
    wanted = {pk: _kinds_by_scan(shipment, updates) for pk, (shipment, updates) in batches.items()}
    raising = [pk for pk, kinds in wanted.items() if kinds]
    accounted = scans_accounted_for(shipment_ids=raising) if raising else {}
    added = 0
    for shipment_id, (shipment, updates) in batches.items():
        until = accounted.get(shipment_id)
        fresh = [(u, k) for u, k in wanted[shipment_id] if until is None or u.occurred_at > until]
        added_here = _raise_for_scans(
            shipment, fresh, expect_open=shipment_id in with_open, now=now
        )
        added += added_here
        if shipment_id not in with_open and not added_here:
            continue  # nothing open to close (and no query spent finding out)
        closing = _closing_scan(shipment, updates)
        if closing is not None:
            close_incident(shipment, because=closing[0], scan_at=closing[1], now=now)
    return added


def _kinds_by_scan(
    shipment: Shipment, updates: list[TrackingUpdate]
) -> list[tuple[TrackingUpdate, set[AlertKind]]]:
    """The batch's scans that call for alerts on their own, oldest first, with their kinds."""
    ordered = sorted(updates, key=lambda u: u.occurred_at)
    return [(u, kinds) for u in ordered if (kinds := _kinds_of(shipment, u))]


def _closing_scan(
    shipment: Shipment, updates: list[TrackingUpdate]
) -> tuple[ClosedBecause, datetime] | None:
    """Why and as of which scan the batch closes the parcel's incident, if it does."""
    if shipment.delivered_at is not None:
        # Delivered, whatever came in with it: older scans raise into it and it closes.
        return ClosedBecause.DELIVERED, shipment.delivered_at
    newest = max(updates, key=lambda u: u.occurred_at)
    if newest.occurred_at != shipment.last_scan_at:
        return None  # an older scan arrived late: it says nothing of where the parcel is now
    because = closes_incident(newest, raised=_kinds_of(shipment, newest))
    return (because, newest.occurred_at) if because is not None else None


def _kinds_of(shipment: Shipment, update: TrackingUpdate) -> set[AlertKind]:
    origin, destination = _points(shipment)
    return alerts_for_update(
        update,
        promised_by=shipment.promised_by,
        origin=origin,
        destination=destination,
        detour_km=shipping_settings.detour_km(),
    )


def _raise_for_scans(
    shipment: Shipment,
    scans: list[tuple[TrackingUpdate, set[AlertKind]]],
    *,
    expect_open: bool,
    now: datetime,
) -> int:
    by_kind: dict[AlertKind, TrackingUpdate] = {}
    for update, kinds in scans:
        for kind in kinds:
            by_kind.setdefault(kind, update)
    if not by_kind:
        return 0
    worst = by_kind[strongest(by_kind)]
    detail = f"{worst.status.value} {worst.place} {worst.reason}"
    change = raise_alerts(
        shipment, by_kind, detail=detail.strip(), now=now, expect_open=expect_open
    )
    return len(change.added) if change else 0


def check_shipments(*, now: datetime | None = None) -> int:
    """The scheduled check: late against the promise, no movement, lost, without any incoming
    event. Each parcel it looks at is either alerted or re-armed for its next due time, so it
    reads only what falls due. Returns how many kinds it added to incidents."""
    now = now or clock.now()
    return _check_late(now) + _check_quiet(now)


def _check_late(now: datetime) -> int:
    raised = 0
    for due in late_watch_due(now=now)[:CHECK_BATCH]:
        with transaction.atomic():
            # The parcel's row first, then its incident: the order carrier events lock them in.
            shipment = shipment_to_watch(shipment_id=due.pk)
            Shipment.objects.filter(pk=shipment.pk).update(late_watch_at=None)
            if shipment.status not in FINAL_STATUSES and shipment.delivered_at is None:
                raised += _raise_late(shipment, now=now)
    return raised


def _raise_late(shipment: Shipment, *, now: datetime) -> bool:
    change = raise_alerts(
        shipment,
        [AlertKind.LATE],
        detail=LATE_DETAIL.format(day=shipment.promised_by.isoformat()),
        now=now,
    )
    if change is None:
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
    due = list(quiet_watch_due(now=now)[:CHECK_BATCH])
    latest = latest_incidents(shipment_ids=[s.pk for s in due])
    for parcel in due:
        with transaction.atomic():
            # Locked and read again: a scan taken in since the list was read is seen.
            shipment = shipment_to_watch(shipment_id=parcel.pk)
            to_raise: list[AlertKind] = []
            next_look = None
            if shipment.status not in FINAL_STATUSES:
                since = shipment.last_scan_at or shipment.created_at
                to_raise, next_look = quiet_alerts_due(
                    since=since,
                    now=now,
                    no_movement_after=shipping_settings.no_movement_after(),
                    lost_after=shipping_settings.lost_after(),
                    raised=_raised_since(latest.get(shipment.pk), since),
                    calendar=shipment.carrier.network_calendar().working_calendar(),
                )
            Shipment.objects.filter(pk=shipment.pk).update(quiet_deadline=next_look)
            if to_raise:
                detail = f"no scan since {since:%Y-%m-%d %H:%M} UTC"
                last = latest.get(shipment.pk)
                expect_open = last is not None and last.status == ShipmentAlert.Status.OPEN
                change = raise_alerts(
                    shipment, to_raise, detail=detail, now=now, expect_open=expect_open
                )
                raised += len(change.added) if change else 0
    return raised


def _raised_since(incident: ShipmentAlert | None, since: datetime) -> set[AlertKind]:
    """The kinds already raised on the parcel in this quiet spell: all of its open incident's,
    and those of a resolved one raised after the last scan (a team member closed it; the
    same silence does not reopen it, a longer one does, as "lost")."""
    if incident is None:
        return set()
    if incident.status == ShipmentAlert.Status.OPEN:
        return incident_kinds(incident)
    return {
        AlertKind(entry["kind"])
        for entry in incident.history
        if datetime.fromisoformat(entry["at"]) >= since
    }


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
    """Close an open incident with what was done. Resolving twice, or an incident the parcel
    already closed, is refused (409). The parcel's scans so far are accounted for by it."""
    now = now or clock.now()
    alert = alert_by_id(alert_id=alert_id)
    updated = ShipmentAlert.objects.filter(pk=alert.pk, status=ShipmentAlert.Status.OPEN).update(
        status=ShipmentAlert.Status.RESOLVED,
        resolution=resolution[:200],
        resolved_at=now,
        closed_by_scan_at=alert.shipment.last_scan_at,
    )
    if not updated:
        raise Conflict("This alert is already resolved.")
    return alert_by_id(alert_id=alert_id)
