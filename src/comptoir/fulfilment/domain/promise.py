"""The delivery promise: when an order is ready in a store, or at the customer's door. No Django.

Every function takes `now` (an aware datetime) and returns aware UTC datetimes or local dates;
wall-clock rules (opening hours, cut-offs, time slots) are read in the location's own zone, so
a 16:00 cut-off is 16:00 in Paris on both sides of a DST change. Opening hours use the
locations app's representation (`WeeklyRange`, `ClosureDay`), wrapped in `OpeningHours`.

- Click & collect / reserve & collect: the store needs `lead_minutes` of *open* time to pick;
  an order placed at night is ready that long after the next opening.
- Home delivery: the parcel leaves on the dispatch location's next dispatch day if the order
  comes before its cut-off (else the one after); the carrier then takes `transit_days` of its
  delivery days (Monday to Saturday at most, never Sunday). Both count working days of
  `comptoir.core.calendar.WorkingCalendar`: never a public holiday of the country.
- Same day: a nearby store that has the stock, ships from store, is open today and before its
  same-day cut-off.
- Ship-to-store: delivered to the store on the carrier's date, received when it opens, ready
  `receiving_minutes` of open time later.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import cached_property
from zoneinfo import ZoneInfo

from comptoir.core.calendar import WorkingCalendar, public_holidays_of
from comptoir.locations.domain import OPENING_SEARCH_DAYS, ClosureDay, WeeklyRange, hours_on

PARIS = "Europe/Paris"
SUNDAY = 6
MONDAY_TO_FRIDAY = frozenset(range(5))
MONDAY_TO_SATURDAY = frozenset(range(6))


@dataclass(frozen=True)
class OpeningHours:
    """A store's weekly ranges and exceptional days, in its own time zone."""

    weekly: tuple[WeeklyRange, ...]
    closures: tuple[ClosureDay, ...] = ()
    timezone: str = PARIS

    def opens_on(self, day: date) -> bool:
        return bool(hours_on(day, self.weekly, self.closures))


def _aware(day: date, at: time, zone: ZoneInfo) -> datetime:
    """A local wall-clock time as a UTC instant (a time skipped by DST moves an hour later)."""
    # An ambiguous time (the autumn hour repeated) is its first occurrence; a skipped one
    # (02:30 on the spring day) is read with the winter offset, i.e. 03:30 summer time.
    return datetime.combine(day, at, tzinfo=zone).astimezone(UTC)


def open_periods(hours: OpeningHours, *, after: datetime) -> Iterator[tuple[datetime, datetime]]:
    """The store's open periods (UTC) that end after `after`, in order, up to a year ahead."""
    zone = ZoneInfo(hours.timezone)
    first_day = after.astimezone(zone).date() - timedelta(days=1)  # a late range may run on
    for offset in range(OPENING_SEARCH_DAYS + 2):
        day = first_day + timedelta(days=offset)
        for opens, closes in hours_on(day, hours.weekly, hours.closures):
            start = _aware(day, opens, zone)
            end_day = day + timedelta(days=1) if closes <= opens else day
            end = _aware(end_day, closes, zone)
            if end > after:
                yield start, end


def pickup_ready_by(*, now: datetime, hours: OpeningHours, lead_minutes: int) -> datetime | None:
    """When an order placed at `now` is ready to collect: `lead_minutes` of open time later.

    Picking happens only while the store is open, and the result is always a time the store is
    open (ready exactly at closing time means ready at the next opening). None: the store opens
    on none of the next year's days.
    """
    if now.tzinfo is None:
        raise ValueError("`now` must be an aware datetime")
    left = timedelta(minutes=max(0, lead_minutes))
    for start, end in open_periods(hours, after=now):
        begin = max(start, now)
        if begin + left < end:
            return (begin + left).astimezone(UTC)
        left -= end - begin
    return None


