"""Two associates report the same line not found at once: it is counted out and sourced
again once (one line_resourced, one set of new lines and holds), never twice. Real parallel
connections: PostgreSQL only."""

import pytest

from comptoir.core.models import OutboxEvent
from comptoir.fulfilment.errors import TaskStateConflict
from comptoir.fulfilment.services import report_not_found
from comptoir.fulfilment.tests.checkout_factories import (
    JACKET,
    TUESDAY_11_AM,
    three_jackets_held_at_part_dieu,
)
from comptoir.inventory.models import Hold, StockLevel
from comptoir.reconciliation import reconcile

from .racing import at_once

ASSOCIATES = 6


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_a_line_reported_not_found_by_six_at_once_is_moved_once():
    order, task, a, b, c = three_jackets_held_at_part_dieu()

    def report(_: int) -> str:
        try:
            report_not_found(task_id=task.pk, line_numbers=[1], now=TUESDAY_11_AM)
        except TaskStateConflict:  # the task was finished by a faster report
            return "refused"
        return "reported"

    outcomes = at_once(ASSOCIATES, report)

    assert "reported" in outcomes
    assert OutboxEvent.objects.filter(type="order.line_resourced").count() == 1
    lines = order.lines.order_by("line_number")
    assert list(lines.values_list("location_id", "quantity", "status")) == [
        (a.pk, 3, "cancelled"),
        (b.pk, 2, "open"),
        (c.pk, 1, "open"),
    ]
    active = Hold.objects.filter(reference__startswith=order.reference, status="active")
    assert sorted(active.values_list("location_id", "quantity")) == [(b.pk, 2), (c.pk, 1)]
    level = StockLevel.objects.get(location=a, variant__sku=JACKET)
    assert (level.on_hand, level.held) == (0, 0)  # counted out once
    assert reconcile() == []
