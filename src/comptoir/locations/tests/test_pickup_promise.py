"""When a collect order is ready: the store's hours and lead time decide, on its own clock."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from comptoir.locations.domain import ClosureDay, WeeklyRange, pickup_ready_at
from comptoir.locations.selectors import pickup_promises

from .factories import make_store, offering, with_hours

PARIS_ZONE = ZoneInfo("Europe/Paris")
# Monday to Saturday 10:00-12:30 and 14:00-19:30 (a lunch break), closed on Sunday.
WITH_LUNCH_BREAK = [WeeklyRange(d, time(10), time(12, 30)) for d in range(6)] + [
    WeeklyRange(d, time(14), time(19, 30)) for d in range(6)
]


def paris(*args: int) -> datetime:
    return datetime(*args, tzinfo=PARIS_ZONE)


# 2026-11-25 is a Wednesday.
def test_an_order_placed_while_open_is_ready_after_the_lead_time():
    assert pickup_ready_at(WITH_LUNCH_BREAK, [], paris(2026, 11, 25, 15, 0), 60) == paris(
        2026, 11, 25, 16, 0
    )


def test_an_order_placed_before_opening_is_prepared_from_the_opening():
    assert pickup_ready_at(WITH_LUNCH_BREAK, [], paris(2026, 11, 25, 7, 30), 60) == paris(
        2026, 11, 25, 11, 0
    )


def test_ready_during_the_lunch_break_means_ready_when_the_store_reopens():
    assert pickup_ready_at(WITH_LUNCH_BREAK, [], paris(2026, 11, 25, 12, 0), 60) == paris(
        2026, 11, 25, 14, 0
    )


def test_ready_after_closing_means_ready_at_the_next_opening_skipping_sunday():
    saturday_evening = paris(2026, 11, 28, 19, 0)
    assert pickup_ready_at(WITH_LUNCH_BREAK, [], saturday_evening, 120) == paris(
        2026, 11, 30, 10, 0
    )


def test_a_closure_day_moves_the_promise_to_the_day_after():
    closed_thursday = [ClosureDay(date(2026, 11, 26))]
    wednesday_evening = paris(2026, 11, 25, 19, 0)
    assert pickup_ready_at(WITH_LUNCH_BREAK, closed_thursday, wednesday_evening, 60) == paris(
        2026, 11, 27, 10, 0
    )


def test_a_store_that_never_opens_promises_nothing():
    assert pickup_ready_at([], [], paris(2026, 11, 25, 15, 0), 60) is None


@pytest.mark.django_db
def test_pickup_promises_read_each_stores_lead_time_and_skip_stores_without_the_service():
    lyon = offering(with_hours(make_store()), "click_and_collect", pickup_lead_minutes=90)
    paris_store = with_hours(make_store("paris-rivoli"))
    wednesday_1330_utc = datetime(2026, 11, 25, 13, 30, tzinfo=UTC)  # 14:30 in Lyon

    promises = pickup_promises(
        location_ids=[lyon.pk, paris_store.pk],
        service="click_and_collect",
        now=wednesday_1330_utc,
    )

    assert list(promises) == [lyon.pk]
    assert promises[lyon.pk].ready_at == paris(2026, 11, 25, 16, 0)