def describe_ready_by(
    ready_at: datetime,
    *,
    now: datetime,
    say_date: Callable[[date], str],
    timezone: str = PARIS,
) -> str:
    """The ready-by time in words, in the store's zone: "ready today at 15:00", "ready tomorrow
    at 10:00", "ready on Saturday 28 November at 10:00"."""
    zone = ZoneInfo(timezone)
    local, today = ready_at.astimezone(zone), now.astimezone(zone).date()
    clock = f"{local.hour:02d}:{local.minute:02d}"
    if local.date() == today:
        return f"ready today at {clock}"
    if local.date() == today + timedelta(days=1):
        return f"ready tomorrow at {clock}"
    # The day in words by the caller's locale library (comptoir.core.words), never strftime.
    return f"ready on {say_date(local.date())} at {clock}"


# --- home delivery ----------------------------------------------------------------------------


@dataclass(frozen=True)
class DispatchRules:
    """When a warehouse or a shipping store hands parcels to the carrier.

    An order before `cut_off` (local) on a dispatch day leaves that day. Dispatch days are the
    working days of the location's calendar (`weekdays`, minus the public holidays of its
    `country` and `subdivision`, minus `closed_days`); a store dispatches only on the days
    it opens, too (give its `hours`).
    """

    cut_off: time
    timezone: str = PARIS
    weekdays: frozenset[int] = MONDAY_TO_FRIDAY
    closed_days: frozenset[date] = frozenset()
    hours: OpeningHours | None = None
    country: str = "FR"  # "" : no public holiday
    subdivision: str | None = None

    @cached_property
    def calendar(self) -> WorkingCalendar:
        return WorkingCalendar(
            weekdays=self.weekdays,
            country=self.country,
            subdivision=self.subdivision,
            timezone=self.timezone,
            closed_days=self.closed_days,
        )

    def dispatches_on(self, day: date) -> bool:
        if not self.calendar.is_working_day(day):
            return False
        return self.hours is None or self.hours.opens_on(day)


@dataclass(frozen=True)
class CarrierService:
    """A carrier's service: `transit_days` delivery days after dispatch (1 for express).

    Delivery days are the working days of the carrier's network: `delivery_weekdays` (never
    Sunday), minus the public holidays of `country` (and `subdivision`), minus `holidays`."""

    code: str
    transit_days: int
    delivery_weekdays: frozenset[int] = MONDAY_TO_SATURDAY
    holidays: frozenset[date] = frozenset()
    country: str = "FR"
    subdivision: str | None = None

    @cached_property
    def calendar(self) -> WorkingCalendar:
        return WorkingCalendar(
            weekdays=self.delivery_weekdays - {SUNDAY},
            country=self.country,
            subdivision=self.subdivision,
            closed_days=self.holidays,
        )

    def delivers_on(self, day: date) -> bool:
        return self.calendar.is_working_day(day)


def dispatch_date(*, now: datetime, rules: DispatchRules) -> date:
    """The local date a parcel ordered at `now` leaves the dispatch location."""
    local = now.astimezone(ZoneInfo(rules.timezone))
    day = local.date()
    if not (rules.dispatches_on(day) and local.time() < rules.cut_off):
        day += timedelta(days=1)
    for _ in range(OPENING_SEARCH_DAYS):
        if rules.dispatches_on(day):
            return day
        day += timedelta(days=1)
    raise ValueError("the dispatch location dispatches on none of the next year's days")


def after_carrier_days(day: date, days: int, carrier: CarrierService) -> date:
    """The `days`-th carrier delivery day after `day` (at least the next one it delivers on)."""
    count = 0
    for _ in range(OPENING_SEARCH_DAYS):
        day += timedelta(days=1)
        if carrier.delivers_on(day):
            count += 1
            if count >= max(1, days):
                return day
    raise ValueError("the carrier delivers on none of the next year's days")


def home_delivery_date(*, now: datetime, dispatch: DispatchRules, carrier: CarrierService) -> date:
    """The date promised for home delivery: dispatch day, then the carrier's transit days."""
    return after_carrier_days(dispatch_date(now=now, rules=dispatch), carrier.transit_days, carrier)


@dataclass(frozen=True)
class TimeSlot:
    """A delivery window offered every delivery day, in local time (e.g. 18:00-20:00)."""

    starts: time
    ends: time


