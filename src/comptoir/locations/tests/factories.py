"""Builders for stores and warehouses, through the same service the API uses."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, time
from decimal import Decimal

from comptoir.locations import directory
from comptoir.locations.domain import ServiceOffer, WeeklyRange
from comptoir.locations.models import Closure, Location, LocationService, OpeningHours
from comptoir.locations.services import (
    declare_closure,
    open_location,
    set_location_services,
    set_opening_hours,
)

# Real places, so that a failing test reads like the shop floor.
KNOWN_STORES = {
    "lyon-part-dieu": ("Élan Lyon Part-Dieu", "Lyon", "45.76070", "4.85950"),
    "paris-rivoli": ("Élan Paris Rivoli", "Paris", "48.85990", "2.34260"),
    "marseille-terrasses": ("Élan Marseille Terrasses du Port", "Marseille", "43.31270", "5.36640"),
    "villeurbanne-gratte-ciel": (
        "Élan Villeurbanne Gratte-Ciel",
        "Villeurbanne",
        "45.76900",
        "4.88000",
    ),
    "saint-etienne-centre-deux": (
        "Élan Saint-Étienne Centre Deux",
        "Saint-Étienne",
        "45.43330",
        "4.40050",
    ),
    "lille-europe": ("Élan Lille Europe", "Lille", "50.63950", "3.07570"),
}
# Monday to Saturday 10:00-19:30, closed on Sunday: the usual French high-street store.
MONDAY_TO_SATURDAY = [WeeklyRange(day, time(10), time(19, 30)) for day in range(6)]
SUNDAY_MORNING = [WeeklyRange(6, time(10), time(13))]


def make_store(code: str = "lyon-part-dieu", *, kind: str = Location.Kind.STORE) -> Location:
    """A known store by its code (Lyon, Paris, Marseille), or a made-up one in Lyon."""
    name, city, latitude, longitude = KNOWN_STORES.get(
        code, (f"Élan {code}", "Lyon", "45.76070", "4.85950")
    )
    return open_location(
        code=code,
        name=name,
        city=city,
        latitude=Decimal(latitude),
        longitude=Decimal(longitude),
        kind=kind,
    )


def with_hours(location: Location, hours: Iterable[WeeklyRange] = MONDAY_TO_SATURDAY) -> Location:
    """The location, open these weekly hours (Monday to Saturday 10:00-19:30 by default)."""
    set_opening_hours(location_code=location.code, opening_hours=list(hours))
    return location


def offering(location: Location, *services: str, pickup_lead_minutes: int = 120) -> Location:
    """The store, offering these services (each with the same pickup lead time)."""
    offers = [ServiceOffer(service, pickup_lead_minutes) for service in services]
    set_location_services(location_code=location.code, services=offers)
    return location


def closed_on(
    location: Location,
    day: date,
    *,
    reason: str = "jour férié",
    opens: time | None = None,
    closes: time | None = None,
) -> Closure:
    """Close the location on `day` (or open it only `opens`-`closes` that day)."""
    closure, _ = declare_closure(
        location_code=location.code, date=day, opens=opens, closes=closes, reason=reason
    )
    return closure


def make_many_stores(count: int) -> list[Location]:
    """`count` stores spread over mainland France on a grid, open Monday to Saturday, with
    click & collect. Written in bulk: for tests of scale, not of the services."""
    stores = Location.objects.bulk_create(
        Location(
            code=f"grid-{index:04d}",
            name=f"Élan Grid {index}",
            city="Grid",
            latitude=Decimal(f"{43 + (index // 25) * 0.4:.5f}"),
            longitude=Decimal(f"{-1 + (index % 25) * 0.3:.5f}"),
        )
        for index in range(count)
    )
    OpeningHours.objects.bulk_create(
        OpeningHours(location=store, weekday=r.weekday, opens=r.opens, closes=r.closes)
        for store in stores
        for r in MONDAY_TO_SATURDAY
    )
    LocationService.objects.bulk_create(
        LocationService(location=store, service="click_and_collect", pickup_lead_minutes=120)
        for store in stores
    )
    directory.forget()  # bulk writes send no signal
    return stores


def location_body(code: str = "lille-europe", **changes: object) -> dict[str, object]:
    """A valid POST /api/v1/locations body; `changes` overrides or adds fields."""
    return {
        "code": code,
        "name": "Élan Lille Europe",
        "city": "Lille",
        "latitude": 50.6395,
        "longitude": 3.0757,
        **changes,
    }
