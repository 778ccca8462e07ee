"""The Google local inventory format as pure rules: availability, pickup, price, TSV. No DB."""

from __future__ import annotations

from datetime import time
from decimal import Decimal

import pytest

from comptoir.core.money import Money
from comptoir.integrations.feeds import (
    COLUMNS,
    LocalInventoryItem,
    PickupTerms,
    availability_for,
    pickup_sla_for,
    pickup_terms_for,
    price_at_store,
    same_day_window,
    tsv_blocks,
    tsv_line,
)
from comptoir.locations.domain import WeeklyRange

MONDAY_TO_SATURDAY = [WeeklyRange(day, time(10), time(19, 30)) for day in range(6)]  # 570 min


@pytest.mark.parametrize(
    ("quantity", "availability"),
    [
        pytest.param(0, "out_of_stock", id="nothing_to_promise_case"),
        pytest.param(1, "limited_availability", id="one_left_case"),
        pytest.param(2, "limited_availability", id="two_left_case"),
        pytest.param(3, "in_stock", id="three_left_case"),
        pytest.param(250, "in_stock", id="a_full_shelf_case"),
    ],
)
def test_availability_follows_what_can_be_promised(quantity, availability):
    assert availability_for(quantity) == availability


def test_the_same_day_window_is_the_shortest_open_day():
    saturday_short = [*MONDAY_TO_SATURDAY[:5], WeeklyRange(5, time(10), time(18))]

    assert same_day_window(MONDAY_TO_SATURDAY) == 570
    assert same_day_window(saturday_short) == 480


def test_a_lunch_break_does_not_shorten_the_same_day_window():
    with_lunch = [WeeklyRange(0, time(9), time(12)), WeeklyRange(0, time(14), time(19))]

    assert same_day_window(with_lunch) == 600


def test_a_late_opening_past_midnight_counts_until_it_closes():
    assert same_day_window([WeeklyRange(4, time(18), time(1))]) == 7 * 60


def test_a_store_without_hours_has_no_same_day_window():
    assert same_day_window([]) == 0


@pytest.mark.parametrize(
    ("lead_minutes", "window", "sla"),
    [
        pytest.param(0, 570, "same_day", id="ready_at_once_case"),
        pytest.param(120, 570, "same_day", id="two_hours_in_a_long_day_case"),
        pytest.param(570, 570, "same_day", id="ready_exactly_at_closing_case"),
        pytest.param(571, 570, "next_day", id="a_minute_past_closing_case"),
        pytest.param(24 * 60, 570, "next_day", id="a_day_case"),
        pytest.param(24 * 60 + 571, 570, "2-day", id="past_closing_the_next_day_case"),
        pytest.param(5 * 24 * 60, 570, "5-day", id="five_days_case"),
        pytest.param(7 * 24 * 60, 570, "multi-week", id="a_week_case"),
        pytest.param(0, 0, "next_day", id="no_hours_known_case"),
    ],
)
def test_the_pickup_sla_is_the_day_an_order_placed_at_opening_is_ready(lead_minutes, window, sla):
    assert pickup_sla_for(lead_minutes, same_day_window_minutes=window) == sla


@pytest.mark.parametrize(
    ("leads", "terms"),
    [
        pytest.param(
            {"click_and_collect": 120}, PickupTerms("buy", "same_day"), id="click_and_collect_case"
        ),
        pytest.param(
            {"reserve_and_collect": 1440},
            PickupTerms("reserve", "next_day"),
            id="reserve_and_collect_case",
        ),
        pytest.param(
            {"reserve_and_collect": 30, "click_and_collect": 1440},
            PickupTerms("buy", "next_day"),
            id="both_buy_wins_with_its_own_lead_case",
        ),
        pytest.param({"returns": 0}, PickupTerms("not_supported", ""), id="neither_case"),
        pytest.param({}, PickupTerms("not_supported", ""), id="no_services_case"),
    ],
)
def test_the_pickup_method_comes_from_the_services_the_store_offers(leads, terms):
    assert pickup_terms_for(leads, same_day_window_minutes=570) == terms


def test_the_store_price_wins_over_the_base_price():
    base = (Decimal("89.90"), "EUR")

    assert price_at_store(store_price=(Decimal("79.9"), "EUR"), base_price=base) == Money(
        Decimal("79.90"), "EUR"
    )
    assert price_at_store(store_price=None, base_price=base) == Money(Decimal("89.90"), "EUR")
    assert price_at_store(store_price=None, base_price=None) is None


def test_a_line_is_tab_separated_and_a_tab_inside_a_value_cannot_split_it():
    assert tsv_line(["lyon", "A\tB", None, Money(Decimal("5"), "EUR")]) == "lyon\tA B\t\t5.00 EUR\n"


def test_the_file_is_the_header_then_the_rows_in_blocks():
    item = LocalInventoryItem(
        "lyon-part-dieu", "TRAIL-JACKET-M", 3, Money(Decimal("89.90"), "EUR"), PickupTerms("buy")
    )
    row = "lyon-part-dieu\tTRAIL-JACKET-M\t3\t89.90 EUR\tin_stock\tbuy\t\n"

    blocks = list(tsv_blocks([item] * 5, lines_per_block=2))

    assert blocks == ["\t".join(COLUMNS) + "\n", row * 2, row * 2, row]
    assert COLUMNS == (
        "store_code",
        "id",
        "quantity",
        "price",
        "availability",
        "pickup_method",
        "pickup_sla",
    )
