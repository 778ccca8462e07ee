"""Till sales: a store sells only units nobody holds, or a held unit to the one who holds it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import connection, transaction

from comptoir.core import clock
from comptoir.core.errors import ValidationFailed
from comptoir.core.outbox import wake_workers_after_commit
from comptoir.core.request_id import current_request_id
from comptoir.core.retrying import transaction_retried

from .. import events
from ..errors import HoldNotActive, OutOfStock
from ..models import Hold, StockMovement
from .levels import Guard, LevelChange, apply_level_change, write_movement

# Every free line of a till sale in ONE statement (PostgreSQL), as the hold's statement does
# it (levels.py): `locked` takes the levels' row locks in variant order (two tills selling the
# same SKUs never deadlock) and reads their figures as locked; `verdict` is true only if every
# line found its level with enough free units (not held for anyone); nothing is written
# otherwise. The level is SET from `locked`, never from its own row (see levels.py).
_SELL_FREE_UNITS = """
WITH wanted AS (
    SELECT * FROM unnest(%(variant_ids)s::bigint[], %(quantities)s::int[], %(skus)s::text[])
        AS w(variant_id, quantity, sku)
), locked AS (
    SELECT s.id, s.variant_id, s.on_hand, s.held, w.quantity, w.sku,
           s.on_hand - s.held >= w.quantity AS enough
      FROM inventory_stocklevel s
      JOIN wanted w ON w.variant_id = s.variant_id
     WHERE s.location_id = %(location_id)s::bigint
     ORDER BY s.variant_id
       FOR UPDATE OF s
), verdict AS (
    SELECT count(*) = %(lines)s AND bool_and(enough) AS ok FROM locked
), level AS (
    UPDATE inventory_stocklevel s
       SET on_hand = l.on_hand - l.quantity, held = l.held, updated_at = %(now)s::timestamptz
      FROM locked l
     WHERE s.id = l.id AND (SELECT ok FROM verdict)
    RETURNING s.variant_id, s.on_hand, s.held, l.sku
), movement AS (
    INSERT INTO inventory_stockmovement (variant_id, location_id, kind, on_hand_delta,
                                         held_delta, hold_id, reference, reason, actor,
                                         created_at)
    SELECT variant_id, %(location_id)s::bigint, %(kind)s::text, -quantity, 0, NULL,
           %(ticket)s::text, '', %(actor)s::text, %(now)s::timestamptz
      FROM locked WHERE (SELECT ok FROM verdict)
), event AS (
    INSERT INTO core_outboxevent (event_id, type, aggregate, payload, occurred_at, request_id)
    SELECT gen_random_uuid(), %(event_type)s,
           'stock:' || %(location_id)s::bigint || ':' || variant_id,
           jsonb_build_object('sku', sku, 'variant_id', variant_id,
                              'location_id', %(location_id)s::bigint, 'on_hand', on_hand,
                              'held', held, 'free', on_hand - held, 'reason', %(kind)s::text),
           %(now)s::timestamptz, %(request_id)s::text
      FROM level
)
SELECT l.sku, l.enough FROM locked l
"""


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
    free = [line for line in lines if line.hold_id is None]
    at_once = connection.vendor == "postgresql"  # the free lines in one statement there
    with transaction.atomic():
        if at_once and free:
            _sell_free_units_at_once(location_id, free, ticket=ticket, actor=actor, now=now)
        for line in sorted(lines, key=lambda line: (line.variant_id, line.hold_id or 0)):
            if line.hold_id is not None:
                _sell_held_units(location_id, line, ticket=ticket, actor=actor, now=now)
            elif not at_once:
                _sell_free_units(location_id, line, ticket=ticket, actor=actor, now=now)


def _sell_free_units_at_once(
    location_id: int, lines: list[TillLine], *, ticket: str, actor: str, now: datetime
) -> None:
    """The free lines in one statement (PostgreSQL): all of them, or OutOfStock and nothing."""
    wanted: dict[int, TillLine] = {}
    for line in lines:  # one row a variant: an UPDATE … FROM changes a row once
        seen = wanted.get(line.variant_id)
        wanted[line.variant_id] = (
            TillLine(line.variant_id, line.sku, seen.quantity + line.quantity) if seen else line
        )
    params = {
        "variant_ids": list(wanted),
        "quantities": [line.quantity for line in wanted.values()],
        "skus": [line.sku for line in wanted.values()],
        "lines": len(wanted),
        "location_id": location_id,
        "kind": StockMovement.Kind.TILL_SALE.value,
        "ticket": ticket,
        "actor": actor,
        "now": now,
        "event_type": events.STOCK_CHANGED,
        "request_id": current_request_id.get().strip("-"),
    }
    with connection.cursor() as cursor:
        cursor.execute(_SELL_FREE_UNITS, params)
        judged = dict(cursor.fetchall())
    short = [line.sku for line in wanted.values() if not judged.get(line.sku)]
    if short:
        raise OutOfStock(
            f"No free unit of {short[0]} to sell here: what is left is held for customers.",
            sku=short[0],
            location=str(location_id),
        )
    wake_workers_after_commit()


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
