"""Pure rules: distances, opening hours (closures, late nights, DST) and place names. No DB."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from comptoir.locations.domain import (
    ClosureDay,
    GeoPoint,
    WeeklyRange,
    bounding_box,
    haversine_km,
    hours_on,
    is_open_at,
    local_time,
    next_opening,
    overlapping_ranges,
    place_name_key,
)

PARIS_ZONE = ZoneInfo("Europe/Paris")
LYON = GeoPoint(45.7607, 4.8595)
PARIS = GeoPoint(48.8599, 2.3426)
MARSEILLE = GeoPoint(43.3127, 5.3664)

# A typical French store: Monday to Saturday 10:00-19:30, closed on Sunday.
MONDAY_TO_SATURDAY = [WeeklyRange(day, time(10), time(19, 30)) for day in range(6)]
# Its Friday late opening runs until 01:00 on Saturday.
WITH_FRIDAY_NIGHT = [r for r in MONDAY_TO_SATURDAY if r.weekday != 4] + [
    WeeklyRange(4, time(10), time(1))
]
SUNDAY_MORNING = [*MONDAY_TO_SATURDAY, WeeklyRange(6, time(9), time(12, 30))]


def paris(*args: int) -> datetime:
    return datetime(*args, tzinfo=PARIS_ZONE)


# --- distances ---------------------------------------------------------------------------------


def test_lyon_part_dieu_is_393_km_from_paris_rivoli_as_the_crow_flies():
    assert haversine_km(LYON, PARIS) == pytest.approx(393.35, abs=0.01)


def test_a_point_is_zero_km_from_itself():
    assert haversine_km(LYON, LYON) == 0


def test_distance_is_the_same_both_ways():
    assert haversine_km(LYON, MARSEILLE) == pytest.approx(haversine_km(MARSEILLE, LYON))


def test_the_bounding_box_holds_every_point_of_its_circle():
    box = bounding_box(LYON, 100)
    marseille_distance = haversine_km(LYON, MARSEILLE)  # ≈ 278 km: outside the circle

    assert box.min_latitude < LYON.latitude - 0.89 < LYON.latitude + 0.89 < box.max_latitude
    assert box.min_longitude is not None
    assert box.max_longitude is not None
    # 100 km due east of Lyon is about 1.28° of longitude at this latitude.
    assert box.max_longitude - LYON.longitude > 1.28
    assert marseille_distance > 100
    assert not box.min_latitude <= MARSEILLE.latitude <= box.max_latitude


@pytest.mark.parametrize(
    "centre",
    [
        pytest.param(GeoPoint(89.9, 0), id="near_the_pole_case"),
        pytest.param(GeoPoint(-17.5, 179.9), id="across_the_180th_meridian_case"),
    ],
)
def test_a_box_that_would_wrap_does_not_bound_longitude(centre):
    box = bounding_box(centre, 50)

    assert (box.min_longitude, box.max_longitude) == (None, None)


# --- opening hours -----------------------------------------------------------------------------


def test_a_store_is_open_during_its_hours_and_closed_outside():
    tuesday = paris(2026, 11, 24, 11, 0)

    assert is_open_at(MONDAY_TO_SATURDAY, [], tuesday)
    assert not is_open_at(MONDAY_TO_SATURDAY, [], paris(2026, 11, 24, 9, 59))
    assert is_open_at(MONDAY_TO_SATURDAY, [], paris(2026, 11, 24, 10, 0))
    assert not is_open_at(MONDAY_TO_SATURDAY, [], paris(2026, 11, 24, 19, 30))


def test_a_store_without_sunday_hours_is_closed_on_sunday():
    sunday_late_morning = paris(2026, 11, 29, 11, 0)

    assert not is_open_at(MONDAY_TO_SATURDAY, [], sunday_late_morning)
    assert is_open_at(SUNDAY_MORNING, [], sunday_late_morning)


def test_a_bank_holiday_closure_closes_a_weekday():
    may_day = ClosureDay(date(2026, 5, 1))  # a Friday

    assert is_open_at(MONDAY_TO_SATURDAY, [], paris(2026, 5, 1, 11, 0))
    assert not is_open_at(MONDAY_TO_SATURDAY, [may_day], paris(2026, 5, 1, 11, 0))
    assert is_open_at(MONDAY_TO_SATURDAY, [may_day], paris(2026, 5, 2, 11, 0))


def test_special_hours_replace_the_weekly_ones_for_that_day():
    christmas_eve = ClosureDay(date(2026, 12, 24), time(9), time(17))

    assert is_open_at(MONDAY_TO_SATURDAY, [christmas_eve], paris(2026, 12, 24, 9, 30))
    assert not is_open_at(MONDAY_TO_SATURDAY, [christmas_eve], paris(2026, 12, 24, 18, 0))
    assert hours_on(date(2026, 12, 24), MONDAY_TO_SATURDAY, [christmas_eve]) == [
        (time(9), time(17))
    ]


def test_a_late_night_range_runs_past_midnight_into_the_next_day():
    assert is_open_at(WITH_FRIDAY_NIGHT, [], paris(2026, 11, 27, 23, 0))  # Friday
    assert is_open_at(WITH_FRIDAY_NIGHT, [], paris(2026, 11, 28, 0, 30))  # Saturday night
    assert not is_open_at(WITH_FRIDAY_NIGHT, [], paris(2026, 11, 28, 1, 0))
    assert not is_open_at(WITH_FRIDAY_NIGHT, [], paris(2026, 11, 28, 9, 0))


def test_sunday_night_runs_into_monday():
    hours = [WeeklyRange(6, time(20), time(2))]

    assert is_open_at(hours, [], paris(2026, 11, 30, 1, 0))  # Monday 01:00


def test_a_closure_of_the_next_day_does_not_cut_a_late_night_short():
    # The Friday night range is Friday's: a closure on Saturday closes Saturday's ranges.
    saturday_closed = ClosureDay(date(2026, 11, 28))

    assert is_open_at(WITH_FRIDAY_NIGHT, [saturday_closed], paris(2026, 11, 28, 0, 30))
    assert not is_open_at(WITH_FRIDAY_NIGHT, [saturday_closed], paris(2026, 11, 28, 11, 0))


def test_hours_on_a_day_list_every_range_in_order():
    lunch_break = [WeeklyRange(0, time(14), time(19)), WeeklyRange(0, time(9), time(12))]

    assert hours_on(date(2026, 11, 23), lunch_break, []) == [
        (time(9), time(12)),
        (time(14), time(19)),
    ]
    assert hours_on(date(2026, 11, 24), lunch_break, []) == []


@pytest.mark.parametrize(
    ("utc_now", "is_open"),
    [
        # 29 March 2026: clocks go from 02:00 to 03:00 in Paris. 07:30 UTC is 09:30 local
        # (CEST, UTC+2); a fixed UTC+1 would say 08:30 and get it wrong.
        pytest.param(datetime(2026, 3, 29, 7, 30, tzinfo=UTC), True, id="spring_forward_case"),
        pytest.param(datetime(2026, 3, 29, 6, 30, tzinfo=UTC), False, id="before_opening_case"),
        # 25 October 2026: clocks go back; 08:30 UTC is 09:30 local (CET, UTC+1).
        pytest.param(datetime(2026, 10, 25, 8, 30, tzinfo=UTC), True, id="fall_back_case"),
        pytest.param(datetime(2026, 10, 25, 7, 30, tzinfo=UTC), False, id="fall_back_early_case"),
    ],
)
def test_open_now_follows_the_stores_clock_on_a_dst_sunday(utc_now, is_open):
    at = local_time(utc_now, "Europe/Paris")

    assert is_open_at(SUNDAY_MORNING, [], at) is is_open


def test_local_time_needs_an_aware_instant():
    with pytest.raises(ValueError, match="aware"):
        local_time(datetime(2026, 3, 29, 7, 30), "Europe/Paris")  # noqa: DTZ001


def test_the_next_opening_after_saturday_evening_is_monday_morning():
    saturday_evening = paris(2026, 11, 28, 20, 0)

    assert next_opening(MONDAY_TO_SATURDAY, [], saturday_evening) == paris(2026, 11, 30, 10, 0)


def test_the_next_opening_skips_a_closed_day():
    easter_monday = ClosureDay(date(2026, 4, 6))

    opening = next_opening(MONDAY_TO_SATURDAY, [easter_monday], paris(2026, 4, 4, 20, 0))

    assert opening == paris(2026, 4, 7, 10, 0)


def test_the_next_opening_across_the_spring_change_has_the_summer_offset():
    saturday_before = local_time(datetime(2026, 3, 28, 19, 0, tzinfo=UTC), "Europe/Paris")

    opening = next_opening(MONDAY_TO_SATURDAY, [], saturday_before)

    assert opening == paris(2026, 3, 30, 10, 0)
    assert opening is not None
    assert opening.utcoffset().total_seconds() == 2 * 3600
    assert opening.astimezone(UTC) == datetime(2026, 3, 30, 8, 0, tzinfo=UTC)


def test_while_open_the_next_opening_is_the_following_range():
    assert next_opening(MONDAY_TO_SATURDAY, [], paris(2026, 11, 24, 11, 0)) == paris(
        2026, 11, 25, 10, 0
    )


def test_a_store_with_no_hours_never_opens():
    assert next_opening([], [], paris(2026, 11, 24, 11, 0)) is None


@pytest.mark.parametrize(
    ("ranges", "clash"),
    [
        pytest.param(MONDAY_TO_SATURDAY, None, id="one_range_a_day_case"),
        pytest.param(
            [WeeklyRange(0, time(9), time(12)), WeeklyRange(0, time(14), time(19))],
            None,
            id="lunch_break_case",
        ),
        pytest.param(
            [WeeklyRange(0, time(9), time(12)), WeeklyRange(0, time(11), time(19))],
            (WeeklyRange(0, time(9), time(12)), WeeklyRange(0, time(11), time(19))),
            id="same_day_case",
        ),
        pytest.param(
            [WeeklyRange(4, time(18), time(2)), WeeklyRange(5, time(1), time(12))],
            (WeeklyRange(4, time(18), time(2)), WeeklyRange(5, time(1), time(12))),
            id="past_midnight_case",
        ),
        pytest.param(
            [WeeklyRange(0, time(0, 30), time(12)), WeeklyRange(6, time(22), time(1))],
            (WeeklyRange(6, time(22), time(1)), WeeklyRange(0, time(0, 30), time(12))),
            id="sunday_into_monday_case",
        ),
    ],
)
def test_overlapping_ranges_are_found(ranges, clash):
    assert overlapping_ranges(ranges) == clash


# --- place names -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "spelling",
    [
        pytest.param("Saint-Étienne", id="official_case"),
        pytest.param("saint-etienne", id="no_accent_case"),
        pytest.param("SAINT ETIENNE", id="upper_case"),
        pytest.param("St-Étienne", id="abbreviated_case"),
        pytest.param("  saint   étienne ", id="extra_spaces_case"),
    ],
)
def test_place_names_compare_without_accents_case_or_hyphens(spelling):
    assert place_name_key(spelling) == "saint etienne"
