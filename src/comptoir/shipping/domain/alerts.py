"""When a parcel needs someone's attention. Each rule is raised at most once per shipment."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from .tracking import FINAL_STATUSES, TrackingStatus, TrackingUpdate


class AlertKind(StrEnum):
    LATE = "late"
    NO_MOVEMENT = "no_movement"
    FAILED_ATTEMPT = "failed_attempt"
    MISROUTED = "misrouted"
    LOST = "lost"
    RETURNED_TO_SENDER = "returned_to_sender"


@dataclass(frozen=True)
class Point:
    latitude: float
    longitude: float


EARTH_RADIUS_KM = 6371.0


def distance_km(a: Point, b: Point) -> float:
    la1, lo1, la2, lo2 = map(math.radians, (a.latitude, a.longitude, b.latitude, b.longitude))
    h = (
        math.sin((la2 - la1) / 2) ** 2
        + math.cos(la1) * math.cos(la2) * math.sin((lo2 - lo1) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(h))


def is_off_route(origin: Point, destination: Point, scan: Point, *, detour_km: float) -> bool:
    """A scan is off route when going through it adds more than `detour_km` to the trip
    (an ellipse around the straight line: hubs near the way are fine, a hub 400 km off is not)."""
    direct = distance_km(origin, destination)
    through = distance_km(origin, scan) + distance_km(scan, destination)
    return through - direct > detour_km


def late_after(promised_by: date, *, timezone: str) -> datetime:
    """The promise holds until the end of its day where the customer is."""
    midnight = datetime.combine(promised_by + timedelta(days=1), time(0), tzinfo=ZoneInfo(timezone))
    return midnight.astimezone(ZoneInfo("UTC"))


def quiet_alerts_due(
    *,
    since: datetime,
    now: datetime,
    no_movement_after: timedelta,
    lost_after: timedelta,
    raised: set[AlertKind],
) -> tuple[list[AlertKind], datetime | None]:
    """For a parcel last scanned (or made) at `since`: the quiet alerts due now, and when to
    look again for the ones not due yet (None: nothing left to watch for)."""
    due_at = {AlertKind.NO_MOVEMENT: since + no_movement_after, AlertKind.LOST: since + lost_after}
    pending = {kind: at for kind, at in due_at.items() if kind not in raised}
    due = [kind for kind, at in pending.items() if at <= now]
    later = [at for at in pending.values() if at > now]
    return due, min(later) if later else None


def alerts_for_update(
    update: TrackingUpdate,
    *,
    promised_by: date,
    origin: Point | None,
    destination: Point | None,
    detour_km: float,
) -> set[AlertKind]:
    """What one carrier event says is wrong, on its own."""
    kinds: set[AlertKind] = set()
    if update.status == TrackingStatus.FAILED_ATTEMPT:
        kinds.add(AlertKind.FAILED_ATTEMPT)
    if update.status == TrackingStatus.RETURNED_TO_SENDER:
        kinds.add(AlertKind.RETURNED_TO_SENDER)
    if update.status == TrackingStatus.EXCEPTION and update.reason == "lost":
        kinds.add(AlertKind.LOST)
    if update.estimated_delivery is not None and update.estimated_delivery > promised_by:
        kinds.add(AlertKind.LATE)  # the carrier says so before the promise has passed
    if (
        origin is not None
        and destination is not None
        and update.latitude is not None
        and update.longitude is not None
        and update.status not in FINAL_STATUSES
        and is_off_route(
            origin, destination, Point(update.latitude, update.longitude), detour_km=detour_km
        )
    ):
        kinds.add(AlertKind.MISROUTED)
    return kinds
