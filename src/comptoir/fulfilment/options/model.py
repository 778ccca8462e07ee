"""The shapes of delivery options, and what every option reads: places, sites, offers."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from comptoir.core.errors import ValidationFailed
from comptoir.core.words import spoken_date
from comptoir.locations.domain import GeoPoint
from comptoir.locations.errors import LocationNotFound
from comptoir.locations.geocoding import place_for_postcode
from comptoir.locations.selectors import (
    location_by_code,
    location_list,
    schedules_of,
    services_of,
)

from ..domain.promise import (
    CLOSED_TODAY,
    PAST_CUT_OFF,
    CarrierService,
    DispatchRules,
    OpeningHours,
)
from ..domain.sourcing import STORE, CandidateLocation, OrderLine
from ..offers import (
    RESERVE_AND_COLLECT,
    DeliveryOffers,
)

ONLINE, AT_PICKUP = "online", "at_pickup"

# Why an option is not possible (DeliveryOption.reason_code); `reason` says it in English.
NOT_IN_STOCK = "not_in_stock"  # no location that can send it has every line
NO_STORE_NEAR = "no_store_near"  # same day: no store near enough has every line
DOES_NOT_SHIP = "does_not_ship"  # a store has every line but does not offer ship from store
CLOSED_TODAY = CLOSED_TODAY  # same day: the store near with every line is closed today
PAST_CUT_OFF = PAST_CUT_OFF  # same day: such a store is open, but past its cut-off
NO_SHIPPING_STORE = "no_shipping_store"  # no store that ships parcels has every line
NOT_OFFERED = "not_offered"  # the store does not offer this service
NOT_IN_THE_STORE = "not_in_the_store"  # the store lacks a line on its shelf
NO_OPENING_AHEAD = "no_opening_ahead"  # the store has no opening hours ahead
NO_COUNTER = "no_counter"  # ship to store: the store has no collection counter
ON_THE_SHELF = "on_the_shelf"  # ship to store: on the shelf there, click & collect is sooner
PICKING_FULL = "picking_full"  # the store has the units but can pick no more today
SENDERS_FULL = "senders_full"  # parcels: those that may send hold the units, but can pick no more
SAME_DAY_FULL = "same_day_full"  # same day: the store near with every line has no room today
SLOTS_FULL = "slots_full"  # time slot: every slot offered is full (capacity.py)
COLLECTION_FULL = "collection_full"  # parcels: the senders' next carrier collection is full
REASON_CODES = (
    NOT_IN_STOCK, NO_STORE_NEAR, DOES_NOT_SHIP, CLOSED_TODAY, PAST_CUT_OFF, NO_SHIPPING_STORE,
    NOT_OFFERED, NOT_IN_THE_STORE, NO_OPENING_AHEAD, NO_COUNTER, ON_THE_SHELF, PICKING_FULL,
    SENDERS_FULL, SAME_DAY_FULL, SLOTS_FULL, COLLECTION_FULL,
)  # fmt: skip


@dataclass(frozen=True)
class Place:
    """Where the goods go: a home (a point) or a pickup store."""

    kind: str  # "home" | "store"
    label: str
    point: GeoPoint
    store_id: int | None = None


def store_place(code: str, *, field_name: str) -> Place:
    """The pickup store a shopper named; an unknown or closed-down one is a field error."""
    try:
        location = location_by_code(code=code)
    except LocationNotFound:
        location = None
    if location is None or not location.is_active or location.kind != "store":
        raise ValidationFailed(
            f"No store has the code {code!r}.",
            errors=[{"field": field_name, "message": "unknown store"}],
        )
    point = GeoPoint(float(location.latitude), float(location.longitude))
    return Place("store", location.name, point, location.pk)


def home_place(
    *, point: GeoPoint | None, postcode: str | None, point_field: str, postcode_field: str
) -> Place:
    """A home: its coordinates when known, else the centre of its French postcode."""
    if point is not None:
        return Place("home", f"{point.latitude:.5f},{point.longitude:.5f}", point)
    found = place_for_postcode(postcode or "")
    if found is None:
        field_name = postcode_field if postcode is not None else point_field
        raise ValidationFailed(
            f"No French postcode {postcode!r} is known."
            if postcode is not None
            else "Where does it go?",
            errors=[{"field": field_name, "message": "unknown French postcode"}],
        )
    return Place("home", found.label, found.point)


@dataclass(frozen=True)
class Slot:
    starts_at: datetime
    ends_at: datetime


@dataclass(frozen=True)
class Piece:
    """Units of one SKU taken from one location, as the order will hold them."""

    sku: str
    quantity: int
    location_id: int


@dataclass(frozen=True)
class DeliveryOption:
    code: str
    label: str
    fulfilment_mode: str
    available: bool
    reason: str | None
    price: Decimal
    currency: str
    paid: str  # ONLINE | AT_PICKUP
    promised_date: date | None = None
    ready_by: datetime | None = None
    held_until: datetime | None = None
    promise: str | None = None
    store_code: str | None = None
    from_locations: tuple[str, ...] = ()
    slots: tuple[Slot, ...] = ()
    # Why it is not possible, as a stable code a page can put in its reader's words.
    reason_code: str | None = None
    reason_about: str | None = None  # the location the reason names (a store near), if any
    pieces: tuple[Piece, ...] = field(default=(), repr=False)  # for checkout, never shown


@dataclass(frozen=True)
class Site:
    """A location as the promise rules need it."""

    id: int
    code: str
    name: str
    kind: str
    point: GeoPoint
    hours: OpeningHours
    services: dict[str, int]  # service -> pickup lead minutes
    country: str = "FR"  # whose public holidays it neither dispatches nor is delivered on

    @property
    def has_hours(self) -> bool:
        return bool(self.hours.weekly)


class Sites:
    """Locations with their hours, closures and services, read in batches: four queries for
    the first batch asked, whatever its size, and none for a location read before."""

    def __init__(self, now: datetime) -> None:
        self._by_id: dict[int, Site] = {}
        self._now = now

    def get(self, location_id: int) -> Site:
        self.load([location_id])
        return self._by_id[location_id]

    def load(self, location_ids: Iterable[int]) -> None:
        unread = sorted(set(location_ids) - self._by_id.keys())
        if not unread:
            return
        rows = (
            location_list()
            .filter(pk__in=unread)
            .values_list(
                "pk", "code", "name", "kind", "latitude", "longitude", "timezone", "country"
            )
        )
        schedules = schedules_of(unread, now=self._now)
        services = services_of(unread)
        for pk, code, name, kind, latitude, longitude, timezone, country in rows:
            schedule = schedules[pk]
            self._by_id[pk] = Site(
                id=pk,
                code=code,
                name=name,
                kind=kind,
                point=GeoPoint(float(latitude), float(longitude)),
                hours=OpeningHours(tuple(schedule.weekly), tuple(schedule.closures), timezone),
                services={o.service: o.pickup_lead_minutes for o in services.get(pk, [])},
                country=country,
            )


@dataclass
class Context:
    lines: list[OrderLine]
    candidates: list[CandidateLocation]
    offers: DeliveryOffers
    now: datetime
    sites: Sites

    def option(self, code: str, mode: str, **values: object) -> DeliveryOption:
        offer = self.offers[code]
        paid = AT_PICKUP if code == RESERVE_AND_COLLECT else ONLINE
        values.setdefault("available", True)
        values.setdefault("reason", None)
        return DeliveryOption(
            code=code,
            label=offer.label,
            fulfilment_mode=mode,
            price=offer.price,
            currency=self.offers.currency,
            paid=paid,
            **values,  # type: ignore[arg-type]
        )

    def unavailable(
        self, code: str, mode: str, reason: str, why: str, about: str | None = None
    ) -> DeliveryOption:
        return self.option(
            code, mode, available=False, reason=reason, reason_code=why, reason_about=about
        )

    def dispatch_rules(self, location_id: int) -> DispatchRules:
        return dispatch_rules(self.sites.get(location_id), self.offers)

    def carrier(self, code: str, *, from_location_id: int) -> CarrierService:
        return carrier_service(code, self.offers, self.sites.get(from_location_id))


def dispatch_rules(site: Site, offers: DeliveryOffers) -> DispatchRules:
    """When this location hands parcels to the carrier: the offers' cut-off, on working days
    of its country (weekdays, not its public holidays); a store only on the days it opens, too
    (no hours known: working days)."""
    zone, country = site.hours.timezone, site.country
    if site.kind == STORE:
        hours = site.hours if site.has_hours else None
        return DispatchRules(offers.store_cut_off, zone, hours=hours, country=country)
    return DispatchRules(offers.warehouse_cut_off, zone, country=country)


def carrier_service(code: str, offers: DeliveryOffers, from_site: Site) -> CarrierService:
    """The offer's carrier days, counted on the working days of the country the parcel
    leaves from (a domestic network: no delivery on its public holidays)."""
    return CarrierService(code, offers[code].transit_days, country=from_site.country)


def missing(lines: tuple[OrderLine, ...]) -> str:
    return f"Not in stock anywhere that can send it: {named(lines)}."


def named(lines: Iterable[OrderLine]) -> str:
    return ", ".join(f"{line.sku} ×{line.quantity}" for line in lines)


@dataclass(frozen=True)
class Refusal:
    words: str
    code: str
    about: str | None = None  # the location the words name


def why_not_sent(
    senders: list[CandidateLocation],
    others: list[CandidateLocation],
    unsourced: tuple[OrderLine, ...],
) -> Refusal | None:
    """Why the locations that may send (`senders`) left `unsourced` lines, when it is not that
    nobody has them: they hold the units but can pick no more today (SENDERS_FULL), or a store
    that does not ship from store holds every one of them (DOES_NOT_SHIP). None: not in stock."""
    lines = list(unsourced)
    held = {line.sku: sum(c.available.get(line.sku, 0) for c in senders) for line in lines}
    if senders and covers(held, lines):
        holders = [c for c in senders if any(c.available.get(line.sku) for line in lines)]
        if all(c.collection_remaining < c.day_remaining for c in holders):
            words = (
                f"The locations that hold {named(lines)} can pick no more"
                " for their next carrier collection."
            )
            return Refusal(words, COLLECTION_FULL)
        words = f"The locations that hold {named(lines)} can pick no more today."
        return Refusal(words, SENDERS_FULL)
    idle = [c for c in others if c.kind == STORE and not c.ships_from_store]
    holder = next((c for c in idle if covers(c.available, lines)), None)
    if holder is not None:
        words = f"{holder.name} has {named(lines)} but does not ship from the store."
        return Refusal(words, DOES_NOT_SHIP, holder.name)
    return None


def covers(available: dict[str, int], lines: list[OrderLine]) -> bool:
    return all(available.get(line.sku, 0) >= line.quantity for line in lines)


def all_from(lines: list[OrderLine], location_id: int) -> tuple[Piece, ...]:
    return tuple(Piece(line.sku, line.quantity, location_id) for line in lines)


def pieces_of(plan_assignments: tuple) -> tuple[Piece, ...]:
    return tuple(Piece(a.sku, a.quantity, a.location_id) for a in plan_assignments)


def codes(context: Context, location_ids: tuple[int, ...]) -> tuple[str, ...]:
    context.sites.load(location_ids)
    return tuple(context.sites.get(pk).code for pk in location_ids)


def day_words(day: date) -> str:
    # The option's promise is an English sentence (the API's words): the day in English too.
    return spoken_date(day, language="en")
