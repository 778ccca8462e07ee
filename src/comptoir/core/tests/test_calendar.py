"""The one working calendar: weekdays, public holidays per region, working time across weekends."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from comptoir.core.calendar import MONDAY_TO_FRIDAY, WorkingCalendar

PARIS = ZoneInfo("Europe/Paris")
CARRIER = WorkingCalendar()  # Monday to Saturday, French public holidays
WAREHOUSE = WorkingCalendar(weekdays=MONDAY_TO_FRIDAY)


def at(day: str, hour: int, minute: int = 0) -> datetime:
    return datetime.fromisoformat(day).replace(hour=hour, minute=minute, tzinfo=PARIS)


def test_public_holidays_are_not_working_days_and_regions_add_their_own():
    christmas, st_stephen = date(2026, 12, 25), date(2026, 12, 26)  # a Friday, a Saturday
    assert not CARRIER.is_working_day(christmas)
    assert CARRIER.is_working_day(st_stephen)
    alsace_moselle = WorkingCalendar(subdivision="57")
    assert not alsace_moselle.is_working_day(st_stephen)
    assert WorkingCalendar(country="").is_working_day(christmas)


def test_adding_working_days_steps_over_sundays_holidays_and_closed_days():
    thursday_before_christmas = date(2026, 12, 24)
    # Christmas Friday is off; Saturday 26 works for the carrier, Sunday never.
    assert CARRIER.add_working_days(thursday_before_christmas, 1) == date(2026, 12, 26)
    assert CARRIER.add_working_days(thursday_before_christmas, 2) == date(2026, 12, 28)
    assert WAREHOUSE.add_working_days(thursday_before_christmas, 1) == date(2026, 12, 28)
    inventory_day = WAREHOUSE.with_closed_days([date(2026, 12, 28)])
    assert inventory_day.add_working_days(thursday_before_christmas, 1) == date(2026, 12, 29)
    assert CARRIER.add_working_days(thursday_before_christmas, 0) == thursday_before_christmas
    assert CARRIER.working_days_between(thursday_before_christmas, date(2026, 12, 28)) == 2


def test_working_time_skips_the_weekend_a_parcel_spends_in_a_depot():
    friday_evening, monday_morning = at("2026-12-04", 19), at("2026-12-07", 9)
    # The warehouse week: Friday 19:00-24:00 and Monday 00:00-09:00.
    assert WAREHOUSE.working_time_between(friday_evening, monday_morning) == timedelta(hours=14)
    # The carrier's week has Saturday in it too.
    assert CARRIER.working_time_between(friday_evening, monday_morning) == timedelta(hours=38)
    assert CARRIER.working_time_between(monday_morning, friday_evening) == timedelta(0)


def test_working_time_counts_the_hours_a_day_really_has():
    # The clocks go back on Sunday 25 October 2026: a Monday-to-Sunday calendar sees 25 hours.
    every_day = WorkingCalendar(weekdays=frozenset(range(7)), country="")
    assert every_day.working_time_between(at("2026-10-25", 0), at("2026-10-26", 0)) == timedelta(
        hours=25
    )


def test_adding_working_time_waits_out_weekends_and_holidays_and_inverts_working_time():
    friday_evening = at("2026-12-04", 19)
    # Carrier: Friday 5 h + Saturday 24 h, Sunday off, then 19 h of Monday.
    assert CARRIER.add_working_time(friday_evening, timedelta(hours=48)) == at("2026-12-07", 19)
    # Warehouse: Friday 5 h, then 43 h from Monday midnight.
    assert WAREHOUSE.add_working_time(friday_evening, timedelta(hours=48)) == at("2026-12-08", 19)
    christmas_eve = at("2026-12-24", 20)  # Thursday; Christmas Friday is off
    due = CARRIER.add_working_time(christmas_eve, timedelta(hours=48))
    assert due == at("2026-12-28", 20)
    assert CARRIER.working_time_between(christmas_eve, due) == timedelta(hours=48)
    sunday = at("2026-12-06", 10)
    assert CARRIER.add_working_time(sunday, timedelta(0)) == sunday
    assert CARRIER.add_working_time(sunday, timedelta(hours=1)) == at("2026-12-07", 1)