@dataclass(frozen=True)
class DeliverySlot:
    day: date
    starts_at: datetime  # UTC
    ends_at: datetime  # UTC


def delivery_slots(
    *,
    now: datetime,
    dispatch: DispatchRules,
    carrier: CarrierService,
    slots: Sequence[TimeSlot],
    days: int = 5,
) -> list[DeliverySlot]:
    """The time slots the customer may choose: each slot of the first `days` delivery days.

    The first day is the home delivery date: a slot cannot come before the goods can.
    """
    zone = ZoneInfo(dispatch.timezone)
    day = home_delivery_date(now=now, dispatch=dispatch, carrier=carrier)
    offered: list[DeliverySlot] = []
    for _ in range(max(0, days)):
        for slot in sorted(slots, key=lambda s: s.starts):
            offered.append(
                DeliverySlot(day, _aware(day, slot.starts, zone), _aware(day, slot.ends, zone))
            )
        day = after_carrier_days(day, 1, carrier)
    return offered


# --- same day and ship-to-store ---------------------------------------------------------------


@dataclass(frozen=True)
class SameDayStore:
    """A store that might deliver today: its hours, its same-day cut-off, its distance."""

    location_id: int
    hours: OpeningHours
    cut_off: time
    distance_km: float
    has_stock: bool  # every line of the order, in units it may sell
    ships_from_store: bool = True
    country: str = "FR"  # no same day on its public holidays


@dataclass(frozen=True)
class SameDayPromise:
    location_id: int
    delivered_by: datetime  # UTC


def same_day_delivery(
    *,
    now: datetime,
    stores: Sequence[SameDayStore],
    max_distance_km: float = 20.0,
    delivered_by: time = time(21),
) -> SameDayPromise | None:
    """The nearest store that can deliver today, or None when same day is not possible.

    A store qualifies when it has the stock, ships from store, lies within `max_distance_km`,
    is open today (no closure) and `now` is before its cut-off, local time.
    """
    for store in sorted(stores, key=lambda s: (s.distance_km, s.location_id)):
        if not (store.has_stock and store.ships_from_store):
            continue
        if store.distance_km > max_distance_km:
            break
        if same_day_too_late(now=now, store=store) is None:
            zone = ZoneInfo(store.hours.timezone)
            today = now.astimezone(zone).date()
            return SameDayPromise(store.location_id, _aware(today, delivered_by, zone))
    return None


CLOSED_TODAY = "closed_today"
PUBLIC_HOLIDAY = "public_holiday"
PAST_CUT_OFF = "past_cut_off"


def same_day_too_late(*, now: datetime, store: SameDayStore) -> str | None:
    """Why `store` cannot send today whatever its stock: CLOSED_TODAY (not open today: its
    week, a closure), PUBLIC_HOLIDAY (a public holiday of its country: no courier works),
    PAST_CUT_OFF (its same-day cut-off has passed, local time); else None."""
    local = now.astimezone(ZoneInfo(store.hours.timezone))
    if not store.hours.opens_on(local.date()):
        return CLOSED_TODAY
    if local.date() in public_holidays_of(store.country, None, local.year):
        return PUBLIC_HOLIDAY
    if local.time() >= store.cut_off:
        return PAST_CUT_OFF
    return None


def ship_to_store_ready_by(
    *,
    now: datetime,
    dispatch: DispatchRules,
    carrier: CarrierService,
    store_hours: OpeningHours,
    receiving_minutes: int = 60,
) -> datetime | None:
    """When a parcel sent from another location is ready to collect at the pickup store.

    The carrier delivers on its date (or the store's next open day if closed then); the store
    takes `receiving_minutes` of open time to receive it and put it aside.
    """
    arrival = home_delivery_date(now=now, dispatch=dispatch, carrier=carrier)
    zone = ZoneInfo(store_hours.timezone)
    start_of_day = max(now, _aware(arrival, time(0), zone))
    return pickup_ready_by(now=start_of_day, hours=store_hours, lead_minutes=receiving_minutes)
