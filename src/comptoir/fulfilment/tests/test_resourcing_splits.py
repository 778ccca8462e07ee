"""A line not found on the shelf, sourced again over two locations when no one has it all.

Jean's 3 jackets were held at Part-Dieu (A) for the Wednesday 18:00-20:00 slot; the
associate finds none. Gratte-Ciel (B) holds 2, the warehouse (C) 1: the line becomes two
lines, two holds, two ship tasks in the slot, capacity taken at each, all given back at A.
"""

import pytest

from comptoir.core.models import OutboxEvent
from comptoir.fulfilment.models import CapacityUsage, StoreTask
from comptoir.fulfilment.services import report_not_found
from comptoir.inventory.models import Hold, StockLevel
from comptoir.reconciliation import reconcile

from .checkout_factories import (
    JACKET,
    TUESDAY_11_AM,
    WEDNESDAY_6_PM,
    three_jackets_held_at_part_dieu,
)


def _level(location) -> tuple[int, int]:
    level = StockLevel.objects.get(location=location, variant__sku=JACKET)
    return level.on_hand, level.held


@pytest.mark.django_db
def test_a_line_no_one_location_can_supply_again_is_split_over_two():
    order, task, a, b, c = three_jackets_held_at_part_dieu()

    report_not_found(task_id=task.pk, line_numbers=[1], now=TUESDAY_11_AM)

    lines = list(
        order.lines.order_by("line_number").values_list("location_id", "quantity", "status")
    )
    assert lines == [(a.pk, 3, "cancelled"), (b.pk, 2, "open"), (c.pk, 1, "open")]
    holds = Hold.objects.filter(reference__startswith=order.reference)
    assert sorted(holds.values_list("location_id", "quantity", "status")) == sorted(
        [(a.pk, 3, "released"), (b.pk, 2, "active"), (c.pk, 1, "active")]
    )
    assert (_level(a), _level(b), _level(c)) == ((0, 0), (2, 2), (1, 1))
    tasks = StoreTask.objects.filter(order=order).order_by("location_id")
    assert [(t.location_id, t.kind, t.status, t.slot_starts_at) for t in tasks] == [
        (a.pk, "ship", "not_found", WEDNESDAY_6_PM),
        (b.pk, "ship", "open", WEDNESDAY_6_PM),
        (c.pk, "ship", "open", WEDNESDAY_6_PM),
    ]
    picking = dict(CapacityUsage.objects.filter(kind="picking").values_list("location_id", "used"))
    slot = dict(CapacityUsage.objects.filter(kind="slot").values_list("location_id", "used"))
    # A sends nothing more: all it held for the order is given back.
    assert (picking, slot) == ({a.pk: 0, b.pk: 2, c.pk: 1}, {a.pk: 0, b.pk: 1, c.pk: 1})
    [event] = OutboxEvent.objects.filter(type="order.line_resourced")
    assert [(p["location_id"], p["quantity"]) for p in event.payload["pieces"]] == [
        (b.pk, 2),
        (c.pk, 1),
    ]
    assert reconcile() == []  # levels = their ledger, capacity = live orders


@pytest.mark.django_db
def test_a_line_nobody_can_supply_whole_is_cancelled_and_holds_nothing():
    order, task, a, b, c = three_jackets_held_at_part_dieu()
    StockLevel.objects.filter(location=c).delete()  # the warehouse's unit is gone
    # (without a ledger row: reconcile is not asked here)

    report_not_found(task_id=task.pk, line_numbers=[1], now=TUESDAY_11_AM)

    assert list(order.lines.values_list("status", flat=True)) == ["cancelled"]
    assert not Hold.objects.filter(reference__startswith=order.reference, status="active")
    assert not StoreTask.objects.filter(order=order).exclude(location=a).exists()
