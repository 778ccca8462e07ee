"""Options collected in a store: click & collect, reserve & collect, ship-to-store."""

from __future__ import annotations

from comptoir.orders.domain import FulfilmentMode
from comptoir.orders.services.placing import RESERVATION_WINDOW

from ..domain.promise import (
    describe_ready_by,
    pickup_ready_by,
    ship_to_store_ready_by,
)
from ..domain.sourcing import STORE, Destination, source_order
from ..offers import (
    CLICK_AND_COLLECT,
    RESERVE_AND_COLLECT,
    SHIP_TO_STORE,
)
from .model import (
    NO_COUNTER,
    NO_OPENING_AHEAD,
    NOT_IN_STOCK,
    NOT_IN_THE_STORE,
    NOT_OFFERED,
    ON_THE_SHELF,
    PICKING_FULL,
    Context,
    DeliveryOption,
    Place,
    Refusal,
    Site,
    all_from,
    codes,
    covers,
    day_words,
    missing,
    pieces_of,
    why_not_sent,
)


def store_options(context: Context, place: Place) -> list[DeliveryOption]:
    if place.store_id is None:
        raise ValueError("a pickup place names its store")
    store = context.sites.get(place.store_id)
    here = next((c for c in context.candidates if c.location_id == store.id), None)
    stocked = here is not None and covers(here.available, context.lines)
    # The store's units, but not the hands to pick them today (capacity.py); its carrier
    # collection does not count: collected here, they leave with no carrier.
    units = sum(line.quantity for line in context.lines)
    busy = here is not None and here.day_remaining < units
    collect = _collect(context, store, CLICK_AND_COLLECT, stocked, busy)
    return [
        collect,
        _collect(context, store, RESERVE_AND_COLLECT, stocked, busy),
        _ship_to_store(context, store, collect_from_shelf=collect.available),
    ]


def _collect(context: Context, store: Site, code: str, stocked: bool, busy: bool) -> DeliveryOption:
    mode = FulfilmentMode(code)
    service = "click & collect" if code == CLICK_AND_COLLECT else "reserve & collect"
    if code not in store.services:
        return context.unavailable(
            code, mode, f"{store.name} does not offer {service}.", NOT_OFFERED
        )
    if not stocked:
        return context.unavailable(
            code, mode, f"Not every item is in stock at {store.name}.", NOT_IN_THE_STORE
        )
    if busy:
        return context.unavailable(
            code, mode, f"{store.name} can pick no more today: its capacity is full.", PICKING_FULL
        )
    ready = pickup_ready_by(now=context.now, hours=store.hours, lead_minutes=store.services[code])
    if ready is None:
        return context.unavailable(
            code, mode, f"{store.name} has no opening hours ahead.", NO_OPENING_AHEAD
        )
    words = describe_ready_by(
        ready, now=context.now, say_date=day_words, timezone=store.hours.timezone
    )
    held_until = context.now + RESERVATION_WINDOW if code == RESERVE_AND_COLLECT else None
    return context.option(
        code,
        mode,
        ready_by=ready,
        held_until=held_until,
        promise=f"{words} in {store.name}",
        store_code=store.code,
        from_locations=(store.code,),
        pieces=all_from(context.lines, store.id),
    )


def _ship_to_store(context: Context, store: Site, *, collect_from_shelf: bool) -> DeliveryOption:
    mode = FulfilmentMode.SHIP_TO_STORE
    if CLICK_AND_COLLECT not in store.services:
        return context.unavailable(
            SHIP_TO_STORE,
            mode,
            f"{store.name} has no collection counter (no click & collect).",
            NO_COUNTER,
        )
    if collect_from_shelf:
        return context.unavailable(
            SHIP_TO_STORE,
            mode,
            f"In stock at {store.name}: click & collect is ready sooner.",
            ON_THE_SHELF,
        )
    # A transfer is a parcel: it leaves from a warehouse or a store that ships from store.
    elsewhere = [c for c in context.candidates if c.location_id != store.id]
    destination = Destination.pickup(store.id, store.point.latitude, store.point.longitude)
    plan = source_order(context.lines, destination, elsewhere)
    if not elsewhere or plan.unsourced:
        unsourced = plan.unsourced or tuple(context.lines)
        senders = [c for c in elsewhere if c.kind != STORE or c.ships_from_store]
        refusal = why_not_sent(senders, elsewhere, unsourced) or Refusal(
            missing(unsourced), NOT_IN_STOCK
        )
        return context.unavailable(SHIP_TO_STORE, mode, refusal.words, refusal.code, refusal.about)
    readies = [
        ship_to_store_ready_by(
            now=context.now,
            dispatch=context.dispatch_rules(pk),
            carrier=context.carrier(SHIP_TO_STORE, from_location_id=pk),
            store_hours=store.hours,
            receiving_minutes=context.offers.receiving_minutes,
        )
        for pk in plan.location_ids
    ]
    if any(ready is None for ready in readies):
        return context.unavailable(
            SHIP_TO_STORE, mode, f"{store.name} has no opening hours ahead.", NO_OPENING_AHEAD
        )
    ready = max(r for r in readies if r is not None)
    words = describe_ready_by(
        ready, now=context.now, say_date=day_words, timezone=store.hours.timezone
    )
    return context.option(
        SHIP_TO_STORE,
        mode,
        ready_by=ready,
        promise=f"{words} in {store.name}",
        store_code=store.code,
        from_locations=codes(context, plan.location_ids),
        pieces=pieces_of(plan.assignments),
    )
