"""Till sales: a store sells only units nobody holds, or a held unit to the one who holds it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction

from comptoir.core import clock
from comptoir.core.errors import ValidationFailed
from comptoir.core.retrying import transaction_retried

from ..errors import HoldNotActive, OutOfStock
from ..models import Hold, StockMovement
from .levels import Guard, LevelChange, apply_level_change, write_movement


@dataclass(frozen=True)
class TillLine:
    variant_id: int
    sku: str
    quantity: int
    hold_id: int | None = None


@transaction_retried
def sell_at_till(
    *,
    location_id: int,
    lines: list[TillLine],
    ticket: str,
    actor: str = "",
    now: datetime | None = None,
) -> None:
    """Sell every line or none. A line without a hold takes only free units (not held for
    anyone); a line with a hold sells exactly the held units and ends the hold."""
    now = now or clock.now()
    with transaction.atomic():
        for line in sorted(lines, key=lambda line: (line.variant_id, line.hold_id or 0)):
            if line.hold_id is None:
                _sell_free_units(location_id, line, ticket=ticket, actor=actor, now=now)
            else:
                _sell_held_units(location_id, line, ticket=ticket, actor=actor, now=now)


def _sell_free_units(
    location_id: int, line: TillLine, *, ticket: str, actor: str, now: datetime
) -> None:
    change = LevelChange(
        line.variant_id,
        location_id,
        line.sku,
        on_hand_delta=-line.quantity,
        guard=Guard.FREE,
        need=line.quantity,
    )
    write_movement(
        change, kind=StockMovement.Kind.TILL_SALE, now=now, reference=ticket, actor=actor
    )
    if apply_level_change(change, reason=StockMovement.Kind.TILL_SALE, now=now) is None:
        raise OutOfStock(
            f"No free unit of {line.sku} to sell here: what is left is held for customers.",
            sku=line.sku,
            location=str(location_id),
        )


def _sell_held_units(
    location_id: int, line: TillLine, *, ticket: str, actor: str, now: datetime
) -> None:
    consumed = Hold.objects.filter(
        pk=line.hold_id,
        status=Hold.Status.ACTIVE,
        location_id=location_id,
        variant_id=line.variant_id,
        quantity=line.quantity,
    ).update(status=Hold.Status.CONSUMED, ended_at=now)
    if not consumed:
        hold = Hold.objects.filter(pk=line.hold_id).first()
        if hold is None or hold.location_id != location_id or hold.variant_id != line.variant_id:
            raise ValidationFailed(
                "This hold is not for this SKU at this store.",
                errors=[{"field": "lines.hold_id", "message": "not a hold of this SKU here"}],
            )
        if hold.quantity != line.quantity:
            raise ValidationFailed(
                f"The hold is for {hold.quantity} unit(s); sell exactly that.",
                errors=[{"field": "lines.quantity", "message": f"must be {hold.quantity}"}],
            )
        raise HoldNotActive("This hold has already ended (sold, released or expired).")
    change = LevelChange(
        line.variant_id,
        location_id,
        line.sku,
        on_hand_delta=-line.quantity,
        held_delta=-line.quantity,
    )
    write_movement(
        change,
        kind=StockMovement.Kind.TILL_SALE,
        now=now,
        hold_id=line.hold_id,
        reference=ticket,
        actor=actor,
    )
    apply_level_change(change, reason=StockMovement.Kind.TILL_SALE, now=now)
