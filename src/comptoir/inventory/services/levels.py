"""The one place that changes a stock level: a conditional UPDATE, its movement and its event.

Every change writes its ledger movement first and sends the conditional UPDATE last, so the
level's row is locked for as short a time as possible (one round trip before COMMIT). On
PostgreSQL the UPDATE and its `stock.changed` outbox row are one statement (a data-modifying
CTE), so the event carries the new figures without a second trip while the row is locked.
On SQLite, writers are serialised by BEGIN IMMEDIATE, so two statements are just as safe.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from enum import Enum

from django.db import connection

from comptoir.core import clock
from comptoir.core.outbox import record_event, wake_workers_after_commit
from comptoir.core.request_id import current_request_id

from .. import events
from ..models import StockMovement


class Guard(Enum):
    """What must still be true of the level for the change to go through."""

    NONE = ""  # the check constraints alone (releases, consumptions, receipts)
    FREE = "AND on_hand - held >= %(need)s"  # the till sells only units nobody holds
    PROMISABLE = (  # a hold takes only what its channel may promise
        "AND on_hand - held - COALESCE((SELECT quantity FROM inventory_safetystock"
        " WHERE location_id = %(location_id)s AND channel = %(channel)s), 0) >= %(need)s"
    )
    STAYS_ABOVE_HELD = "AND on_hand + %(on_hand_delta)s >= held"


@dataclass(frozen=True)
class LevelChange:
    variant_id: int
    location_id: int
    sku: str
    on_hand_delta: int = 0
    held_delta: int = 0
    guard: Guard = Guard.NONE
    need: int = 0
    channel: str = ""


_UPDATE = """
UPDATE inventory_stocklevel
   SET on_hand = on_hand + %(on_hand_delta)s, held = held + %(held_delta)s, updated_at = %(now)s
 WHERE location_id = %(location_id)s AND variant_id = %(variant_id)s {guard}
RETURNING on_hand, held
"""

_UPDATE_WITH_EVENT = """
WITH level AS ({update})
INSERT INTO core_outboxevent (event_id, type, aggregate, payload, occurred_at, request_id)
SELECT %(event_id)s, %(event_type)s, %(aggregate)s,
       jsonb_build_object('sku', %(sku)s::text, 'variant_id', %(variant_id)s::bigint,
                          'location_id', %(location_id)s::bigint, 'on_hand', on_hand,
                          'held', held, 'free', on_hand - held, 'reason', %(reason)s::text),
       %(now)s, %(request_id)s
  FROM level
RETURNING (payload->>'on_hand')::int, (payload->>'held')::int
"""


def stock_changed_payload(change: LevelChange, *, on_hand: int, held: int, reason: str) -> dict:
    return {
        "sku": change.sku,
        "variant_id": change.variant_id,
        "location_id": change.location_id,
        "on_hand": on_hand,
        "held": held,
        "free": on_hand - held,
        "reason": reason,
    }


def apply_level_change(
    change: LevelChange, *, reason: str, now: datetime
) -> tuple[int, int] | None:
    """Send the conditional UPDATE (and its event). The new (on_hand, held), or None if the
    guard failed or the level does not exist. Must run inside the caller's transaction."""
    params = {
        "on_hand_delta": change.on_hand_delta,
        "held_delta": change.held_delta,
        "now": now,
        "location_id": change.location_id,
        "variant_id": change.variant_id,
        "need": change.need,
        "channel": change.channel,
    }
    update = _UPDATE.format(guard=change.guard.value)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            params |= {
                "event_id": uuid.uuid4(),
                "event_type": events.STOCK_CHANGED,
                "aggregate": f"stock:{change.location_id}:{change.variant_id}",
                "sku": change.sku,
                "reason": reason,
                "request_id": current_request_id.get().strip("-"),
            }
            cursor.execute(_UPDATE_WITH_EVENT.format(update=update), params)
            row = cursor.fetchone()
            if row is not None:
                wake_workers_after_commit()
            return (row[0], row[1]) if row else None
        cursor.execute(update, params)
        row = cursor.fetchone()
    if row is None:
        return None
    record_event(
        events.STOCK_CHANGED,
        aggregate=f"stock:{change.location_id}:{change.variant_id}",
        payload=stock_changed_payload(change, on_hand=row[0], held=row[1], reason=reason),
        now=now,
    )
    return row[0], row[1]


def write_movement(
    change: LevelChange,
    *,
    kind: str,
    now: datetime,
    hold_id: int | None = None,
    reference: str = "",
    reason: str = "",
    actor: str = "",
) -> None:
    StockMovement.objects.create(
        variant_id=change.variant_id,
        location_id=change.location_id,
        kind=kind,
        on_hand_delta=change.on_hand_delta,
        held_delta=change.held_delta,
        hold_id=hold_id,
        reference=reference,
        reason=reason,
        actor=actor,
        created_at=now,
    )


_UPSERT = """
INSERT INTO inventory_stocklevel (variant_id, location_id, on_hand, held, updated_at)
VALUES (%(variant_id)s, %(location_id)s, %(quantity)s, 0, %(now)s)
ON CONFLICT (location_id, variant_id)
DO UPDATE SET on_hand = inventory_stocklevel.on_hand + excluded.on_hand,
              updated_at = excluded.updated_at
RETURNING on_hand, held
"""


def add_units(change: LevelChange, *, now: datetime | None = None) -> tuple[int, int]:
    """Add units, creating the level on first receipt. Returns the new (on_hand, held)."""
    with connection.cursor() as cursor:
        cursor.execute(
            _UPSERT,
            {
                "variant_id": change.variant_id,
                "location_id": change.location_id,
                "quantity": change.on_hand_delta,
                "now": now or clock.now(),
            },
        )
        on_hand, held = cursor.fetchone()
    return on_hand, held
