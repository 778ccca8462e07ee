"""`comptoir reconcile`: clean on an honest history, and each check finds a bad row planted
behind the services' back."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import F

from comptoir.core import clock
from comptoir.core.reconciling import Discrepancy
from comptoir.inventory.models import Hold, StockLevel
from comptoir.inventory.selectors import stock_discrepancies
from comptoir.orders.models import Order, OrderLine
from comptoir.orders.selectors import order_state_discrepancies
from comptoir.orders.services.lifecycle import cancel_order

from .world import STORE, open_the_shop, place_home, place_pickup


def _checks(found: list[Discrepancy]) -> list[tuple[str, str]]:
    return [(d.check, d.subject) for d in found]


def _run_reconcile() -> tuple[int, str]:
    out = StringIO()
    try:
        call_command("reconcile", stdout=out)
    except SystemExit as exit_:
        return int(exit_.code), out.getvalue()
    return 0, out.getvalue()


@pytest.mark.django_db
def test_an_honest_history_reconciles_and_the_command_says_so():
    world = open_the_shop()
    place_pickup(world)
    kept = place_home(world)
    cancel_order(order_id=place_pickup(world, sku="JACKET-TRAIL-L").order.pk, reason="test")
    assert kept.order.status == "placed"

    assert _run_reconcile() == (
        0,
        "All add up: every stock level and every order reconciles.\n",
    )


@pytest.mark.django_db
def test_a_level_that_is_not_the_sum_of_its_movements_is_found():
    world = open_the_shop()
    StockLevel.objects.filter(
        variant__sku="JACKET-TRAIL-S", location=world["places"][STORE]
    ).update(on_hand=F("on_hand") + 2)

    [found] = stock_discrepancies()

    assert (found.check, found.subject) == (
        "level-equals-ledger",
        "level:JACKET-TRAIL-S@lyon-bellecour",
    )
    assert found.detail == (
        "the level says 8 on hand, 0 held; its movements add up to 6 on hand, 0 held"
    )
    code, out = _run_reconcile()
    assert (code, out) == (1, f"{found}\n")


@pytest.mark.django_db
def test_a_held_figure_that_is_not_the_sum_of_its_active_holds_is_found():
    world = open_the_shop()
    placed = place_pickup(world, quantity=2)
    Hold.objects.filter(pk=placed.lines[0].hold_id).update(quantity=1)

    assert [(d.check, d.subject, d.detail) for d in stock_discrepancies()] == [
        (
            "held-equals-active-holds",
            "level:JACKET-TRAIL-S@lyon-bellecour",
            "the level says 2 held; its active holds add up to 1",
        )
    ]


@pytest.mark.django_db
def test_an_active_hold_the_sweep_left_behind_is_found():
    world = open_the_shop()
    placed = place_pickup(world)
    hold_id = placed.lines[0].hold_id
    now = clock.now()
    Hold.objects.filter(pk=hold_id).update(expires_at=now - timedelta(seconds=30))
    assert stock_discrepancies(now=now) == []  # the sweep has a minute to get to it

    Hold.objects.filter(pk=hold_id).update(expires_at=now - timedelta(minutes=2))

    assert _checks(stock_discrepancies(now=now)) == [("hold-expired-in-time", f"hold:{hold_id}")]


@pytest.mark.postgres_only
@pytest.mark.django_db
def test_a_negative_level_is_found_had_the_database_let_one_through():
    # The CHECK constraints refuse it; drop them in this test's transaction (rolled back).
    with connection.cursor() as cursor:
        for name in ("on_hand_not_negative", "held_within_on_hand"):
            cursor.execute(f"ALTER TABLE inventory_stocklevel DROP CONSTRAINT {name}")
    world = open_the_shop()
    StockLevel.objects.filter(
        variant__sku="JACKET-TRAIL-S", location=world["places"][STORE]
    ).update(on_hand=-1)

    assert _checks(stock_discrepancies()) == [
        ("level-equals-ledger", "level:JACKET-TRAIL-S@lyon-bellecour"),
        ("stock-not-negative", "level:JACKET-TRAIL-S@lyon-bellecour"),
    ]


@pytest.mark.django_db
def test_an_open_line_of_a_cancelled_or_collected_order_is_found():
    world = open_the_shop()
    cancelled, collected = place_pickup(world), place_home(world)
    Order.objects.filter(pk=cancelled.order.pk).update(status="cancelled")
    Order.objects.filter(pk=collected.order.pk).update(status="collected")

    assert [(d.check, d.subject, d.detail) for d in order_state_discrepancies()] == [
        (
            "no-open-line-in-a-finished-order",
            f"order:{cancelled.order.reference}",
            "line 1 (JACKET-TRAIL-S) is open in a cancelled order",
        ),
        (
            "no-open-line-in-a-finished-order",
            f"order:{collected.order.reference}",
            "line 1 (JACKET-TRAIL-M) is open in a collected order",
        ),
    ]


@pytest.mark.django_db
def test_a_hold_still_active_for_a_line_no_longer_open_is_found():
    world = open_the_shop()
    placed = place_pickup(world)
    OrderLine.objects.filter(pk=placed.lines[0].pk).update(status="cancelled")

    assert [(d.check, d.subject, d.detail) for d in order_state_discrepancies()] == [
        (
            "no-active-hold-for-an-ended-line",
            f"order:{placed.order.reference}",
            f"line 1 (JACKET-TRAIL-S) is cancelled but its hold {placed.lines[0].hold_id} "
            "is still active",
        )
    ]


@pytest.mark.django_db
def test_a_hold_kept_for_an_order_that_no_line_holds_is_found():
    # An order's hold never expires: one its line lets go of would hold its units for ever.
    world = open_the_shop()
    placed = place_pickup(world)
    hold_id = placed.lines[0].hold_id
    OrderLine.objects.filter(pk=placed.lines[0].pk).update(hold_id=None)

    assert _checks(order_state_discrepancies()) == [
        ("no-kept-hold-without-a-line", f"hold:{hold_id}")
    ]
    assert stock_discrepancies(now=clock.now() + timedelta(days=365)) == []


@pytest.mark.django_db
def test_a_collected_order_with_a_line_not_collected_is_found():
    world = open_the_shop()
    placed = place_pickup(world)
    cancel_order(order_id=placed.order.pk, reason="test")  # no hold left to trip another check
    Order.objects.filter(pk=placed.order.pk).update(status="collected")
    OrderLine.objects.filter(pk=placed.lines[0].pk).update(status="dispatched")

    assert _checks(order_state_discrepancies()) == [
        ("collected-order-lines-collected", f"order:{placed.order.reference}")
    ]
