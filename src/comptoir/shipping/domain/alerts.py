"""When a parcel needs someone's attention, and how its alerts make one incident.

A parcel has at most one open incident; each alert raised on it joins that incident, which
carries the strongest kind seen (`SEVERITY`) and the history of every kind. The quiet timers
("no movement", "lost") count the working time of the carrier's network, not wall-clock hours.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from comptoir.core.calendar import MONDAY_TO_SATURDAY, WorkingCalendar

from .tracking import FINAL_STATUSES, TrackingStatus, TrackingUpdate


class AlertKind(StrEnum):
    LATE = "late"
    NO_MOVEMENT = "no_movement"
    FAILED_ATTEMPT = "failed_attempt"
    MISROUTED = "misrouted"
    LOST = "lost"
    RETURNED_TO_SENDER = "returned_to_sender"


# Weakest first. The order is how sure it is that the customer will not get the parcel
# without someone acting, hence how urgently operations must act:
# - late: the parcel is coming, later; the customer has already been told the new date;
# - failed attempt: the customer can fetch it or the carrier tries again, a nudge may help;
# - misrouted: off the way, so later still, and it may go astray;
# - no movement: nobody has seen it for a while, it may be lost;
# - returned to sender: it will not arrive, an order must be re-shipped or refunded;
# - lost: the carrier says so (or it has been silent so long): re-ship or refund now.
SEVERITY: tuple[AlertKind, ...] = (
    AlertKind.LATE,
    AlertKind.FAILED_ATTEMPT,
    AlertKind.MISROUTED,
    AlertKind.NO_MOVEMENT,
    AlertKind.RETURNED_TO_SENDER,
    AlertKind.LOST,
)


def strongest(kinds: Iterable[AlertKind]) -> AlertKind:
    """The kind an incident carrying these kinds shows (ValueError if there are none)."""
    return max(kinds, key=SEVERITY.index)


@dataclass(frozen=True)
class IncidentChange:
    """What raising `kinds` does to a parcel's open incident (kind None: there is none)."""

    kind: AlertKind
    previous: AlertKind | None  # None: the incident is new
    added: tuple[AlertKind, ...]  # kinds not yet in its history, weakest first

    @property
    def opened(self) -> bool:
        return self.previous is None

    @property
    def upgraded(self) -> bool:
        return self.previous is not None and self.kind != self.previous


def raise_into(
    open_kinds: Iterable[AlertKind], raised: Iterable[AlertKind]
) -> IncidentChange | None:
    """Raising `raised` on a parcel whose open incident holds `open_kinds` (empty: none open).
    None when nothing changes: each kind joins an incident once, whatever the repeats."""
    held = set(open_kinds)
    added = tuple(sorted(set(raised) - held, key=SEVERITY.index))
    if not added:
        return None
    previous = strongest(held) if held else None
    return IncidentChange(strongest(held | set(added)), previous, added)


@dataclass(frozen=True)
class NetworkCalendar:
    """When a carrier's network works, as stored on the carrier."""

    weekdays: frozenset[int] = MONDAY_TO_SATURDAY
    country: str = "FR"  # whose public holidays; "" for none
    subdivision: str = ""
    timezone: str = "Europe/Paris"

    def working_calendar(self) -> WorkingCalendar:
        return WorkingCalendar(
            weekdays=self.weekdays,
            country=self.country,
            subdivision=self.subdivision or None,
            timezone=self.timezone,
        )


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
    calendar: WorkingCalendar,
) -> tuple[list[AlertKind], datetime | None]:
    """For a parcel last scanned (or made) at `since`: the quiet alerts due now, and when to
    look again for the ones not due yet (None: nothing left to watch for). The thresholds are
    working time of `calendar`: a depot closed for the weekend is not a parcel standing still."""
    due_at = {
        AlertKind.NO_MOVEMENT: calendar.add_working_time(since, no_movement_after),
        AlertKind.LOST: calendar.add_working_time(since, lost_after),
    }
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


class ClosedBecause(StrEnum):
    MOVED = "moved"  # a newer scan that says nothing is wrong
    DELIVERED = "delivered"


def closes_incident(newest: TrackingUpdate, *, raised: set[AlertKind]) -> ClosedBecause | None:
    """Whether the parcel's newest scan closes its open incident: delivery always does; any
    other scan that raises nothing shows the parcel moving again (a carrier exception is not
    movement, even when it names no known problem)."""
    if newest.status == TrackingStatus.DELIVERED:
        return ClosedBecause.DELIVERED
    if raised or newest.status == TrackingStatus.EXCEPTION:
        return None
    return ClosedBecause.MOVED
