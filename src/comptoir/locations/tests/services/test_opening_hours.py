"""set_opening_hours: the week replaced at once, overlaps refused, an event when it changes."""

from __future__ import annotations

from datetime import time
from zoneinfo import ZoneInfo

import pytest

from comptoir.core.errors import ValidationFailed
from comptoir.core.models import OutboxEvent
from comptoir.locations.domain import WeeklyRange
from comptoir.locations.errors import LocationNotFound
from comptoir.locations.models import OpeningHours
from comptoir.locations.services import set_opening_hours
from comptoir.locations.tests.factories import MONDAY_TO_SATURDAY, make_store, with_hours

pytestmark = pytest.mark.django_db

LUNCH_BREAK_MONDAY = [WeeklyRange(0, time(14), time(19)), WeeklyRange(0, time(9), time(12))]


def week_of(store) -> list[tuple[int, time, time]]:
    return list(
        OpeningHours.objects.filter(location=store)
        .order_by("weekday", "opens")
        .values_list("weekday", "opens", "closes")
    )


def hours_events():
    return OutboxEvent.objects.filter(type="location.opening_hours_changed")


def test_new_hours_replace_the_whole_week():
    lyon = with_hours(make_store("lyon-part-dieu"))

    hours = set_opening_hours(location_code="lyon-part-dieu", opening_hours=LUNCH_BREAK_MONDAY)

    assert [(h.weekday, h.opens, h.closes) for h in hours] == [
        (0, time(9), time(12)),
        (0, time(14), time(19)),
    ]
    assert week_of(lyon) == [(0, time(9), time(12)), (0, time(14), time(19))]


def test_changing_the_hours_records_an_event_with_the_new_week():
    lyon = make_store("lyon-part-dieu")

    set_opening_hours(location_code="lyon-part-dieu", opening_hours=LUNCH_BREAK_MONDAY)

    event = hours_events().get()
    assert event.aggregate == f"location:{lyon.pk}"
    assert event.payload == {
        "location_id": lyon.pk,
        "code": "lyon-part-dieu",
        "opening_hours": [
            {"weekday": 0, "opens": "09:00", "closes": "12:00"},
            {"weekday": 0, "opens": "14:00", "closes": "19:00"},
        ],
    }


def test_setting_the_same_hours_again_changes_nothing_and_records_nothing():
    lyon = with_hours(make_store("lyon-part-dieu"))
    before = list(OpeningHours.objects.filter(location=lyon).values_list("pk", flat=True))

    set_opening_hours(location_code="lyon-part-dieu", opening_hours=MONDAY_TO_SATURDAY)

    assert hours_events().count() == 1
    assert list(OpeningHours.objects.filter(location=lyon).values_list("pk", flat=True)) == before


def test_an_empty_week_closes_the_store_every_day():
    lyon = with_hours(make_store("lyon-part-dieu"))

    set_opening_hours(location_code="lyon-part-dieu", opening_hours=[])

    assert week_of(lyon) == []


def test_a_late_night_range_is_kept_as_given():
    lyon = make_store("lyon-part-dieu")

    set_opening_hours(
        location_code="lyon-part-dieu", opening_hours=[WeeklyRange(4, time(18), time(1))]
    )

    assert week_of(lyon) == [(4, time(18), time(1))]


@pytest.mark.parametrize(
    ("hours", "detail"),
    [
        pytest.param(
            [WeeklyRange(0, time(9), time(12)), WeeklyRange(0, time(11), time(19))],
            "Monday 09:00-12:00 overlaps Monday 11:00-19:00.",
            id="same_day_case",
        ),
        pytest.param(
            [WeeklyRange(4, time(18), time(2)), WeeklyRange(5, time(1), time(12))],
            "Friday 18:00-02:00 overlaps Saturday 01:00-12:00.",
            id="past_midnight_case",
        ),
    ],
)
def test_overlapping_ranges_are_refused_and_the_old_week_kept(hours, detail):
    lyon = with_hours(make_store("lyon-part-dieu"))

    with pytest.raises(ValidationFailed) as refused:
        set_opening_hours(location_code="lyon-part-dieu", opening_hours=hours)

    assert refused.value.detail == detail
    assert refused.value.errors == [{"field": "opening_hours", "message": "ranges overlap"}]
    assert len(week_of(lyon)) == 6
    assert hours_events().count() == 1


def test_a_range_that_opens_when_it_closes_is_refused():
    make_store("lyon-part-dieu")

    with pytest.raises(ValidationFailed):
        set_opening_hours(
            location_code="lyon-part-dieu", opening_hours=[WeeklyRange(0, time(9), time(9))]
        )


def test_an_unknown_location_is_not_found():
    with pytest.raises(LocationNotFound):
        set_opening_hours(location_code="nowhere", opening_hours=MONDAY_TO_SATURDAY)


@pytest.mark.parametrize(
    "opens",
    [
        pytest.param(time(9, 0, 30), id="seconds_case"),
        pytest.param(time(9, tzinfo=ZoneInfo("Europe/Paris")), id="time_zone_case"),
    ],
)
def test_hours_are_a_wall_clock_to_the_minute(opens):
    make_store("lyon-part-dieu")

    with pytest.raises(ValidationFailed, match="whole minutes, without an offset"):
        set_opening_hours(
            location_code="lyon-part-dieu", opening_hours=[WeeklyRange(0, opens, time(12))]
        )
