"""Where an order line's units are after they left their shelf: arrived, and taken back.

A parcel that reaches the customer's home makes its lines `delivered`; one that reaches the
pickup store makes them `at_store`. Units taken back in a return are counted on their line by
one conditional UPDATE, so the database refuses a unit returned twice even outside a lock.
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.db.models import F

from comptoir.core import clock

from ..domain import RETURNABLE_LINES, LineStatus, check_line_transition
from ..models import OrderLine
from .lifecycle import locked_order


def record_parcel_arrival(
    *, order_id: int, from_location_id: int, at_store: bool, now: datetime | None = None
) -> list[OrderLine]:
    """The parcel that left `from_location_id` arrived: at the pickup store (`at_store`), or
    at the customer's home. Its lines, dispatched from there, move on through the state
    machine under the order's lock; the ones it returns are those that moved. Idempotent: a
    second arrival (the carrier's scan sent again) finds nothing left dispatched there."""
    now = now or clock.now()
    target = LineStatus.AT_STORE if at_store else LineStatus.DELIVERED
    with transaction.atomic():
        order = locked_order(order_id)
        arriving = list(
            order.lines.filter(location_id=from_location_id, status=LineStatus.DISPATCHED).order_by(
                "line_number"
            )
        )
        for line in arriving:
            check_line_transition(line.status, target)
        OrderLine.objects.filter(
            pk__in=[line.pk for line in arriving], status=LineStatus.DISPATCHED
        ).update(status=target, delivered_at=now)
    return arriving


def record_units_returned(*, order_id: int, quantities: dict[int, int]) -> list[int]:
    """Count `quantities` (line number → units) as taken back on the order's lines. Must run
    in the caller's transaction, after it locked the order. Each line's count is one
    conditional UPDATE (`returned_quantity + n <= quantity AND status IN received`): the
    line numbers it refused are returned, and the caller rolls back."""
    refused = []
    for line_number, units in sorted(quantities.items()):
        counted = OrderLine.objects.filter(
            order_id=order_id,
            line_number=line_number,
            status__in=sorted(RETURNABLE_LINES),
            returned_quantity__lte=F("quantity") - units,
        ).update(returned_quantity=F("returned_quantity") + units)
        if not counted:
            refused.append(line_number)
    return refused
