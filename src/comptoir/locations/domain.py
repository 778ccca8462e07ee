"""Pure rules about stores: distances on the globe, opening hours, place names. No Django.

Opening hours are wall-clock times in the store's own time zone. A range belongs to the day it
opens on; one that closes at or before its opening time runs past midnight into the next day
(a Friday 18:00-01:00 late opening is still Friday's). An exceptional day (a bank holiday, a
Christmas Eve that closes early) replaces the ranges that open on that date: no range means
closed all day.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

EARTH_RADIUS_KM = 6371.0088  # mean radius (IUGG)
KM_PER_DEGREE_OF_LATITUDE = math.pi * EARTH_RADIUS_KM / 180
MINUTES_PER_DAY = 24 * 60
MINUTES_PER_WEEK = 7 * MINUTES_PER_DAY
# How far ahead `next_opening` looks: long enough for any closure for works or for the season.
OPENING_SEARCH_DAYS = 366


@dataclass(frozen=True)
class GeoPoint:
    latitude: float
    longitude: float


def haversine_km(a: GeoPoint, b: GeoPoint) -> float:
    """The great-circle distance between two points, in kilometres."""
    lat_a, lat_b = math.radians(a.latitude), math.radians(b.latitude)
    d_lat = lat_b - lat_a
    d_lon = math.radians(b.longitude - a.longitude)
    h = math.sin(d_lat / 2) ** 2 + math.cos(lat_a) * math.cos(lat_b) * math.sin(d_lon / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


@dataclass(frozen=True)
class BoundingBox:
    """Every point within some distance of a centre lies inside; longitudes None = all of them."""

    min_latitude: float
    max_latitude: float
    min_longitude: float | None
    max_longitude: float | None


def bounding_box(centre: GeoPoint, radius_km: float) -> BoundingBox:
    """A latitude/longitude box around the circle of `radius_km`, for an indexed prefilter.

    Near a pole, or where the box would cross the 180th meridian, longitudes are not bounded:
    the prefilter then keeps more rows, never fewer.
    """
    d_lat = radius_km / KM_PER_DEGREE_OF_LATITUDE
    min_lat, max_lat = centre.latitude - d_lat, centre.latitude + d_lat
    if min_lat <= -90 or max_lat >= 90:
        return BoundingBox(max(min_lat, -90.0), min(max_lat, 90.0), None, None)
    # The circle is widest in longitude at the latitude furthest from the equator.
    widest = max(abs(min_lat), abs(max_lat))
    d_lon = d_lat / math.cos(math.radians(widest))
    min_lon, max_lon = centre.longitude - d_lon, centre.longitude + d_lon
    if min_lon < -180 or max_lon > 180:
        return BoundingBox(min_lat, max_lat, None, None)
    return BoundingBox(min_lat, max_lat, min_lon, max_lon)


# --- opening hours ----------------------------------------------------------------------------


@dataclass(frozen=True)
class WeeklyRange:
    """Open from `opens` to `closes` every `weekday` (0 = Monday … 6 = Sunday)."""

    weekday: int
    opens: time
    closes: time

    @property
    def runs_past_midnight(self) -> bool:
        return self.closes <= self.opens


@dataclass(frozen=True)
class ClosureDay:
    """On `day` the weekly hours do not apply: closed, or open only from `opens` to `closes`."""

    day: date
    opens: time | None = None
    closes: time | None = None


def _interval(day: date, opens: time, closes: time) -> tuple[datetime, datetime]:
    start = datetime.combine(day, opens)
    end = datetime.combine(day, closes)
    if closes <= opens:
        end += timedelta(days=1)
    return start, end


def hours_on(
    day: date, weekly: Iterable[WeeklyRange], closures: Iterable[ClosureDay]
) -> list[tuple[time, time]]:
    """The (opens, closes) ranges that open on `day`, in order; an exceptional day wins."""
    for closure in closures:
        if closure.day == day:
            if closure.opens is None or closure.closes is None:
                return []
            return [(closure.opens, closure.closes)]
    return sorted((r.opens, r.closes) for r in weekly if r.weekday == day.weekday())


def _intervals_opening_on(
    day: date, weekly: Sequence[WeeklyRange], closures: Sequence[ClosureDay]
) -> list[tuple[datetime, datetime]]:
    return [_interval(day, opens, closes) for opens, closes in hours_on(day, weekly, closures)]


def is_open_at(weekly: Sequence[WeeklyRange], closures: Sequence[ClosureDay], at: datetime) -> bool:
    """Whether the store is open at `at`, a wall-clock time in the store's zone (see local_time).

    The day before counts too: its late range may still be running after midnight.
    """
    wall_clock = at.replace(tzinfo=None)
    for day in (wall_clock.date() - timedelta(days=1), wall_clock.date()):
        for start, end in _intervals_opening_on(day, weekly, closures):
            if start <= wall_clock < end:
                return True
    return False


def next_opening(
    weekly: Sequence[WeeklyRange], closures: Sequence[ClosureDay], after: datetime
) -> datetime | None:
    """When the store next opens strictly after `after` (same zone as `after`), or None.

    None means it opens on none of the next `OPENING_SEARCH_DAYS` days.
    """
    wall_clock = after.replace(tzinfo=None)
    for offset in range(OPENING_SEARCH_DAYS + 1):
        day = wall_clock.date() + timedelta(days=offset)
        starts = [s for s, _ in _intervals_opening_on(day, weekly, closures) if s > wall_clock]
        if starts:
            return min(starts).replace(tzinfo=after.tzinfo)
    return None


def local_time(now: datetime, timezone: str) -> datetime:
    """An aware instant as the store's clock shows it (so 10:00 is 10:00 on a DST day too)."""
    if now.tzinfo is None:
        raise ValueError("`now` must be an aware datetime")
    return now.astimezone(ZoneInfo(timezone))


def overlapping_ranges(ranges: Iterable[WeeklyRange]) -> tuple[WeeklyRange, WeeklyRange] | None:
    """Two ranges of the week that overlap (Sunday night runs into Monday), or None."""

    def minutes(r: WeeklyRange) -> tuple[int, int]:
        start = r.weekday * MINUTES_PER_DAY + r.opens.hour * 60 + r.opens.minute
        length = (r.closes.hour * 60 + r.closes.minute) - (r.opens.hour * 60 + r.opens.minute)
        return start, start + (length if length > 0 else length + MINUTES_PER_DAY)

    spans = sorted((minutes(r), r) for r in ranges)
    for ((_, end), earlier), ((start, _), later) in zip(spans, spans[1:], strict=False):
        if start < end:
            return earlier, later
    if len(spans) > 1:
        (_, last_end), last = spans[-1]
        (first_start, _), first = spans[0]
        if last_end - MINUTES_PER_WEEK > first_start:
            return last, first
    return None


@dataclass(frozen=True)
class ServiceOffer:
    """A service a store offers (click_and_collect…) and, to collect, the minutes to get ready."""

    service: str
    pickup_lead_minutes: int = 0


# --- place names ------------------------------------------------------------------------------

_ABBREVIATIONS = {"st": "saint", "ste": "sainte"}


def place_name_key(name: str) -> str:
    """How a French place name is compared: no accents, no case, hyphens as spaces.

    "Saint-Étienne", "saint etienne", "ST ETIENNE" and "St-Étienne" give the same key.
    """
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    words = "".join(c if c.isalnum() else " " for c in plain).split()
    return " ".join(_ABBREVIATIONS.get(word, word) for word in words)
