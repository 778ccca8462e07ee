"""Delivery options with a promise: what is really possible now for these lines and this place.

Reads the stock (as the sourcing engine sees it) and the locations' hours and services, asks
the sourcing engine where the units would come from and the promise rules when they would be
ready or arrive, and prices each option from the retailer's offers (`offers.py`). An option
that cannot be fulfilled is listed as unavailable, with the reason in plain words. Checkout
computes the options again and places the order from the one chosen: never from a stale list.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from comptoir.core.errors import ValidationFailed
from comptoir.locations.domain import ClosureDay, GeoPoint, WeeklyRange, haversine_km
from comptoir.locations.errors import LocationNotFound
from comptoir.locations.geocoding import place_for_postcode
from comptoir.locations.selectors import location_by_code, location_detail, location_list
from comptoir.orders.domain import FulfilmentMode
from comptoir.orders.services.placing import RESERVATION_WINDOW

from .domain.promise import (
    MONTHS,
    WEEKDAYS,
    CarrierService,
    DispatchRules,
    OpeningHours,
    SameDayStore,
    delivery_slots,
    describe_ready_by,
    home_delivery_date,
    pickup_ready_by,
    same_day_delivery,
    ship_to_store_ready_by,
)
from .domain.sourcing import STORE, CandidateLocation, Destination, OrderLine, source_order
from .offers import (
    CLICK_AND_COLLECT,
    HOME_EXPRESS,
    HOME_STANDARD,
    HOME_TIME_SLOT,
    RESERVE_AND_COLLECT,
    SAME_DAY,
    SHIP_FROM_STORE,
    SHIP_TO_STORE,
    DeliveryOffers,
)
from .selectors import sourcing_candidates

ONLINE, AT_PICKUP = "online", "at_pickup"


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
        field_name = postcode_field if postcode else point_field
        raise ValidationFailed(
            f"No French postcode {postcode!r} is known." if postcode else "Where does it go?",
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
    pieces: tuple[Piece, ...] = field(default=(), repr=False)  # for checkout, never shown


@dataclass(frozen=True)
class _Site:
    """A location as the promise rules need it."""

    id: int
    code: str
    name: str
    kind: str
    point: GeoPoint
    hours: OpeningHours
    services: dict[str, int]  # service -> pickup lead minutes

    @property
    def has_hours(self) -> bool:
        return bool(self.hours.weekly)


class _Sites:
    """Locations read on demand, once each per computation (a handful per request)."""

    def __init__(self) -> None:
        self._by_id: dict[int, _Site] = {}

    def get(self, location_id: int) -> _Site:
        if location_id not in self._by_id:
            code = location_list().filter(pk=location_id).values_list("code", flat=True).get()
            self.add(code)
        return self._by_id[location_id]

    def add(self, code: str) -> _Site:
        location = location_detail(code=code)
        site = _Site(
            id=location.pk,
            code=location.code,
            name=location.name,
            kind=location.kind,
            point=GeoPoint(float(location.latitude), float(location.longitude)),
            hours=OpeningHours(
                weekly=tuple(
                    WeeklyRange(h.weekday, h.opens, h.closes) for h in location.opening_hours.all()
                ),
                closures=tuple(
                    ClosureDay(c.date, c.opens, c.closes) for c in location.closures.all()
                ),
                timezone=location.timezone,
            ),
            services={s.service: s.pickup_lead_minutes for s in location.services.all()},
        )
        self._by_id[site.id] = site
        return site


@dataclass
class _Context:
    lines: list[OrderLine]
    candidates: list[CandidateLocation]
    offers: DeliveryOffers
    now: datetime
    sites: _Sites

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

    def unavailable(self, code: str, mode: str, reason: str) -> DeliveryOption:
        return self.option(code, mode, available=False, reason=reason)

    def dispatch_rules(self, location_id: int) -> DispatchRules:
        site = self.sites.get(location_id)
        if site.kind == STORE:
            # A store hands parcels over on the days it opens (no hours known: weekdays).
            hours = site.hours if site.has_hours else None
            return DispatchRules(self.offers.store_cut_off, site.hours.timezone, hours=hours)
        return DispatchRules(self.offers.warehouse_cut_off, site.hours.timezone)

    def carrier(self, code: str) -> CarrierService:
        return CarrierService(code, self.offers[code].transit_days)


def delivery_options(
    *,
    lines: list[OrderLine],
    variant_ids: dict[str, int],
    place: Place,
    offers: DeliveryOffers,
    now: datetime,
    channel: str = "web",
) -> list[DeliveryOption]:
    """Every option for this place, available or not (with its reason), cheapest first among
    the available ones. Guarantees: an available option's pieces cover every line from units
    available to `channel` now."""
    context = _Context(
        lines=lines,
        candidates=sourcing_candidates(variant_ids=variant_ids, channel=channel),
        offers=offers,
        now=now,
        sites=_Sites(),
    )
    if place.kind == "store":
        options = _store_options(context, place)
    else:
        options = _home_options(context, place)
    return sorted(options, key=lambda o: (not o.available, o.price, o.code))


# --- home -------------------------------------------------------------------------------------


def _shipping_store_ids(candidates: list[CandidateLocation]) -> set[int]:
    stores = [c.location_id for c in candidates if c.kind == STORE]
    if not stores:
        return set()
    offering = location_list().filter(pk__in=stores, services__service="ship_from_store")
    return set(offering.values_list("pk", flat=True))


def _missing(lines: tuple[OrderLine, ...]) -> str:
    named = ", ".join(f"{line.sku} ×{line.quantity}" for line in lines)
    return f"Not in stock anywhere that can send it: {named}."


def _covers(available: dict[str, int], lines: list[OrderLine]) -> bool:
    return all(available.get(line.sku, 0) >= line.quantity for line in lines)


def _all_from(lines: list[OrderLine], location_id: int) -> tuple[Piece, ...]:
    return tuple(Piece(line.sku, line.quantity, location_id) for line in lines)


def _pieces(plan_assignments: tuple) -> tuple[Piece, ...]:
    return tuple(Piece(a.sku, a.quantity, a.location_id) for a in plan_assignments)


def _home_options(context: _Context, place: Place) -> list[DeliveryOption]:
    shipping = _shipping_store_ids(context.candidates)
    candidates = [
        replace(c, ships_from_store=c.location_id in shipping) if c.kind == STORE else c
        for c in context.candidates
    ]
    destination = Destination.home(place.point.latitude, place.point.longitude)
    home = FulfilmentMode.HOME_DELIVERY
    options: list[DeliveryOption] = []
    plan = source_order(context.lines, destination, candidates)
    if plan.unsourced:
        reason = _missing(plan.unsourced)
        options += [context.unavailable(c, home, reason) for c in (HOME_STANDARD, HOME_EXPRESS)]
        options.append(context.unavailable(HOME_TIME_SLOT, home, reason))
    else:
        options += _parcel_options(context, plan.assignments, plan.location_ids)
    options.append(_same_day(context, place, candidates))
    options.append(_ship_from_store(context, destination, candidates))
    return options


def _arrival(context: _Context, location_ids: tuple[int, ...], code: str) -> tuple[date, int]:
    """The date the last parcel arrives, and the location it leaves from."""
    carrier = context.carrier(code)
    dates = {
        location_id: home_delivery_date(
            now=context.now, dispatch=context.dispatch_rules(location_id), carrier=carrier
        )
        for location_id in location_ids
    }
    last = max(location_ids, key=lambda pk: (dates[pk], pk))
    return dates[last], last


def _codes(context: _Context, location_ids: tuple[int, ...]) -> tuple[str, ...]:
    return tuple(context.sites.get(pk).code for pk in location_ids)


def _parcel_options(
    context: _Context, assignments: tuple, location_ids: tuple[int, ...]
) -> list[DeliveryOption]:
    home = FulfilmentMode.HOME_DELIVERY
    pieces, sources = _pieces(assignments), _codes(context, location_ids)
    options = []
    for code in (HOME_STANDARD, HOME_EXPRESS):
        arrives, _ = _arrival(context, location_ids, code)
        options.append(
            context.option(
                code,
                home,
                promised_date=arrives,
                promise=f"delivered on {_day_words(arrives)}",
                from_locations=sources,
                pieces=pieces,
            )
        )
    arrives, last = _arrival(context, location_ids, HOME_TIME_SLOT)
    slots = delivery_slots(
        now=context.now,
        dispatch=context.dispatch_rules(last),
        carrier=context.carrier(HOME_TIME_SLOT),
        slots=context.offers.slots,
        days=context.offers.slot_days,
    )
    options.append(
        context.option(
            HOME_TIME_SLOT,
            home,
            promised_date=arrives,
            promise=f"delivered in the slot you choose, from {_day_words(arrives)}",
            from_locations=sources,
            slots=tuple(Slot(s.starts_at, s.ends_at) for s in slots),
            pieces=pieces,
        )
    )
    return options


def _same_day(
    context: _Context, place: Place, candidates: list[CandidateLocation]
) -> DeliveryOption:
    mode = FulfilmentMode.SHIP_FROM_STORE
    offers = context.offers
    near = []
    for candidate in candidates:
        if candidate.kind != STORE or not candidate.ships_from_store:
            continue
        distance = haversine_km(place.point, GeoPoint(candidate.latitude, candidate.longitude))
        has_all = _covers(candidate.available, context.lines)
        if distance <= offers.same_day_max_km and has_all:
            near.append((candidate.location_id, distance))
    stores = [
        SameDayStore(
            location_id=pk,
            hours=context.sites.get(pk).hours,
            cut_off=offers.same_day_cut_off,
            distance_km=distance,
            has_stock=True,
        )
        for pk, distance in near
    ]
    promise = same_day_delivery(
        now=context.now,
        stores=stores,
        max_distance_km=offers.same_day_max_km,
        delivered_by=offers.same_day_delivered_by,
    )
    if promise is None:
        reason = (
            f"No store within {offers.same_day_max_km:g} km has every item and is still before "
            f"its same-day cut-off ({offers.same_day_cut_off:%H:%M})."
            if near
            else f"No store within {offers.same_day_max_km:g} km has every item in stock."
        )
        return context.unavailable(SAME_DAY, mode, reason)
    site = context.sites.get(promise.location_id)
    local = promise.delivered_by.astimezone(ZoneInfo(site.hours.timezone))
    return context.option(
        SAME_DAY,
        mode,
        promised_date=local.date(),
        ready_by=promise.delivered_by,
        promise=f"delivered today by {local:%H:%M} from {site.name}",
        from_locations=(site.code,),
        pieces=_all_from(context.lines, site.id),
    )


def _ship_from_store(
    context: _Context, destination: Destination, candidates: list[CandidateLocation]
) -> DeliveryOption:
    mode = FulfilmentMode.SHIP_FROM_STORE
    stores = [c for c in candidates if c.kind == STORE and c.ships_from_store]
    plan = source_order(context.lines, destination, stores)
    if not stores or plan.unsourced:
        return context.unavailable(
            SHIP_FROM_STORE, mode, "No store that ships parcels has every item in stock."
        )
    arrives, _ = _arrival(context, plan.location_ids, SHIP_FROM_STORE)
    return context.option(
        SHIP_FROM_STORE,
        mode,
        promised_date=arrives,
        promise=f"delivered on {_day_words(arrives)}",
        from_locations=_codes(context, plan.location_ids),
        pieces=_pieces(plan.assignments),
    )


def _day_words(day: date) -> str:
    # Names from the promise's tables, not strftime: the process locale must not change them.
    return f"{WEEKDAYS[day.weekday()]} {day.day} {MONTHS[day.month - 1]}"


# --- pickup store -----------------------------------------------------------------------------


def _store_options(context: _Context, place: Place) -> list[DeliveryOption]:
    if place.store_id is None:
        raise ValueError("a pickup place names its store")
    store = context.sites.get(place.store_id)
    here = next((c for c in context.candidates if c.location_id == store.id), None)
    stocked = here is not None and _covers(here.available, context.lines)
    collect = _collect(context, store, CLICK_AND_COLLECT, stocked)
    return [
        collect,
        _collect(context, store, RESERVE_AND_COLLECT, stocked),
        _ship_to_store(context, store, collect_from_shelf=collect.available),
    ]


def _collect(context: _Context, store: _Site, code: str, stocked: bool) -> DeliveryOption:
    mode = FulfilmentMode(code)
    service = "click & collect" if code == CLICK_AND_COLLECT else "reserve & collect"
    if code not in store.services:
        return context.unavailable(code, mode, f"{store.name} does not offer {service}.")
    if not stocked:
        return context.unavailable(code, mode, f"Not every item is in stock at {store.name}.")
    ready = pickup_ready_by(now=context.now, hours=store.hours, lead_minutes=store.services[code])
    if ready is None:
        return context.unavailable(code, mode, f"{store.name} has no opening hours ahead.")
    words = describe_ready_by(ready, now=context.now, timezone=store.hours.timezone)
    held_until = context.now + RESERVATION_WINDOW if code == RESERVE_AND_COLLECT else None
    return context.option(
        code,
        mode,
        ready_by=ready,
        held_until=held_until,
        promise=f"{words} in {store.name}",
        store_code=store.code,
        from_locations=(store.code,),
        pieces=_all_from(context.lines, store.id),
    )


def _ship_to_store(context: _Context, store: _Site, *, collect_from_shelf: bool) -> DeliveryOption:
    mode = FulfilmentMode.SHIP_TO_STORE
    if CLICK_AND_COLLECT not in store.services:
        return context.unavailable(
            SHIP_TO_STORE, mode, f"{store.name} has no collection counter (no click & collect)."
        )
    if collect_from_shelf:
        return context.unavailable(
            SHIP_TO_STORE, mode, f"In stock at {store.name}: click & collect is ready sooner."
        )
    # Transfers go between the retailer's own locations: any location holding stock may send.
    elsewhere = [c for c in context.candidates if c.location_id != store.id]
    destination = Destination.pickup(store.id, store.point.latitude, store.point.longitude)
    plan = source_order(context.lines, destination, elsewhere)
    if not elsewhere or plan.unsourced:
        return context.unavailable(
            SHIP_TO_STORE, mode, _missing(plan.unsourced or tuple(context.lines))
        )
    carrier = context.carrier(SHIP_TO_STORE)
    readies = [
        ship_to_store_ready_by(
            now=context.now,
            dispatch=context.dispatch_rules(pk),
            carrier=carrier,
            store_hours=store.hours,
            receiving_minutes=context.offers.receiving_minutes,
        )
        for pk in plan.location_ids
    ]
    if any(ready is None for ready in readies):
        return context.unavailable(SHIP_TO_STORE, mode, f"{store.name} has no opening hours ahead.")
    ready = max(r for r in readies if r is not None)
    words = describe_ready_by(ready, now=context.now, timezone=store.hours.timezone)
    return context.option(
        SHIP_TO_STORE,
        mode,
        ready_by=ready,
        promise=f"{words} in {store.name}",
        store_code=store.code,
        from_locations=_codes(context, plan.location_ids),
        pieces=_pieces(plan.assignments),
    )
