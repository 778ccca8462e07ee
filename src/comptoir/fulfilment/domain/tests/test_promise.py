"""The delivery promise: pickup ready-by, home delivery dates, slots, same day, ship-to-store.

Dates of November 2026: Monday 23, Friday 27, Saturday 28, Sunday 29. DST: clocks go forward
on Sunday 29 March 2026 and back on Sunday 25 October 2026 in Paris.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from comptoir.core.words import spoken_date
from comptoir.fulfilment.domain.promise import (
    CarrierService,
    DispatchRules,
    OpeningHours,
    SameDayStore,
    TimeSlot,
    delivery_slots,
    describe_ready_by,
    dispatch_date,
    home_delivery_date,
    pickup_ready_by,
    same_day_delivery,
    ship_to_store_ready_by,
)
from comptoir.locations.domain import ClosureDay, WeeklyRange

PARIS = ZoneInfo("Europe/Paris")
# Monday to Saturday 10:00-19:30, closed on Sunday: a typical French store.
STORE_HOURS = OpeningHours(tuple(WeeklyRange(day, time(10), time(19, 30)) for day in range(6)))
WAREHOUSE = DispatchRules(cut_off=time(16))
STANDARD = CarrierService("standard", transit_days=2)
EXPRESS = CarrierService("express", transit_days=1)


def in_english(day: date) -> str:
    return spoken_date(day, language="en")


def paris(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=PARIS)


def closed_on(*days: date) -> OpeningHours:
    return OpeningHours(STORE_HOURS.weekly, tuple(ClosureDay(day) for day in days))


# --- pickup -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("now", "lead", "ready"),
    [
        pytest.param(paris(2026, 11, 23, 13, 0), 120, paris(2026, 11, 23, 15, 0), id="same_day"),
        pytest.param(paris(2026, 11, 23, 8, 0), 60, paris(2026, 11, 23, 11, 0), id="before_open"),
        pytest.param(
            paris(2026, 11, 23, 19, 0), 60, paris(2026, 11, 24, 10, 30), id="carries_over_night"
        ),
        pytest.param(
            paris(2026, 11, 23, 18, 30), 60, paris(2026, 11, 24, 10, 0), id="ready_at_close_waits"
        ),
        pytest.param(paris(2026, 11, 23, 22, 0), 0, paris(2026, 11, 24, 10, 0), id="closed_now"),
        pytest.param(paris(2026, 11, 28, 19, 0), 60, paris(2026, 11, 30, 10, 30), id="over_sunday"),
    ],
)
def test_pickup_is_ready_after_the_lead_time_counted_in_open_hours(
    now: datetime, lead: int, ready: datetime
) -> None:
    promised = pickup_ready_by(now=now, hours=STORE_HOURS, lead_minutes=lead)
    assert promised == ready
    assert promised is not None
    assert promised.tzinfo == UTC


def test_pickup_skips_an_exceptional_closure_and_uses_special_hours() -> None:
    bank_holiday = closed_on(date(2026, 11, 24))
    assert pickup_ready_by(
        now=paris(2026, 11, 23, 19, 0), hours=bank_holiday, lead_minutes=60
    ) == paris(2026, 11, 25, 10, 30)
    christmas = (ClosureDay(date(2026, 12, 24), time(9), time(16)), ClosureDay(date(2026, 12, 25)))
    short_day = OpeningHours(STORE_HOURS.weekly, christmas)
    assert pickup_ready_by(
        now=paris(2026, 12, 24, 8, 0), hours=short_day, lead_minutes=30
    ) == paris(2026, 12, 24, 9, 30)
    assert pickup_ready_by(
        now=paris(2026, 12, 24, 15, 45), hours=short_day, lead_minutes=30
    ) == paris(2026, 12, 26, 10, 15)


def test_pickup_lead_spans_a_lunch_break() -> None:
    with_lunch = OpeningHours(
        tuple(
            WeeklyRange(day, opens, closes)
            for day in range(6)
            for opens, closes in ((time(9), time(12)), (time(14), time(19)))
        )
    )
    assert pickup_ready_by(
        now=paris(2026, 11, 23, 11, 30), hours=with_lunch, lead_minutes=60
    ) == paris(2026, 11, 23, 14, 30)


def test_pickup_in_a_store_that_never_opens_has_no_promise() -> None:
    assert (
        pickup_ready_by(now=paris(2026, 11, 23, 9), hours=OpeningHours(()), lead_minutes=0) is None
    )


def test_pickup_needs_an_aware_now() -> None:
    with pytest.raises(ValueError, match="aware"):
        pickup_ready_by(now=datetime(2026, 11, 23, 9), hours=STORE_HOURS, lead_minutes=0)  # noqa: DTZ001


def test_pickup_keeps_local_opening_time_across_the_spring_dst_change() -> None:
    # Saturday 28 March 2026 19:00 (UTC+1); Sunday closed; Monday 30 March opens 10:00 UTC+2.
    ready = pickup_ready_by(now=paris(2026, 3, 28, 19, 0), hours=STORE_HOURS, lead_minutes=60)
    assert ready == datetime(2026, 3, 30, 8, 30, tzinfo=UTC)
    assert ready.astimezone(PARIS).hour == 10


def test_pickup_counts_real_minutes_through_the_autumn_night() -> None:
    # A late store open 20:00-04:00 on Saturday 24 October 2026: the night has 25 hours.
    late = OpeningHours((WeeklyRange(5, time(20), time(4)),))
    ready = pickup_ready_by(now=paris(2026, 10, 24, 20, 0), hours=late, lead_minutes=8 * 60)
    # 8 real hours after 20:00 CEST (18:00 UTC) is 02:00 UTC, 03:00 CET, before the 04:00 close.
    assert ready == datetime(2026, 10, 25, 2, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("ready", "words"),
    [
        pytest.param(paris(2026, 11, 23, 15, 0), "ready today at 15:00", id="today"),
        pytest.param(paris(2026, 11, 24, 10, 0), "ready tomorrow at 10:00", id="tomorrow"),
        pytest.param(
            paris(2026, 11, 28, 10, 0), "ready on Saturday 28 November at 10:00", id="later"
        ),
    ],
)
def test_ready_by_reads_in_the_store_zone(ready: datetime, words: str) -> None:
    now = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
    assert describe_ready_by(ready.astimezone(UTC), now=now, say_date=in_english) == words


# --- home delivery ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("now", "leaves"),
    [
        pytest.param(paris(2026, 11, 23, 15, 59), date(2026, 11, 23), id="just_before_cut_off"),
        pytest.param(paris(2026, 11, 23, 16, 0), date(2026, 11, 24), id="at_cut_off"),
        pytest.param(paris(2026, 11, 27, 17, 0), date(2026, 11, 30), id="friday_evening"),
        pytest.param(paris(2026, 11, 28, 9, 0), date(2026, 11, 30), id="saturday"),
    ],
)
def test_a_parcel_leaves_on_the_next_dispatch_day_before_the_cut_off(
    now: datetime, leaves: date
) -> None:
    assert dispatch_date(now=now, rules=WAREHOUSE) == leaves


def test_the_cut_off_is_read_in_the_warehouse_zone() -> None:
    # 15:30 UTC is 16:30 in Paris in November: too late for today's truck.
    assert dispatch_date(now=datetime(2026, 11, 23, 15, 30, tzinfo=UTC), rules=WAREHOUSE) == date(
        2026, 11, 24
    )


@pytest.mark.parametrize(
    ("now", "carrier", "delivered"),
    [
        pytest.param(paris(2026, 11, 23, 10), STANDARD, date(2026, 11, 25), id="monday_standard"),
        pytest.param(paris(2026, 11, 26, 10), STANDARD, date(2026, 11, 28), id="to_saturday"),
        pytest.param(paris(2026, 11, 27, 10), STANDARD, date(2026, 11, 30), id="never_sunday"),
        pytest.param(paris(2026, 11, 27, 10), EXPRESS, date(2026, 11, 28), id="express_saturday"),
        pytest.param(paris(2026, 11, 27, 17), EXPRESS, date(2026, 12, 1), id="express_missed"),
    ],
)
def test_home_delivery_date_counts_carrier_days_after_dispatch(
    now: datetime, carrier: CarrierService, delivered: date
) -> None:
    assert home_delivery_date(now=now, dispatch=WAREHOUSE, carrier=carrier) == delivered


def test_no_sunday_delivery_even_if_the_carrier_lists_it_and_holidays_are_skipped() -> None:
    every_day = CarrierService(
        "every-day",
        1,
        delivery_weekdays=frozenset(range(7)),
        holidays=frozenset({date(2026, 11, 30)}),
    )
    # Dispatched Saturday? No: the warehouse dispatches Monday to Friday. Friday 27 → Saturday 28.
    assert home_delivery_date(
        now=paris(2026, 11, 27, 10), dispatch=WAREHOUSE, carrier=every_day
    ) == date(2026, 11, 28)
    # Saturday 28 → dispatched Monday 30 (holiday for the carrier only) → delivered Tuesday.
    assert home_delivery_date(
        now=paris(2026, 11, 28, 10), dispatch=WAREHOUSE, carrier=every_day
    ) == date(2026, 12, 1)


def test_a_store_dispatches_only_on_days_it_opens() -> None:
    store = DispatchRules(
        cut_off=time(15),
        weekdays=frozenset(range(7)),
        hours=closed_on(date(2026, 11, 24)),
    )
    assert dispatch_date(now=paris(2026, 11, 23, 15, 30), rules=store) == date(2026, 11, 25)
    assert dispatch_date(now=paris(2026, 11, 28, 16), rules=store) == date(2026, 11, 30)


def test_time_slots_start_on_the_delivery_date_and_skip_sundays() -> None:
    evening = [TimeSlot(time(18), time(20)), TimeSlot(time(8), time(10))]
    slots = delivery_slots(
        now=paris(2026, 11, 26, 10), dispatch=WAREHOUSE, carrier=STANDARD, slots=evening, days=2
    )
    assert [(s.day, s.starts_at.astimezone(PARIS).hour) for s in slots] == [
        (date(2026, 11, 28), 8),
        (date(2026, 11, 28), 18),
        (date(2026, 11, 30), 8),
        (date(2026, 11, 30), 18),
    ]
    assert slots[0].starts_at == datetime(2026, 11, 28, 7, tzinfo=UTC)
    assert slots[0].ends_at == datetime(2026, 11, 28, 9, tzinfo=UTC)


# --- same day and ship-to-store ---------------------------------------------------------------


def same_day_store(location_id: int, km: float, **overrides: object) -> SameDayStore:
    fields: dict[str, object] = {
        "location_id": location_id,
        "hours": STORE_HOURS,
        "cut_off": time(14),
        "distance_km": km,
        "has_stock": True,
    }
    return SameDayStore(**{**fields, **overrides})  # type: ignore[arg-type]


def test_same_day_goes_to_the_nearest_store_with_the_stock_before_its_cut_off() -> None:
    stores = [
        same_day_store(1, 2.0, has_stock=False),
        same_day_store(2, 6.0, ships_from_store=False),
        same_day_store(3, 8.0),
        same_day_store(4, 3.0, cut_off=time(11)),
    ]
    promise = same_day_delivery(now=paris(2026, 11, 23, 12), stores=stores)
    assert promise is not None
    assert promise.location_id == 3
    assert promise.delivered_by == paris(2026, 11, 23, 21)


@pytest.mark.parametrize(
    ("now", "stores"),
    [
        pytest.param(paris(2026, 11, 23, 14, 0), [same_day_store(1, 2.0)], id="at_cut_off"),
        pytest.param(paris(2026, 11, 29, 9, 0), [same_day_store(1, 2.0)], id="sunday_closed"),
        pytest.param(paris(2026, 11, 23, 9, 0), [same_day_store(1, 25.0)], id="too_far"),
        pytest.param(
            paris(2026, 11, 24, 9, 0),
            [same_day_store(1, 2.0, hours=closed_on(date(2026, 11, 24)))],
            id="closure_day",
        ),
    ],
)
def test_no_same_day_when_no_store_qualifies(now: datetime, stores: list[SameDayStore]) -> None:
    assert same_day_delivery(now=now, stores=stores) is None


def test_ship_to_store_is_ready_after_receiving_on_the_delivery_day() -> None:
    ready = ship_to_store_ready_by(
        now=paris(2026, 11, 23, 10), dispatch=WAREHOUSE, carrier=STANDARD, store_hours=STORE_HOURS
    )
    assert ready == paris(2026, 11, 25, 11, 0)


def test_ship_to_store_waits_for_the_store_to_reopen_after_a_sunday_and_a_closure() -> None:
    ready = ship_to_store_ready_by(
        now=paris(2026, 11, 26, 10),
        dispatch=WAREHOUSE,
        carrier=STANDARD,
        store_hours=closed_on(date(2026, 11, 28), date(2026, 11, 30)),
        receiving_minutes=30,
    )
    # Delivered on Saturday 28 by the carrier's date, but the store is closed Saturday,
    # Sunday and Monday: received on Tuesday at opening.
    assert ready == paris(2026, 12, 1, 10, 30)


def test_the_cut_off_follows_the_local_clock_after_the_spring_change() -> None:
    # Monday 30 March 2026 is in summer time (UTC+2): 14:30 UTC is 16:30 in Paris, too late;
    # the Friday before (UTC+1) 14:30 UTC was 15:30, in time.
    assert dispatch_date(now=datetime(2026, 3, 30, 14, 30, tzinfo=UTC), rules=WAREHOUSE) == date(
        2026, 3, 31
    )
    assert dispatch_date(now=datetime(2026, 3, 27, 14, 30, tzinfo=UTC), rules=WAREHOUSE) == date(
        2026, 3, 27
    )


def test_slots_keep_their_local_times_across_the_autumn_change() -> None:
    slots = delivery_slots(
        now=paris(2026, 10, 22, 10),
        dispatch=WAREHOUSE,
        carrier=STANDARD,
        slots=[TimeSlot(time(8), time(10))],
        days=2,
    )
    # Saturday 24 October (UTC+2), then Monday 26 October (UTC+1): 08:00 local both days.
    assert [s.starts_at for s in slots] == [
        datetime(2026, 10, 24, 6, tzinfo=UTC),
        datetime(2026, 10, 26, 7, tzinfo=UTC),
    ]


@pytest.mark.parametrize(
    ("now", "delivered"),
    [
        # Thursday 24 December before the cut-off: leaves that day; Christmas is no carrier
        # day, so the express parcel comes on Saturday 26 (a plain Thursday: on Friday).
        pytest.param(paris(2026, 12, 24, 10), date(2026, 12, 26), id="christmas_eve_case"),
        # Thursday 30 April: Friday 1 May is Labour Day, delivered Saturday 2 May.
        pytest.param(paris(2026, 4, 30, 10), date(2026, 5, 2), id="labour_day_eve_case"),
        # After the cut-off on 24 December: no dispatch on Christmas Day (nor the weekend),
        # leaves Monday 28, delivered Tuesday 29.
        pytest.param(paris(2026, 12, 24, 17), date(2026, 12, 29), id="after_cut_off_case"),
        pytest.param(paris(2026, 12, 17, 10), date(2026, 12, 18), id="a_plain_thursday_case"),
    ],
)
def test_public_holidays_are_neither_dispatch_nor_carrier_days(
    now: datetime, delivered: date
) -> None:
    assert home_delivery_date(now=now, dispatch=WAREHOUSE, carrier=EXPRESS) == delivered


def test_a_location_abroad_counts_its_own_countrys_holidays() -> None:
    # 26 December is a public holiday in Germany, not in France.
    berlin = DispatchRules(cut_off=time(16), timezone="Europe/Berlin", country="DE")
    german_carrier = CarrierService("express", 1, country="DE")
    now = datetime(2026, 12, 24, 9, tzinfo=UTC)
    assert home_delivery_date(now=now, dispatch=berlin, carrier=german_carrier) == date(
        2026, 12, 28
    )
    assert home_delivery_date(now=now, dispatch=WAREHOUSE, carrier=EXPRESS) == date(2026, 12, 26)
