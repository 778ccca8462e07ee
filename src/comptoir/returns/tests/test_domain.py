"""The return's state machine and which units may come back: pure rules, no database."""

from decimal import Decimal

import pytest

from comptoir.returns.domain import (
    RETURN_TRANSITIONS,
    LineProgress,
    ReceivedLine,
    ReturnedUnits,
    ReturnStatus,
    ReturnTransitionNotAllowed,
    check_return_transition,
    order_progress_word,
    refund_due,
    status_on_receipt,
    units_refused,
)

JACKETS = {1: ReceivedLine(1, quantity=2, returned_quantity=1, unit_price=Decimal("129.00"))}


@pytest.mark.parametrize(
    ("current", "target"),
    [
        pytest.param("received", "refunding", id="a_due_refund_is_claimed"),
        pytest.param("refunding", "refunded", id="the_psp_refunded"),
        pytest.param("refunding", "received", id="the_psp_refused_retry_later"),
    ],
)
def test_a_return_moves_only_along_its_table(current, target):
    assert check_return_transition(current, target) == ReturnStatus(target)


@pytest.mark.parametrize(
    ("current", "target"),
    [
        pytest.param("refunded", "refunding", id="refunded_is_never_refunded_again"),
        pytest.param("received", "refunded", id="no_refund_without_asking_the_psp"),
        pytest.param("refunding", "refunding", id="a_claimed_refund_is_not_claimed_twice"),
    ],
)
def test_a_move_outside_the_table_is_refused(current, target):
    with pytest.raises(ReturnTransitionNotAllowed):
        check_return_transition(current, target)


def test_every_status_has_a_row_and_every_guard_says_why():
    assert set(RETURN_TRANSITIONS) == set(ReturnStatus)
    assert all(guard for row in RETURN_TRANSITIONS.values() for guard in row.values())


def test_a_pure_exchange_is_settled_on_receipt_and_a_refund_is_due_otherwise():
    assert status_on_receipt(Decimal("0")) == ReturnStatus.REFUNDED
    assert status_on_receipt(Decimal("129.00")) == ReturnStatus.RECEIVED


def test_only_units_left_on_a_received_line_come_back_even_asked_twice_in_one_return():
    one_each = [ReturnedUnits(1, 1, refunded=True), ReturnedUnits(1, 1, refunded=True)]

    assert units_refused([ReturnedUnits(1, 1, refunded=True)], JACKETS) == []
    assert units_refused(one_each, JACKETS) == [(1, "at most 1 left to return")]
    assert units_refused([ReturnedUnits(2, 1, refunded=True)], JACKETS) == [
        (0, "not a delivered or collected line of this order")
    ]


def test_the_refund_is_the_price_paid_for_the_units_returned_and_not_exchanged():
    lines = {**JACKETS, 2: ReceivedLine(2, 1, 0, Decimal("9.90"))}
    wanted = [ReturnedUnits(1, 1, refunded=True), ReturnedUnits(2, 1, refunded=False)]

    assert refund_due(wanted, lines) == Decimal("129.00")


@pytest.mark.parametrize(
    ("order_status", "lines", "refunds_pending", "word"),
    [
        pytest.param("placed", [("open", 2, 0)], False, "placed", id="being_prepared_case"),
        pytest.param(
            "dispatched",
            [("delivered", 1, 0), ("dispatched", 1, 0)],
            False,
            "dispatched",
            id="one_parcel_still_on_its_way_case",
        ),
        pytest.param(
            "dispatched",
            [("delivered", 1, 0), ("cancelled", 1, 0)],
            False,
            "delivered",
            id="every_live_line_delivered_case",
        ),
        pytest.param(
            "collected", [("collected", 2, 1)], False, "partly_returned", id="one_unit_back_case"
        ),
        pytest.param(
            "collected", [("collected", 2, 2)], True, "returned", id="all_back_refund_due_case"
        ),
        pytest.param(
            "dispatched", [("delivered", 2, 2)], False, "refunded", id="all_back_refunded_case"
        ),
        pytest.param("cancelled", [("cancelled", 1, 0)], False, "cancelled", id="cancelled_case"),
    ],
)
def test_the_shopper_reads_the_orders_status_derived_from_its_lines_and_returns(
    order_status, lines, refunds_pending, word
):
    progress = [LineProgress(status, quantity, back) for status, quantity, back in lines]

    assert order_progress_word(order_status, progress, refunds_pending=refunds_pending) == word
