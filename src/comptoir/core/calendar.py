"""Working days and working time: one calendar for promises, carriers and alerts.

A day is a working day when its weekday is in the calendar's week and it is not a public
holiday of the calendar's country and region. Public holidays come from the maintained
`holidays` package (per country and subdivision: Alsace-Moselle's 26 December and Good Friday
are "FR" with subdivision "57"); a calendar may add days of its own (a store's inventory day, a
carrier's strike). Pure: no Django import, so the domain code of any app may use it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays as public_holidays

__all__ = [
    "MONDAY_TO_FRIDAY",
    "MONDAY_TO_SATURDAY",
    "WorkingCalendar",
    "public_holidays_of",
]

MONDAY_TO_FRIDAY = frozenset(range(5))
MONDAY_TO_SATURDAY = frozenset(range(6))
SEARCH_DAYS = 366  # a calendar with no working day in a year is a configuration error


@lru_cache(maxsize=256)
def public_holidays_of(country: str, subdivision: str | None, year: int) -> frozenset[date]:
    """The public holidays of a country (and region) in a year; cached, they do not change."""
    if not country:
        return frozenset()
    return frozenset(public_holidays.country_holidays(country, subdiv=subdivision, years=year))


@dataclass(frozen=True)
class WorkingCalendar:
    """The days someone works on: a week, minus public holidays, minus days of one's own.

    `country` "" means no public holiday (a network that works through them).
    """

    weekdays: frozenset[int] = MONDAY_TO_SATURDAY  # 0 = Monday
    country: str = "FR"
    subdivision: str | None = None
    timezone: str = "Europe/Paris"
    closed_days: frozenset[date] = field(default_factory=frozenset)

    def is_public_holiday(self, day: date) -> bool:
        return day in public_holidays_of(self.country, self.subdivision, day.year)

    def is_working_day(self, day: date) -> bool:
        return (
            day.weekday() in self.weekdays
            and day not in self.closed_days
            and not self.is_public_holiday(day)
        )

    def next_working_day(self, day: date, *, including: bool = True) -> date:
        """`day` itself if it is a working day and `including`, else the next one."""
        if not including:
            day += timedelta(days=1)
        for _ in range(SEARCH_DAYS):
            if self.is_working_day(day):
                return day
            day += timedelta(days=1)
        raise ValueError("this calendar has no working day in a year")

    def add_working_days(self, day: date, days: int) -> date:
        """The `days`-th working day after `day` (`day` itself for 0)."""
        for _ in range(days):
            day = self.next_working_day(day, including=False)
        return day

    def working_days_between(self, start: date, end: date) -> int:
        """Working days in (start, end]: how many working days `end` is after `start`."""
        return sum(
            self.is_working_day(start + timedelta(days=offset))
            for offset in range(1, (end - start).days + 1)
        )

    def working_time_between(self, start: datetime, end: datetime) -> timedelta:
        """How much of [start, end) falls on working days, in the calendar's time zone.

        A parcel scanned on Friday evening and looked at on Monday morning has spent the
        Friday evening and the Monday morning in the network, not the weekend (with a Monday
        to Saturday week: Saturday too)."""
        if end <= start:
            return timedelta(0)
        zone = ZoneInfo(self.timezone)
        total = timedelta(0)
        day, last = start.astimezone(zone).date(), end.astimezone(zone).date()
        start, end = start.astimezone(UTC), end.astimezone(UTC)
        while day <= last:
            if self.is_working_day(day):
                day_start = datetime.combine(day, time.min, zone).astimezone(UTC)
                day_end = datetime.combine(day + timedelta(days=1), time.min, zone).astimezone(UTC)
                # In UTC: between two times of one zone Python subtracts the wall clocks,
                # and a day the clocks change on is 23 or 25 hours long.
                total += min(end, day_end) - max(start, day_start)
            day += timedelta(days=1)
        return total

    def add_working_time(self, start: datetime, duration: timedelta) -> datetime:
        """The first instant at which `duration` of working time has passed since `start`:
        the inverse of `working_time_between` (a timer that only runs on working days)."""
        zone = ZoneInfo(self.timezone)
        remaining, moment = duration, start.astimezone(UTC)
        day = moment.astimezone(zone).date()
        for _ in range(SEARCH_DAYS * 50):  # a duration of years is a configuration error
            if remaining <= timedelta(0):
                return moment
            if self.is_working_day(day):
                day_start = datetime.combine(day, time.min, zone).astimezone(UTC)
                day_end = datetime.combine(day + timedelta(days=1), time.min, zone).astimezone(UTC)
                moment = max(moment, day_start)
                if moment + remaining <= day_end:
                    return moment + remaining
                remaining -= day_end - moment
                moment = day_end
            day += timedelta(days=1)
        raise ValueError("this calendar has not enough working time for that duration")

    def with_closed_days(self, days: Iterable[date]) -> WorkingCalendar:
        return WorkingCalendar(
            self.weekdays,
            self.country,
            self.subdivision,
            self.timezone,
            self.closed_days | frozenset(days),
        )
