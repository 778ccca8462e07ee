"""The store directory in memory: read once, answered from memory, forgotten on every edit."""

from __future__ import annotations

import time as timer
from datetime import UTC, date, datetime, time

import pytest

from comptoir.locations import directory
from comptoir.locations.domain import GeoPoint, WeeklyRange
from comptoir.locations.models import Location
from comptoir.locations.selectors import nearest_locations, store_choices
from comptoir.locations.services import set_opening_hours
from comptoir.locations.tests.factories import closed_on, make_store, with_hours

pytestmark = pytest.mark.django_db

LYON = GeoPoint(45.74906, 4.84789)
TUESDAY_11_AM = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)  # 11:00 in Lyon


def test_once_read_the_locator_asks_the_database_nothing(django_assert_num_queries):
    with_hours(make_store("lyon-part-dieu"))
    with_hours(make_store("paris-rivoli"))
    nearest_locations(point=LYON, limit=2, now=TUESDAY_11_AM)
    with django_assert_num_queries(0):
        found = nearest_locations(point=LYON, limit=2, open_now=True, now=TUESDAY_11_AM)
    assert [item.code for item in found.items] == ["lyon-part-dieu", "paris-rivoli"]


def test_new_hours_set_by_the_service_are_seen_at_once():
    store = with_hours(make_store("lyon-part-dieu"))
    assert nearest_locations(point=LYON, limit=1, now=TUESDAY_11_AM).items[0].is_open_now
    set_opening_hours(location_code=store.code, opening_hours=[WeeklyRange(0, time(9), time(12))])
    assert not nearest_locations(point=LYON, limit=1, now=TUESDAY_11_AM).items[0].is_open_now


def test_a_closure_and_a_new_store_are_seen_at_once():
    store = with_hours(make_store("lyon-part-dieu"))
    assert [item.code for item in nearest_locations(point=LYON, limit=5).items] == [store.code]
    closed_on(store, date(2026, 11, 24))
    assert not nearest_locations(point=LYON, limit=1, now=TUESDAY_11_AM).items[0].is_open_now
    make_store("paris-rivoli")
    assert len(nearest_locations(point=LYON, limit=5).items) == 2


def test_a_store_closed_for_good_leaves_the_lists_once_saved():
    lyon, paris = make_store("lyon-part-dieu"), make_store("paris-rivoli")
    assert [code for code, _ in store_choices()] == [lyon.code, paris.code]  # Lyon < Paris
    paris.is_active = False
    paris.save()
    assert [code for code, _ in store_choices()] == [lyon.code]


def test_an_edit_in_sql_is_seen_once_the_minute_is_up(monkeypatch):
    make_store("lyon-part-dieu")
    assert store_choices()[0][1] != "Renamed"
    Location.objects.filter(code="lyon-part-dieu").update(name="Renamed")  # no signal
    assert store_choices()[0][1] != "Renamed"  # still remembered
    later = timer.monotonic() + directory.TTL_SECONDS + 1
    monkeypatch.setattr("comptoir.core.lookups._clock", lambda: later)
    assert store_choices()[0][1] == "Renamed"
