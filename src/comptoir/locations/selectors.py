"""Reads about stores and warehouses: lists, one location with its hours, the store locator."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.db.models import Exists, OuterRef, Prefetch, QuerySet, prefetch_related_objects

from comptoir.core import clock
from comptoir.core.errors import ValidationFailed
from comptoir.core.lookups import LookupCache

from . import directory, geocoding
from .directory import Schedule
from .domain import (
    ClosureDay,
    GeoPoint,
    ServiceOffer,
    WeeklyRange,
    bounding_box,
    haversine_km,
    hours_on,
    is_open_at,
    local_time,
    next_opening,
)
from .errors import LocationNotFound, PlaceNotFound
from .models import Closure, Location, LocationService, OpeningHours, Service

# The locator widens its search circle until it has enough locations; the last circle covers
# the globe (half the Earth's circumference is about 20,015 km).
SEARCH_RADII_KM = (25.0, 100.0, 400.0, 1600.0, 6400.0, 20_100.0)
MAX_NEAREST = 50


def location_list(*, kind: str | None = None) -> QuerySet[Location]:
    locations = Location.objects.filter(is_active=True)
    return locations.filter(kind=kind) if kind else locations


def location_ids_of_kind(kind: str) -> list[int]:
    """The ids of the active stores or warehouses, in the order they were opened (no query:
    the directory in memory)."""
    return [listed.id for listed in directory.active_locations().values() if listed.kind == kind]


def store_choices() -> list[tuple[str, str]]:
    """(code, name) of every active store, by town: what a "which store?" list offers (no
    query: the directory in memory)."""
    stores = [listed for listed in directory.active_locations().values() if listed.kind == "store"]
    return [(listed.code, listed.name) for listed in sorted(stores, key=lambda x: (x.city, x.id))]


# A location's code and id never change and nothing deletes or deactivates a location in the
# application (stock, holds and orders protect it), so the pair is remembered per process; the
# time-to-live bounds an edit made by hand (is_active set in SQL).
_ids_by_code = LookupCache("location code -> id", ttl_seconds=300.0)
_codes_by_id = LookupCache("location id -> code", ttl_seconds=300.0)


def active_location_ids(codes: Collection[str]) -> dict[str, int]:
    """Code → id of the active locations among `codes` (unknown ones are absent), remembered."""
    found = _ids_by_code.get_many(codes)
    missing = [code for code in codes if code not in found]
    if missing:
        fresh = dict(location_list().filter(code__in=missing).values_list("code", "pk"))
        _ids_by_code.put_many(fresh)
        _codes_by_id.put_many({pk: code for code, pk in fresh.items()})
        found |= fresh
    return found


def active_location_codes(ids: Collection[int]) -> dict[int, str]:
    """Id → code of the active locations among `ids`, remembered."""
    found = _codes_by_id.get_many(ids)
    missing = [pk for pk in ids if pk not in found]
    if missing:
        fresh = dict(location_list().filter(pk__in=missing).values_list("pk", "code"))
        _codes_by_id.put_many(fresh)
        _ids_by_code.put_many({code: pk for pk, code in fresh.items()})
        found |= fresh
    return found


def locations_by_id(ids: Collection[int], *, fields: Collection[str] = ()) -> dict[int, Location]:
    """Locations by id, active or not (a parcel's origin stays its origin), with only `fields`
    read when given."""
    locations = Location.objects.all()
    if fields:
        locations = locations.only("id", *fields)
    return locations.in_bulk(list(ids))


def location_by_code(*, code: str) -> Location:
    try:
        return Location.objects.get(code=code)
    except Location.DoesNotExist:
        raise LocationNotFound(f"No store or warehouse has the code {code!r}.") from None


def location_for_update(*, code: str) -> Location:
    """The location, its row locked until the end of the transaction (changes to its hours)."""
    try:
        return Location.objects.select_for_update().get(code=code)
    except Location.DoesNotExist:
        raise LocationNotFound(f"No store or warehouse has the code {code!r}.") from None


def location_detail(*, code: str, now: datetime | None = None) -> Location:
    """A location with its weekly hours, its services and its closures from its today on."""
    location = location_by_code(code=code)
    today = local_time(now or clock.now(), location.timezone).date()
    prefetch_related_objects(
        [location],
        Prefetch("opening_hours", queryset=OpeningHours.objects.order_by("weekday", "opens")),
        Prefetch("services", queryset=LocationService.objects.order_by("service")),
        Prefetch("closures", queryset=Closure.objects.filter(date__gte=today).order_by("date")),
    )
    return location


# --- the store locator ------------------------------------------------------------------------


@dataclass(frozen=True)
class NearbyLocation:
    """A location the locator found: where it is, how far, and whether one can go there now."""

    id: int
    code: str
    name: str
    kind: str
    street: str
    postcode: str
    city: str
    latitude: float
    longitude: float
    timezone: str
    distance_km: float
    is_open_now: bool
    opens_next_at: datetime | None
    hours_today: list[tuple[time, time]]
    services: list[ServiceOffer]


@dataclass(frozen=True)
class NearbyLocations:
    origin: geocoding.Place
    items: list[NearbyLocation]


def search_origin(
    *, point: GeoPoint | None = None, postcode: str | None = None, city: str | None = None
) -> geocoding.Place:
    """The place a search starts from: exactly one of a point, a French postcode or a town."""
    ways = {"query.lat": point, "query.postcode": postcode, "query.city": city}
    given = [field for field, value in ways.items() if value is not None]
    if len(given) != 1:
        message = "one of lat and lon, postcode, city"
        raise ValidationFailed(
            "Search from one place: lat and lon, a postcode or a city.",
            errors=[{"field": f, "message": message} for f in (given or list(ways))],
        )
    if point is not None:
        return geocoding.Place(f"{point.latitude:.5f},{point.longitude:.5f}", point)
    if postcode is not None:
        place = geocoding.place_for_postcode(postcode)
        if place is None:
            raise PlaceNotFound(
                f"No French postcode {postcode!r} is known.",
                errors=[{"field": "query.postcode", "message": "unknown French postcode"}],
            )
        return place
    place = geocoding.place_for_town(city or "")
    if place is None:
        raise PlaceNotFound(
            f"No French town called {city!r} is known.",
            errors=[{"field": "query.city", "message": "unknown French town"}],
        )
    return place


def nearest_locations(
    *,
    point: GeoPoint | None = None,
    postcode: str | None = None,
    city: str | None = None,
    limit: int = 10,
    open_now: bool = False,
    service: str | None = None,
    kind: str | None = Location.Kind.STORE,
    only_ids: Collection[int] | None = None,
    now: datetime | None = None,
) -> NearbyLocations:
    """The `limit` active locations nearest to a point, a French postcode or a town.

    Filters: open at `now`, offering `service`, of `kind` (None: any), among `only_ids` (how
    the inventory app asks for "has this SKU available"). Each result says its distance and
    whether it is open now. Ties in distance go to the location opened first.

    Reads the store directory in memory (no query once it is read): looks inside a bounding
    box around a circle that widens until the circle holds enough matches, and measures exact
    great-circle distances there.
    """
    origin = search_origin(point=point, postcode=postcode, city=city)
    now = now or clock.now()
    if not 1 <= limit <= MAX_NEAREST:
        raise ValidationFailed(
            f"limit must be between 1 and {MAX_NEAREST}.",
            errors=[{"field": "query.limit", "message": f"between 1 and {MAX_NEAREST}"}],
        )
    if only_ids is not None and not only_ids:
        return NearbyLocations(origin, [])
    candidates = _matching(service=service, kind=kind, only_ids=only_ids)
    nearest = _nearest(origin.point, candidates, limit=limit, open_now=open_now, now=now)
    return NearbyLocations(origin, _describe(nearest, now=now))


def _matching(
    *, service: str | None, kind: str | None, only_ids: Collection[int] | None
) -> list[directory.Listed]:
    candidates = directory.active_locations().values()
    if only_ids is not None:
        wanted = set(only_ids)
        candidates = [listed for listed in candidates if listed.id in wanted]
    return [
        listed
        for listed in candidates
        if (not kind or listed.kind == kind) and (not service or listed.offers(service))
    ]


def _nearest(
    centre: GeoPoint,
    candidates: list[directory.Listed],
    *,
    limit: int,
    open_now: bool,
    now: datetime,
) -> list[tuple[directory.Listed, float]]:
    """The nearest matches with their distance, nearest first (ties to the older location)."""
    found: list[tuple[directory.Listed, float]] = []
    for radius in SEARCH_RADII_KM:
        box = bounding_box(centre, radius)
        in_circle = []
        for listed in candidates:
            if not box.min_latitude <= listed.latitude <= box.max_latitude:
                continue
            if box.min_longitude is not None and not (
                box.min_longitude <= listed.longitude <= box.max_longitude
            ):
                continue
            distance = haversine_km(centre, GeoPoint(listed.latitude, listed.longitude))
            if distance <= radius:  # beyond it, a nearer location may lie outside the box
                in_circle.append((distance, listed.id, listed))
        if len(in_circle) < limit and radius != SEARCH_RADII_KM[-1]:
            continue  # too few even if all were open: widen
        in_circle.sort(key=lambda row: row[:2])
        if open_now:
            in_circle = [row for row in in_circle if _is_open(row[2], now)]
        found = [(listed, distance) for distance, _, listed in in_circle[:limit]]
        if len(found) == limit:
            break
    return found


def _is_open(listed: directory.Listed, now: datetime) -> bool:
    schedule = listed.schedule
    return is_open_at(schedule.weekly, schedule.closures, local_time(now, listed.timezone))


def schedules_of(location_ids: Iterable[int], *, now: datetime) -> dict[int, Schedule]:
    """Weekly hours and closures (from the day before today, anywhere) for these locations:
    the one reader of store hours, for the locator, the product page and the promises. Active
    locations come from the directory in memory; others are read."""
    known = directory.active_locations()
    # UTC's date minus two days is at or before yesterday in every zone on Earth.
    since = now.date() - timedelta(days=2)
    schedules: dict[int, Schedule] = {}
    unread = []
    for pk in location_ids:
        listed = known.get(pk)
        if listed is None:
            unread.append(pk)
            continue
        closures = [closed for closed in listed.schedule.closures if closed.day >= since]
        schedules[pk] = Schedule(listed.schedule.weekly, closures)
    if not unread:
        return schedules
    schedules.update({pk: Schedule([], []) for pk in unread})
    for pk, weekday, opens, closes in OpeningHours.objects.filter(
        location_id__in=unread
    ).values_list("location_id", "weekday", "opens", "closes"):
        schedules[pk].weekly.append(WeeklyRange(weekday, opens, closes))
    for pk, day, opens, closes in Closure.objects.filter(
        location_id__in=unread, date__gte=since
    ).values_list("location_id", "date", "opens", "closes"):
        schedules[pk].closures.append(ClosureDay(day, opens, closes))
    return schedules


def offers_service(service: str) -> Exists:
    """An annotation for a query of locations: does the location offer `service`? (The same
    rows `services_of` reads, in the locations' own query.)"""
    return Exists(LocationService.objects.filter(location_id=OuterRef("pk"), service=service))


def services_of(ids: Iterable[int]) -> dict[int, list[ServiceOffer]]:
    """The services each of these locations offers, by name (active ones from memory)."""
    known = directory.active_locations()
    offers: dict[int, list[ServiceOffer]] = defaultdict(list)
    unread = []
    for pk in ids:
        if pk in known:
            if known[pk].services:
                offers[pk] = list(known[pk].services)
        else:
            unread.append(pk)
    if unread:
        rows = LocationService.objects.filter(location_id__in=unread).order_by("service")
        for pk, service, lead in rows.values_list("location_id", "service", "pickup_lead_minutes"):
            offers[pk].append(ServiceOffer(service, lead))
    return offers


def _describe(
    nearest: list[tuple[directory.Listed, float]], *, now: datetime
) -> list[NearbyLocation]:
    described = []
    for listed, distance in nearest:
        schedule = listed.schedule
        at = local_time(now, listed.timezone)
        is_open = is_open_at(schedule.weekly, schedule.closures, at)
        described.append(
            NearbyLocation(
                id=listed.id,
                code=listed.code,
                name=listed.name,
                kind=listed.kind,
                street=listed.street,
                postcode=listed.postcode,
                city=listed.city,
                latitude=listed.latitude,
                longitude=listed.longitude,
                timezone=listed.timezone,
                distance_km=round(distance, 2),
                is_open_now=is_open,
                opens_next_at=None
                if is_open
                else next_opening(schedule.weekly, schedule.closures, at),
                hours_today=hours_on(at.date(), schedule.weekly, schedule.closures),
                services=list(listed.services),
            )
        )
    return described


@dataclass(frozen=True)
class PickupOffer:
    """What a promise of collection at a store is computed from: its lead time and its hours."""

    location_id: int
    lead_minutes: int
    weekly: list[WeeklyRange]
    closures: list[ClosureDay]
    timezone: str


def pickup_offers(
    *, location_ids: Collection[int], service: str, now: datetime | None = None
) -> dict[int, PickupOffer]:
    """For each of these stores that offers `service` (click & collect, reserve & collect), its
    pickup lead time, weekly hours and closures from the day before `now`. No query for active
    stores (the directory in memory)."""
    leads = {
        pk: offer.pickup_lead_minutes
        for pk, found in services_of(location_ids).items()
        for offer in found
        if offer.service == service
    }
    known = directory.active_locations()
    zones = {pk: known[pk].timezone for pk in leads if pk in known}
    if len(zones) < len(leads):
        unread = [pk for pk in leads if pk not in zones]
        zones |= dict(Location.objects.filter(pk__in=unread).values_list("pk", "timezone"))
    schedules = schedules_of(zones, now=now or clock.now())
    return {
        pk: PickupOffer(pk, leads[pk], schedules[pk].weekly, schedules[pk].closures, zones[pk])
        for pk in zones
    }


def service_choices() -> list[tuple[str, str]]:
    """The services a store may offer, as (value, label) for a form."""
    return list(Service.choices)
