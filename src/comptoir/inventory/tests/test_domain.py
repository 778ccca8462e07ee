import pytest

from comptoir.inventory.domain import HoldLine, StockFigures, came_back_in_stock, lock_order


def test_available_to_promise_is_free_units_less_the_channel_safety_stock():
    figures = StockFigures(on_hand=10, held=3, safety=2)

    assert (figures.free, figures.available) == (7, 5)


def test_available_never_goes_below_zero_when_safety_exceeds_free_units():
    assert StockFigures(on_hand=3, held=2, safety=5).available == 0


def test_lock_order_sorts_by_location_then_variant_and_merges_duplicate_lines():
    lines = [HoldLine(2, 7, 1), HoldLine(1, 9, 2), HoldLine(2, 7, 3), HoldLine(1, 3, 1)]

    assert lock_order(lines) == [HoldLine(1, 3, 1), HoldLine(1, 9, 2), HoldLine(2, 7, 4)]


def test_two_carts_with_the_same_lines_in_any_order_lock_in_the_same_order():
    cart_a = [HoldLine(1, 5, 1), HoldLine(1, 4, 1)]
    cart_b = [HoldLine(1, 4, 1), HoldLine(1, 5, 1)]

    assert lock_order(cart_a) == lock_order(cart_b)


def test_a_hold_line_of_zero_units_is_refused():
    with pytest.raises(ValueError, match="at least one unit"):
        lock_order([HoldLine(1, 1, 0)])


@pytest.mark.parametrize(
    ("before", "after", "expected"),
    [
        pytest.param((0, 0, 0), (2, 0, 0), True, id="empty_shelf_restocked_case"),
        pytest.param((2, 0, 2), (3, 0, 2), True, id="safety_covered_then_one_over_case"),
        pytest.param((1, 0, 0), (2, 0, 0), False, id="already_available_case"),
        pytest.param((0, 0, 0), (1, 0, 1), False, id="still_under_safety_case"),
    ],
)
def test_back_in_stock_is_the_crossing_from_nothing_to_promise_to_something(
    before, after, expected
):
    assert came_back_in_stock(StockFigures(*before), StockFigures(*after)) is expected
