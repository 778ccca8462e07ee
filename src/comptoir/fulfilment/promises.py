"""The promise kept on an order's store tasks, made from the moment the order was placed (not
when a worker gets to it) with the same offers and rules the delivery options showed
(`offers.delivery_offers`, `options.model.dispatch_rules`), so that what the task keeps is what
the shopper was told: the ship task keeps the day its parcel is due (which
`fulfilment.dispatched` carries to shipping, whose late-parcel alert measures against it); the
set-aside task's deadline is when the store promised it ready.

The option the shopper chose (`Order.delivery_option`, set by checkout) gives the carrier's
days; an order placed without one (an integration, the call centre) is promised the standard
home delivery. Shipping later picks the cheapest carrier service that keeps the promise.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from zoneinfo import ZoneInfo

from .domain.promise import (
    dispatch_date,
    home_delivery_date,
    pickup_ready_by,
    ship_to_store_ready_by,
)
from .offers import HOME_STANDARD, SAME_DAY, SHIP_TO_STORE, delivery_offers
from .options.model import Sites, carrier_service, dispatch_rules

SET_ASIDE_MINUTES = 120  # of open time, when the store declared no lead time for the service


def parcel_promised_by(
    *, from_location_id: int, placed_at: datetime, option: str = "", sites: Sites | None = None
) -> date:
    """The day a parcel leaving this location for an order placed at `placed_at` with the
    delivery `option` is promised at its destination (the customer's door or the store)."""
    offers = delivery_offers()
    site = (sites or Sites(placed_at)).get(from_location_id)
    if option == SAME_DAY:
        return placed_at.astimezone(ZoneInfo(site.hours.timezone)).date()
    code = option if option in offers.offers and offers[option].transit_days else HOME_STANDARD
    carrier = carrier_service(code, offers, site)
    rules = dispatch_rules(site, offers)
    try:
        return home_delivery_date(now=placed_at, dispatch=rules, carrier=carrier)
    except ValueError:
        # Hours that leave no dispatch day in a year (a store open on Sundays only): a promise
        # from its weekdays alone, rather than no store task at all.
        rules = replace(rules, hours=None)
        return home_delivery_date(now=placed_at, dispatch=rules, carrier=carrier)


def parcel_dispatch_day(
    *, from_location_id: int, placed_at: datetime, sites: Sites | None = None
) -> date:
    """The local day the carrier collects a parcel of an order placed at `placed_at` from
    this location: the dispatch the promise counts from (its cut-off, working days and
    holidays, a store's opening days), so capacity's cut-off bucket is the promise's."""
    site = (sites or Sites(placed_at)).get(from_location_id)
    rules = dispatch_rules(site, delivery_offers())
    try:
        return dispatch_date(now=placed_at, rules=rules)
    except ValueError:  # as parcel_promised_by: from its weekdays alone
        return dispatch_date(now=placed_at, rules=replace(rules, hours=None))


def dispatch_days(
    location_ids: list[int], now: datetime, sites: Sites | None = None
) -> dict[int, date]:
    """`parcel_dispatch_day` of each location, its sites read in one batch."""
    sites = sites or Sites(now)
    sites.load(location_ids)
    return {
        pk: parcel_dispatch_day(from_location_id=pk, placed_at=now, sites=sites)
        for pk in location_ids
    }


def pickup_ready_at(
    *,
    store_id: int,
    placed_at: datetime,
    service: str,
    shipped_from_id: int | None = None,
    sites: Sites | None = None,
) -> datetime | None:
    """When a pickup order is promised ready at its store: the service's lead time of open
    time after the order, or, for units shipped there from `shipped_from_id`, the carrier's
    days and the time to receive them. None: the store's opening hours are not known."""
    sites = sites or Sites(placed_at)
    store = sites.get(store_id)
    if not store.has_hours:
        return None
    if shipped_from_id is None:
        lead = store.services.get(service) or SET_ASIDE_MINUTES
        return pickup_ready_by(now=placed_at, hours=store.hours, lead_minutes=lead)
    offers = delivery_offers()
    try:
        return ship_to_store_ready_by(
            now=placed_at,
            dispatch=dispatch_rules(sites.get(shipped_from_id), offers),
            carrier=carrier_service(SHIP_TO_STORE, offers, sites.get(shipped_from_id)),
            store_hours=store.hours,
            receiving_minutes=offers.receiving_minutes,
        )
    except ValueError:  # the origin never dispatches: no promise, the default deadline applies
        return None


def local_day(moment: datetime, *, timezone: str) -> date:
    """The day `moment` falls on in `timezone`."""
    return moment.astimezone(ZoneInfo(timezone)).date()
