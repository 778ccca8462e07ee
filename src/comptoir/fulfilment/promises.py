"""The promise made to the customer when an order is placed, from
`comptoir.fulfilment.domain.promise`: the dispatch location's cut-off and days, the carrier's
business days, the pickup store's opening hours and lead time.

Computed once, from the moment the order was placed (not when a worker gets to it), and kept
on the order's store tasks: the ship task keeps the date its parcel is promised by (which
`fulfilment.dispatched` carries to shipping, whose late-parcel alert measures against it); the
set-aside task's deadline is when the store promised it ready.

The carrier is not known before dispatch (shipping chooses it, and fulfilment may not read
shipping), so the promise assumes the standard service below; shipping then picks the cheapest
service that keeps it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from comptoir.locations.domain import ClosureDay, WeeklyRange
from comptoir.locations.selectors import location_by_code, location_detail

from .domain.promise import (
    MONDAY_TO_FRIDAY,
    MONDAY_TO_SATURDAY,
    CarrierService,
    DispatchRules,
    OpeningHours,
    home_delivery_date,
    pickup_ready_by,
    ship_to_store_ready_by,
)

# A warehouse hands parcels over on weekdays until 16:00; a store on the days it opens (Monday
# to Saturday) until 15:00, its afternoon being for customers. Standard parcels take two of the
# carrier's delivery days (Monday to Saturday).
WAREHOUSE_CUT_OFF = time(16)
STORE_CUT_OFF = time(15)
STANDARD_CARRIER = CarrierService(code="standard", transit_days=2)
SET_ASIDE_MINUTES = 120  # of open time, when the store declared no pickup lead time
RECEIVING_MINUTES = 60  # a parcel shipped to a store: received and set aside


@dataclass(frozen=True)
class _Place:
    kind: str
    hours: OpeningHours | None  # None: no hours known (a warehouse usually)
    pickup_lead_minutes: int


def _place(location_code: str, *, at: datetime) -> _Place:
    location = location_detail(code=location_code, now=at - timedelta(days=1))
    weekly = tuple(WeeklyRange(h.weekday, h.opens, h.closes) for h in location.opening_hours.all())
    closures = tuple(ClosureDay(c.date, c.opens, c.closes) for c in location.closures.all())
    leads = [s.pickup_lead_minutes for s in location.services.all() if s.pickup_lead_minutes]
    hours = OpeningHours(weekly, closures, location.timezone) if weekly else None
    return _Place(location.kind, hours, max(leads, default=0))


def _dispatch_rules(place: _Place) -> DispatchRules:
    if place.kind == "store":
        timezone = place.hours.timezone if place.hours else "Europe/Paris"
        return DispatchRules(STORE_CUT_OFF, timezone, MONDAY_TO_SATURDAY, hours=place.hours)
    return DispatchRules(WAREHOUSE_CUT_OFF, weekdays=MONDAY_TO_FRIDAY)


def parcel_promised_by(*, from_location_code: str, placed_at: datetime) -> date:
    """The day a parcel leaving `from_location_code` for an order placed at `placed_at` is
    promised at its destination (the customer's door or the pickup store)."""
    rules = _dispatch_rules(_place(from_location_code, at=placed_at))
    try:
        return home_delivery_date(now=placed_at, dispatch=rules, carrier=STANDARD_CARRIER)
    except ValueError:
        # Hours that leave no dispatch day in a year (a store open on Sundays only): a promise
        # from its weekdays alone, rather than no store task at all.
        rules = DispatchRules(rules.cut_off, rules.timezone, rules.weekdays)
        return home_delivery_date(now=placed_at, dispatch=rules, carrier=STANDARD_CARRIER)


def pickup_ready_at(
    *, store_code: str, placed_at: datetime, shipped_from_code: str | None = None
) -> datetime | None:
    """When a pickup order is promised ready at its store: the store's lead time of open time
    after the order, or, for units shipped there from `shipped_from_code`, the carrier's day
    and the time to receive them. None: the store's opening hours are not known."""
    store = _place(store_code, at=placed_at)
    if store.hours is None:
        return None
    if shipped_from_code is None:
        lead = store.pickup_lead_minutes or SET_ASIDE_MINUTES
        return pickup_ready_by(now=placed_at, hours=store.hours, lead_minutes=lead)
    rules = _dispatch_rules(_place(shipped_from_code, at=placed_at))
    try:
        return ship_to_store_ready_by(
            now=placed_at,
            dispatch=rules,
            carrier=STANDARD_CARRIER,
            store_hours=store.hours,
            receiving_minutes=RECEIVING_MINUTES,
        )
    except ValueError:  # the origin never dispatches: no promise, the 2-hour default applies
        return None


def local_day(moment: datetime, *, store_code: str) -> date:
    """The day `moment` falls on where the store is."""
    return moment.astimezone(ZoneInfo(location_by_code(code=store_code).timezone)).date()
