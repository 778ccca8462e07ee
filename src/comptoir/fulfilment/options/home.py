"""Options to a home: parcels (standard, express, a time slot), same day, from a store."""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

from comptoir.locations.domain import GeoPoint, haversine_km
from comptoir.orders.domain import FulfilmentMode

from ..domain.promise import (
    PUBLIC_HOLIDAY,
    SameDayStore,
    delivery_slots,
    home_delivery_date,
    same_day_delivery,
    same_day_too_late,
)
from ..domain.sourcing import STORE, CandidateLocation, Destination, source_order
from ..offers import (
    HOME_EXPRESS,
    HOME_STANDARD,
    HOME_TIME_SLOT,
    SAME_DAY,
    SHIP_FROM_STORE,
)
from ..selectors import full_slots, same_day_full
from .model import (
    CLOSED_TODAY,
    DOES_NOT_SHIP,
    NO_SHIPPING_STORE,
    NO_STORE_NEAR,
    NOT_IN_STOCK,
    PAST_CUT_OFF,
    SAME_DAY_FULL,
    SLOTS_FULL,
    Context,
    DeliveryOption,
    Place,
    Refusal,
    Slot,
    all_from,
    codes,
    covers,
    day_words,
    missing,
    pieces_of,
    why_not_sent,
)


def home_options(context: Context, place: Place) -> list[DeliveryOption]:
    candidates = context.candidates  # each store's ship_from_store as the selector read it
    destination = Destination.home(place.point.latitude, place.point.longitude)
    home = FulfilmentMode.HOME_DELIVERY
    options: list[DeliveryOption] = []
    plan = source_order(context.lines, destination, candidates)
    if plan.unsourced:
        senders = [c for c in candidates if c.kind != STORE or c.ships_from_store]
        refusal = why_not_sent(senders, candidates, plan.unsourced) or Refusal(
            missing(plan.unsourced), NOT_IN_STOCK
        )
        options += [
            context.unavailable(c, home, refusal.words, refusal.code, refusal.about)
            for c in (HOME_STANDARD, HOME_EXPRESS, HOME_TIME_SLOT)
        ]
    else:
        options += _parcel_options(context, plan.assignments, plan.location_ids)
    options.append(_same_day(context, place, candidates))
    options.append(_ship_from_store(context, destination, candidates))
    return options


def _arrival(context: Context, location_ids: tuple[int, ...], code: str) -> tuple[date, int]:
    """The date the last parcel arrives, and the location it leaves from."""
    context.sites.load(location_ids)
    dates = {
        location_id: home_delivery_date(
            now=context.now,
            dispatch=context.dispatch_rules(location_id),
            carrier=context.carrier(code, from_location_id=location_id),
        )
        for location_id in location_ids
    }
    last = max(location_ids, key=lambda pk: (dates[pk], pk))
    return dates[last], last


def _parcel_options(
    context: Context, assignments: tuple, location_ids: tuple[int, ...]
) -> list[DeliveryOption]:
    home = FulfilmentMode.HOME_DELIVERY
    pieces, sources = pieces_of(assignments), codes(context, location_ids)
    options = []
    for code in (HOME_STANDARD, HOME_EXPRESS):
        arrives, _ = _arrival(context, location_ids, code)
        options.append(
            context.option(
                code,
                home,
                promised_date=arrives,
                promise=f"delivered on {day_words(arrives)}",
                from_locations=sources,
                pieces=pieces,
            )
        )
    arrives, last = _arrival(context, location_ids, HOME_TIME_SLOT)
    slots = delivery_slots(
        now=context.now,
        dispatch=context.dispatch_rules(last),
        carrier=context.carrier(HOME_TIME_SLOT, from_location_id=last),
        slots=context.offers.slots,
        days=context.offers.slot_days,
    )
    # A full slot is not offered (capacity.py): one whose every place is taken at a location
    # the parcels leave from.
    full = full_slots(location_ids=location_ids, starts=[s.starts_at for s in slots])
    open_slots = tuple(Slot(s.starts_at, s.ends_at) for s in slots if s.starts_at not in full)
    if slots and not open_slots:
        reason = "Every delivery slot is full: choose another delivery."
        options.append(context.unavailable(HOME_TIME_SLOT, home, reason, SLOTS_FULL))
        return options
    options.append(
        context.option(
            HOME_TIME_SLOT,
            home,
            promised_date=arrives,
            promise=f"delivered in the slot you choose, from {day_words(arrives)}",
            from_locations=sources,
            slots=open_slots,
            pieces=pieces,
        )
    )
    return options


CLOSED_WORDS = {
    CLOSED_TODAY: "is closed today.",
    PUBLIC_HOLIDAY: "delivers nothing today: a public holiday.",
}


