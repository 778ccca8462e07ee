"""A store task's moves, from the one table (no database)."""

import pytest

from comptoir.fulfilment.domain.tasks import (
    TaskMoveRefused,
    TaskStatus,
    allowed_actions,
    check_move,
)


@pytest.mark.parametrize(
    ("kind", "status", "actions"),
    [
        pytest.param("set_aside", "open", {"ready", "not-found"}, id="set_aside_open_case"),
        pytest.param("set_aside", "ready", {"handover", "not-found"}, id="set_aside_ready_case"),
        pytest.param("ship", "open", {"dispatch", "not-found"}, id="ship_open_case"),
        pytest.param("ship", "done", set(), id="ship_done_case"),
        pytest.param("set_aside", "cancelled", set(), id="cancelled_case"),
        pytest.param("set_aside", "expired", set(), id="expired_case"),
        pytest.param("ship", "not_found", set(), id="not_found_case"),
        pytest.param("recount", "open", {"checked"}, id="recount_open_case"),
        pytest.param("recount", "done", set(), id="recount_done_case"),
    ],
)
def test_an_associate_is_offered_exactly_what_the_table_allows(kind, status, actions):
    assert allowed_actions(kind, status) == actions


def test_a_set_aside_order_is_handed_over_once_and_a_parcel_dispatched_once():
    assert check_move("set_aside", "ready", "handover") == TaskStatus.DONE
    assert check_move("ship", "open", "dispatch") == TaskStatus.DONE
    with pytest.raises(TaskMoveRefused, match="This task is done"):
        check_move("set_aside", "done", "handover")
    with pytest.raises(TaskMoveRefused, match="This task is done"):
        check_move("ship", "done", "dispatch")


def test_a_parcel_task_is_never_made_ready_nor_a_pickup_dispatched():
    with pytest.raises(TaskMoveRefused, match="ship task"):
        check_move("ship", "open", "ready")
    with pytest.raises(TaskMoveRefused, match="set_aside task"):
        check_move("set_aside", "open", "dispatch")


def test_the_orders_rules_end_only_the_tasks_still_waiting():
    assert check_move("set_aside", "ready", "expire") == TaskStatus.EXPIRED
    assert check_move("ship", "open", "cancel") == TaskStatus.CANCELLED
    with pytest.raises(TaskMoveRefused):
        check_move("set_aside", "done", "cancel")


def test_a_shelf_check_is_checked_once_and_is_no_order_to_find_again():
    assert check_move("recount", "open", "checked") == TaskStatus.DONE
    with pytest.raises(TaskMoveRefused):
        check_move("recount", "done", "checked")
    with pytest.raises(TaskMoveRefused):
        check_move("recount", "open", "not-found")  # nothing to source again: it was sold
