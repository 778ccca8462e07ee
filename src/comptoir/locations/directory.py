"""The store directory in memory: every active location with its hours, closures and services.

A retailer has hundreds of stores, not millions, and edits them a few times a day, while the
storefront asks "which stores are near, and are they open?" on every product page and every
availability read. So each process keeps the whole directory (a few hundred kilobytes for 500
stores), read in four queries, and the locator measures distances and opening hours in memory
(ADR 0035).

It is forgotten when the application edits a location, its hours, closures or services (in
this process at once, on commit), and read again after a minute in any case, so an edit made
in another process, the admin or SQL is seen everywhere within that minute.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models.signals import post_delete, post_save

from comptoir.core.lookups import LookupCache

from .domain import ClosureDay, ServiceOffer, WeeklyRange
from .models import Closure, Location, LocationService, OpeningHours

TTL_SECONDS = 60.0


@dataclass(frozen=True)
class Schedule:
    weekly: list[WeeklyRange] = field(default_factory=list)
    closures: list[ClosureDay] = field(default_factory=list)


@dataclass(frozen=True)
class Listed:
    """One active location as the locator needs it."""

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
    schedule: Schedule
    services: tuple[ServiceOffer, ...]

    def offers(self, service: str) -> bool:
        return any(offer.service == service for offer in self.services)


_memory = LookupCache("the store directory", ttl_seconds=TTL_SECONDS, max_entries=1)


_edits = [0]  # how many times it was forgotten: a read begun before an edit is not kept


def active_locations() -> dict[int, Listed]:
    """Every active location by id, nearest to memory: read at most once a minute."""
    found = _memory.get("all")
    if found is None:
        edits = _edits[0]
        found = _read()
        if edits == _edits[0]:  # else it may hold what the edit replaced: use it, once
            _memory.put_many({"all": found})
    return found


def forget() -> None:
    """Read the directory again on next use (after this transaction commits, and now)."""
    _forget_now()
    transaction.on_commit(_forget_now)


def _forget_now() -> None:
    _edits[0] += 1
    _memory.clear()


def _read() -> dict[int, Listed]:
    weekly: dict[int, list[WeeklyRange]] = defaultdict(list)
    hours = OpeningHours.objects.filter(location__is_active=True).order_by("weekday", "opens")
    columns = ("location_id", "weekday", "opens", "closes")
    for pk, weekday, opens, closes in hours.values_list(*columns):
        weekly[pk].append(WeeklyRange(weekday, opens, closes))
    closures: dict[int, list[ClosureDay]] = defaultdict(list)
    days = Closure.objects.filter(location__is_active=True).order_by("date")
    for pk, day, opens, closes in days.values_list("location_id", "date", "opens", "closes"):
        closures[pk].append(ClosureDay(day, opens, closes))
    services: dict[int, list[ServiceOffer]] = defaultdict(list)
    offers = LocationService.objects.filter(location__is_active=True).order_by("service")
    for pk, service, lead in offers.values_list("location_id", "service", "pickup_lead_minutes"):
        services[pk].append(ServiceOffer(service, lead))
    columns = ("pk", "code", "name", "kind", "street", "postcode", "city", "latitude", "longitude")
    rows = Location.objects.filter(is_active=True).order_by("pk")
    return {
        pk: Listed(
            id=pk,
            code=code,
            name=name,
            kind=kind,
            street=street,
            postcode=postcode,
            city=city,
            latitude=float(latitude),
            longitude=float(longitude),
            timezone=zone,
            schedule=Schedule(weekly[pk], closures[pk]),
            services=tuple(services[pk]),
        )
        for pk, code, name, kind, street, postcode, city, latitude, longitude, zone in (
            rows.values_list(*columns, "timezone")
        )
    }


def _edited(**_: object) -> None:
    forget()


# Any save or delete through the ORM (services, the admin, factories in tests): bulk writes
# send no signal, so the services that make them call forget() themselves.
for _model in (Location, OpeningHours, Closure, LocationService):
    post_save.connect(_edited, sender=_model, dispatch_uid=f"directory-{_model.__name__}-save")
    post_delete.connect(_edited, sender=_model, dispatch_uid=f"directory-{_model.__name__}-del")