def _same_day(
    context: Context, place: Place, candidates: list[CandidateLocation]
) -> DeliveryOption:
    """The nearest store within reach that has every line and can still send today; else the
    true reason, from the store that came closest (it ships, has room, is open, cut-off)."""
    mode, offers = FulfilmentMode.SHIP_FROM_STORE, context.offers
    near = [
        (haversine_km(place.point, GeoPoint(c.latitude, c.longitude)), c)
        for c in candidates
        if c.kind == STORE and covers(c.available, context.lines)
    ]
    near = sorted(
        ((km, c) for km, c in near if km <= offers.same_day_max_km),
        key=lambda pair: (pair[0], pair[1].location_id),
    )
    if not near:
        reason = f"No store within {offers.same_day_max_km:g} km has every item in stock."
        return context.unavailable(SAME_DAY, mode, reason, NO_STORE_NEAR)
    context.sites.load(c.location_id for _, c in near)
    full = same_day_full(location_ids=[c.location_id for _, c in near], now=context.now)
    units = sum(line.quantity for line in context.lines)
    refusals: list[tuple[int, Refusal]] = []  # how close it came, and why not
    for distance, candidate in near:
        name = candidate.name
        if not candidate.ships_from_store:
            words = f"{name} has every item but does not deliver from the store."
            refusals.append((0, Refusal(words, DOES_NOT_SHIP, name)))
            continue
        if candidate.location_id in full or candidate.remaining_capacity < units:
            # its same-day orders, or the units it can pick, are taken for today
            words = f"Same-day delivery is full today at {name}."
            refusals.append((1, Refusal(words, SAME_DAY_FULL, name)))
            continue
        site = context.sites.get(candidate.location_id)
        store = SameDayStore(
            location_id=candidate.location_id,
            hours=site.hours,
            cut_off=offers.same_day_cut_off,
            distance_km=distance,
            has_stock=True,
            country=site.country,
        )
        late = same_day_too_late(now=context.now, store=store)
        if late in CLOSED_WORDS:  # a public holiday is closed today, for same day
            refusals.append((2, Refusal(f"{name} {CLOSED_WORDS[late]}", CLOSED_TODAY, name)))
            continue
        if late == PAST_CUT_OFF:
            words = (
                f"{name} has every item, but it is past its same-day cut-off "
                f"({offers.same_day_cut_off:%H:%M})."
            )
            refusals.append((3, Refusal(words, PAST_CUT_OFF, name)))
            continue
        return _same_day_from(context, store)
    _, refusal = max(refusals, key=lambda pair: pair[0])  # the nearest of those closest
    return context.unavailable(SAME_DAY, mode, refusal.words, refusal.code, refusal.about)


def _same_day_from(context: Context, store: SameDayStore) -> DeliveryOption:
    offers = context.offers
    promise = same_day_delivery(
        now=context.now,
        stores=[store],
        max_distance_km=offers.same_day_max_km,
        delivered_by=offers.same_day_delivered_by,
    )
    if promise is None:  # same_day_too_late said it could
        raise AssertionError("a store that can send today made no same-day promise")
    site = context.sites.get(promise.location_id)
    local = promise.delivered_by.astimezone(ZoneInfo(site.hours.timezone))
    return context.option(
        SAME_DAY,
        FulfilmentMode.SHIP_FROM_STORE,
        promised_date=local.date(),
        ready_by=promise.delivered_by,
        promise=f"delivered today by {local:%H:%M} from {site.name}",
        from_locations=(site.code,),
        pieces=all_from(context.lines, site.id),
    )


def _ship_from_store(
    context: Context, destination: Destination, candidates: list[CandidateLocation]
) -> DeliveryOption:
    mode = FulfilmentMode.SHIP_FROM_STORE
    stores = [c for c in candidates if c.kind == STORE and c.ships_from_store]
    plan = source_order(context.lines, destination, stores)
    if not stores or plan.unsourced:
        unsourced = plan.unsourced or tuple(context.lines)
        refusal = why_not_sent(stores, candidates, unsourced) or Refusal(
            "No store that ships parcels has every item in stock.", NO_SHIPPING_STORE
        )
        return context.unavailable(
            SHIP_FROM_STORE, mode, refusal.words, refusal.code, refusal.about
        )
    arrives, _ = _arrival(context, plan.location_ids, SHIP_FROM_STORE)
    return context.option(
        SHIP_FROM_STORE,
        mode,
        promised_date=arrives,
        promise=f"delivered on {day_words(arrives)}",
        from_locations=codes(context, plan.location_ids),
        pieces=pieces_of(plan.assignments),
    )
