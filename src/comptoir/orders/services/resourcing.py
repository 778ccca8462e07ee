"""Moving an order line to another location: its units were not on the shelf where held.

The fulfilment app decides where (its sourcing engine); these services keep the order, its
holds and its event in step.
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction

from comptoir.core import clock
from comptoir.core.outbox import record_event
from comptoir.inventory.services.holds import HoldRequestLine, place_hold

from .. import events
from ..errors import InvalidOrder
from ..models import OrderLine
from .lifecycle import locked_order, release_lines
from .placing import order_keys


def move_line(
    *,
    order_id: int,
    line_number: int,
    to_location_id: int,
    explanation: list[str],
    now: datetime | None = None,
) -> OrderLine:
    """Source an open line again from `to_location_id` (its units were not found where they
    were held): the old hold is released, a new line is held there, in one transaction, and
    `order.line_resourced` says where from, where to and why."""
    now = now or clock.now()
    with transaction.atomic():
        order = locked_order(order_id)
        line = order.lines.filter(line_number=line_number, status=OrderLine.Status.OPEN).first()
        if line is None:
            raise InvalidOrder(
                "This is not an open line of the order.",
                errors=[{"field": "lines", "message": f"not open: {line_number}"}],
            )
        release_lines([line], hold_status="released", reason="sourced again elsewhere", now=now)
        OrderLine.objects.filter(pk=line.pk).update(status=OrderLine.Status.CANCELLED)
        [hold] = place_hold(
            lines=[HoldRequestLine(to_location_id, line.variant_id, line.sku, line.quantity)],
            channel=order.channel,
            reference=order.reference,
            customer_id=order.customer_id,
            ttl=None,  # the order's, as at placing: no expiry, the order ends it
            now=now,
        )
        last = order.lines.order_by("-line_number").values_list("line_number", flat=True).first()
        moved = OrderLine.objects.create(
            order=order,
            line_number=(last or 0) + 1,
            variant_id=line.variant_id,
            sku=line.sku,
            quantity=line.quantity,
            unit_price=line.unit_price,
            currency=line.currency,
            location_id=to_location_id,
            hold_id=hold.pk,
        )
        order.sourcing_explanation = [*order.sourcing_explanation, *explanation]
        order.updated_at = now
        order.save(update_fields=["sourcing_explanation", "updated_at"])
        record_event(
            events.ORDER_LINE_RESOURCED,
            aggregate=f"order:{order.pk}",
            payload={
                **order_keys(order),
                "sku": line.sku,
                "quantity": line.quantity,
                "from_location_id": line.location_id,
                "to_location_id": to_location_id,
                "explanation": explanation,
            },
            now=now,
        )
    return moved


def release_line_hold(*, order_id: int, line_number: int, now: datetime | None = None) -> None:
    """Give back the units an open line holds (they are not where they were thought to be);
    the line stays open until it is sourced again or cancelled."""
    now = now or clock.now()
    with transaction.atomic():
        line = OrderLine.objects.filter(
            order_id=order_id, line_number=line_number, status=OrderLine.Status.OPEN
        ).first()
        if line is None:
            return
        release_lines([line], hold_status="released", reason="not found on the shelf", now=now)
        OrderLine.objects.filter(pk=line.pk).update(hold_id=None)
