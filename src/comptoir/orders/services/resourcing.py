"""Moving an order line to another location: its units were not on the shelf where held.

The fulfilment app decides where (its sourcing engine); these services keep the order, its
holds and its event in step.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from django.db import transaction

from comptoir.core import clock
from comptoir.core.outbox import record_event
from comptoir.inventory.services.holds import HoldRequestLine, place_holds

from .. import events
from ..errors import InvalidOrder
from ..models import OrderLine
from .lifecycle import locked_order, release_lines
from .placing import Piece, order_keys


def move_line(
    *,
    order_id: int,
    line_number: int,
    pieces: Sequence[Piece],
    explanation: list[str],
    now: datetime | None = None,
) -> list[OrderLine]:
    """Source an open line again from the locations of `pieces` (its units were not found
    where they were held; several pieces when no one location has them all): in one
    transaction the old hold is released and the line closed, a new line with its own hold is
    written per piece, and one `order.line_resourced` says where from, where to and why.
    The pieces must be of the line's SKU and add up to its quantity."""
    now = now or clock.now()
    with transaction.atomic():
        order = locked_order(order_id)
        line = order.lines.filter(line_number=line_number, status=OrderLine.Status.OPEN).first()
        if line is None:
            raise InvalidOrder(
                "This is not an open line of the order.",
                errors=[{"field": "lines", "message": f"not open: {line_number}"}],
            )
        if (
            not pieces
            or any(p.sku != line.sku or p.quantity < 1 for p in pieces)
            or (sum(p.quantity for p in pieces) != line.quantity)
        ):
            raise InvalidOrder(
                "The pieces must be the line's SKU and add up to its quantity.",
                errors=[{"field": "pieces", "message": f"do not make line {line_number}"}],
            )
        release_lines([line], hold_status="released", reason="sourced again elsewhere", now=now)
        OrderLine.objects.filter(pk=line.pk).update(status=OrderLine.Status.CANCELLED)
        last = order.lines.order_by("-line_number").values_list("line_number", flat=True).first()
        numbers = [(last or 0) + 1 + index for index in range(len(pieces))]
        # A reference holds a variant once: each new line's hold has its own.
        holds = place_holds(
            batches=[
                (
                    f"{order.reference}/L{number}",
                    [HoldRequestLine(p.location_id, line.variant_id, line.sku, p.quantity)],
                )
                for number, p in zip(numbers, pieces, strict=True)
            ],
            channel=order.channel,
            customer_id=order.customer_id,
            ttl=None,  # the order's, as at placing: no expiry, the order ends it
            now=now,
        )
        hold_of = {h.reference: h.pk for h in holds}
        moved = OrderLine.objects.bulk_create(
            OrderLine(
                order=order,
                line_number=number,
                variant_id=line.variant_id,
                sku=line.sku,
                quantity=p.quantity,
                unit_price=line.unit_price,
                currency=line.currency,
                location_id=p.location_id,
                hold_id=hold_of[f"{order.reference}/L{number}"],
            )
            for number, p in zip(numbers, pieces, strict=True)
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
                # the first piece's location: the only one unless the line was split
                "to_location_id": pieces[0].location_id,
                "pieces": [
                    {"line_number": number, "location_id": p.location_id, "quantity": p.quantity}
                    for number, p in zip(numbers, pieces, strict=True)
                ],
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
