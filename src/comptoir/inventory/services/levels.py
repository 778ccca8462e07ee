"""The one place that changes a stock level: a conditional UPDATE, its movement and its event.

Every change writes its ledger movement first and sends the conditional UPDATE last, so the
level's row is locked for as short a time as possible (one round trip before COMMIT). On
PostgreSQL the UPDATE and its `stock.changed` outbox row are one statement (a data-modifying
CTE), so the event carries the new figures without a second trip while the row is locked.
On SQLite, writers are serialised by BEGIN IMMEDIATE, so two statements are just as safe.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from datetime import datetime
from enum import Enum
from functools import cache
from typing import Any, NamedTuple

from django.db import connection

from comptoir.core import clock
from comptoir.core.outbox import record_event, wake_workers_after_commit
from comptoir.core.request_id import current_request_id

from .. import events
from ..models import StockMovement
from ..selectors import available_sql, safety_stock_sql


class Guard(Enum):
    """What must still be true of the level for the change to go through."""

    NONE = ""  # the check constraints alone (releases, consumptions, receipts)
    FREE = "AND on_hand - held >= %(need)s"  # the till sells only units nobody holds
    PROMISABLE = (  # a hold takes only what its channel may promise
        "AND "
        + available_sql(
            on_hand="on_hand", held="held", location="%(location_id)s", channel="%(channel)s"
        )
        + " >= %(need)s"
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


# A level created by a first receipt takes its variant's product (StockLevel.product).
_UPSERT = """
INSERT INTO inventory_stocklevel (variant_id, product_id, location_id, on_hand, held, updated_at)
VALUES (%(variant_id)s, (SELECT product_id FROM catalog_variant WHERE id = %(variant_id)s),
        %(location_id)s, %(quantity)s, 0, %(now)s)
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


@dataclass(frozen=True)
class HeldLevel:
    """One line of a multi-line hold, as the one-statement path takes and returns it."""

    location_id: int
    variant_id: int
    sku: str
    quantity: int
    reference: str
    hold_id: int | None = None  # set once held


# Every line of a hold (even of several references) in ONE statement, PostgreSQL only:
# `locked` takes every level's row lock in (location, variant) order, so two carts taking the
# same SKUs in any order never deadlock, and reads each level's figures as locked (a row
# changed since the snapshot is re-read: READ COMMITTED's recheck of FOR UPDATE). `verdict` is
# true only if every line found its level with enough promisable units; the other parts write
# nothing otherwise, so the statement is all-or-nothing by itself, even in autocommit.
# `level` SETs both figures from `locked`, never from its own `s`: when another transaction
# changed a level while this one queued for its lock, PostgreSQL first builds the new row from
# the version the statement's snapshot saw, and checks the CHECK constraints on it before it
# finds that the row moved on (and redoes it on the newest): from `s`, that row mixes a stale
# on-hand with a verdict judged on the newest one, and breaks `held_within_on_hand`. The
# figures as locked are the newest, and stay so until COMMIT.
_HOLD_CTES = """
wanted AS (
    SELECT * FROM unnest(%(location_ids)s::bigint[], %(variant_ids)s::bigint[],
                         %(quantities)s::int[], %(skus)s::text[], %(references)s::text[])
        AS w(location_id, variant_id, quantity, sku, reference)
), locked AS (
    SELECT s.id, s.location_id, s.variant_id, s.on_hand, s.held, w.quantity, w.sku, w.reference,
           {available} >= w.quantity AS enough
      FROM inventory_stocklevel s
      JOIN wanted w ON w.location_id = s.location_id AND w.variant_id = s.variant_id
     ORDER BY s.location_id, s.variant_id
       FOR UPDATE OF s
), verdict AS (
    SELECT count(*) = %(lines)s AND bool_and(enough) AS ok FROM locked
), level AS (
    UPDATE inventory_stocklevel s
       SET on_hand = l.on_hand, held = l.held + l.quantity, updated_at = %(now)s::timestamptz
      FROM locked l
     WHERE s.id = l.id AND (SELECT ok FROM verdict)
    RETURNING s.location_id, s.variant_id, s.on_hand, s.held, l.sku
), hold AS (
    INSERT INTO inventory_hold (variant_id, location_id, quantity, status, channel, reference,
                                customer_id, expires_at, created_at)
    SELECT variant_id, location_id, quantity, 'active', %(channel)s::text, reference,
           %(customer_id)s::bigint, %(expires_at)s::timestamptz, %(now)s::timestamptz
      FROM locked WHERE (SELECT ok FROM verdict)
    RETURNING id, location_id, variant_id, quantity, reference
), movement AS (
    INSERT INTO inventory_stockmovement (variant_id, location_id, kind, on_hand_delta,
                                         held_delta, hold_id, reference, reason, actor,
                                         created_at)
    SELECT variant_id, location_id, %(kind)s::text, 0, quantity, id, reference, '', '',
           %(now)s::timestamptz
      FROM hold
), event AS (
    INSERT INTO core_outboxevent (event_id, type, aggregate, payload, occurred_at, request_id)
    SELECT gen_random_uuid(), %(event_type)s, 'stock:' || location_id || ':' || variant_id,
           jsonb_build_object('sku', sku, 'variant_id', variant_id, 'location_id', location_id,
                              'on_hand', on_hand, 'held', held, 'free', on_hand - held,
                              'reason', %(kind)s::text),
           %(now)s::timestamptz, %(request_id)s::text
      FROM level
)""".replace(
    "{available}",
    available_sql(
        on_hand="s.on_hand", held="s.held", location="s.location_id", channel="%(channel)s::text"
    ),
)
_HOLD_LEVELS = """
WITH {ctes}{along_ctes}
SELECT h.id, h.location_id, h.variant_id, l.enough{along_returning}
  FROM locked l LEFT JOIN hold h ON h.location_id = l.location_id AND h.variant_id = l.variant_id
"""


@dataclass(frozen=True)
class Along:
    """Rows a caller writes in the hold's own statement (PostgreSQL): an order's, so that the
    order and its holds are one round trip, with the levels locked only while it runs.

    `ctes` continues the WITH list (each part starts with ", name AS ("). They may read
    `verdict(ok)` and `hold(id, location_id, variant_id, quantity, reference)`; a write that
    reads neither must be guarded by `WHERE (SELECT ok FROM verdict)`, so that a short line
    still writes nothing at all. `returning` is one SQL expression, read back as the last
    column. `params` must not reuse the hold's own names.
    """

    ctes: str
    params: dict[str, Any]
    returning: str


class HoldOutcome(NamedTuple):
    held: list[HeldLevel]  # with their hold ids; empty if any line is short
    short: list[HeldLevel]
    along: Any = None  # what Along.returning read back, when every line is held


@cache
def hold_statement(along_ctes: str, along_returning: str) -> str:
    """The hold's statement, with a caller's rows if any: formatted once per process."""
    return _HOLD_LEVELS.format(
        ctes=_HOLD_CTES,
        along_ctes=along_ctes,
        along_returning=f", {along_returning}" if along_returning else "",
    )


def hold_levels_at_once(
    lines: list[HeldLevel],
    *,
    channel: str,
    customer_id: int | None,
    expires_at: datetime | None,
    now: datetime,
    along: Along | None = None,
) -> HoldOutcome:
    """Hold every line in one statement (PostgreSQL): the level UPDATEs with their guard, the
    holds, their movements and their `stock.changed` events, and the caller's `along` rows.
    Lines are distinct (location, variant) pairs. If any line is short (or has no level),
    nothing at all was written: `held` is empty and `short` names the short lines."""
    terms = HoldTerms(lines, channel, customer_id, expires_at, now, current_request_id.get())
    params = _hold_params(terms)
    if along is not None and params.keys() & along.params.keys():
        raise ValueError(f"along reuses {sorted(params.keys() & along.params.keys())}")
    sql = hold_statement(along.ctes, along.returning) if along else hold_statement("", "")
    with connection.cursor() as cursor:
        cursor.execute(sql, params | along.params if along else params)
        rows = cursor.fetchall()
    outcome = _hold_outcome(lines, rows, along=along is not None)
    if outcome.held:
        wake_workers_after_commit()
    return outcome


@dataclass(frozen=True)
class HoldTerms:
    """One hold's lines and terms, as its statement takes them."""

    lines: list[HeldLevel]
    channel: str
    customer_id: int | None
    expires_at: datetime | None  # None: its owner ends it; never expired
    now: datetime
    request_id: str  # the request that asked for it, carried by its events


# Several one-line holds, each all or nothing for itself, in ONE statement (PostgreSQL): the
# holds that threads of a process ask for at the same moment (core/combining.py). `wanted`
# keeps their order; on each level, `running` adds them up in that order, and a hold goes
# through if its level still has enough promisable units once it and every hold before it
# on that level are counted. After a level's first short hold, the later ones on that level
# are not held either. Held units only grow, so a later hold that does not fit in what the
# held ones leave is short whatever comes before it: it is answered here (a sold-out level
# answers its whole batch in this one statement). One that might still fit was not judged on
# its own, and `judged_alone` says so: it is tried again alone. No two holds of a batch share
# a (reference, variant): `hold_together` keeps the first; the hold join relies on it too.
# `level` SETs the figures as `locked` read them, for the reason given above `_HOLD_CTES`.
_ONE_LINE_HOLDS = """
WITH wanted AS (
    SELECT * FROM unnest(%(location_ids)s::bigint[], %(variant_ids)s::bigint[],
                         %(quantities)s::int[], %(skus)s::text[], %(references)s::text[],
                         %(channels)s::text[], %(customer_ids)s::bigint[],
                         %(expires_ats)s::timestamptz[], %(created_ats)s::timestamptz[],
                         %(request_ids)s::text[])
        WITH ORDINALITY AS w(location_id, variant_id, quantity, sku, reference, channel,
                             customer_id, expires_at, created_at, request_id, n)
), locked AS (
    SELECT s.id, s.location_id, s.variant_id, s.on_hand, s.held
      FROM inventory_stocklevel s
     WHERE (s.location_id, s.variant_id) IN (SELECT location_id, variant_id FROM wanted)
     ORDER BY s.location_id, s.variant_id
       FOR UPDATE OF s
), running AS (
    SELECT w.*, l.id AS level_id, l.on_hand, l.held AS held_before,
           l.held + sum(w.quantity) OVER (PARTITION BY l.id ORDER BY w.n) AS held_after,
           {safety} AS safety
      FROM wanted w JOIN locked l
        ON l.location_id = w.location_id AND l.variant_id = w.variant_id
), fits AS (
    SELECT *,
           bool_and(on_hand - held_after >= safety)
               OVER (PARTITION BY level_id ORDER BY n) AS ok
      FROM running
), judged AS (
    SELECT *,
           ok OR on_hand - held_before
                 - COALESCE(sum(quantity) FILTER (WHERE ok) OVER (PARTITION BY level_id), 0)
                 - quantity < safety AS judged_alone
      FROM fits
), level AS (
    UPDATE inventory_stocklevel s
       SET on_hand = t.on_hand, held = t.held_before + t.quantity,
           updated_at = %(now)s::timestamptz
      FROM (SELECT level_id, on_hand, held_before, sum(quantity) AS quantity FROM judged
             WHERE ok GROUP BY level_id, on_hand, held_before) t
     WHERE s.id = t.level_id
), hold AS (
    INSERT INTO inventory_hold (variant_id, location_id, quantity, status, channel, reference,
                                customer_id, expires_at, created_at)
    SELECT variant_id, location_id, quantity, 'active', channel, reference, customer_id,
           expires_at, created_at
      FROM judged WHERE ok ORDER BY n
    RETURNING id, variant_id, location_id, quantity, reference, created_at
), movement AS (
    INSERT INTO inventory_stockmovement (variant_id, location_id, kind, on_hand_delta,
                                         held_delta, hold_id, reference, reason, actor,
                                         created_at)
    SELECT variant_id, location_id, %(kind)s::text, 0, quantity, id, reference, '', '',
           created_at
      FROM hold
), event AS (
    INSERT INTO core_outboxevent (event_id, type, aggregate, payload, occurred_at, request_id)
    SELECT gen_random_uuid(), %(event_type)s, 'stock:' || location_id || ':' || variant_id,
           jsonb_build_object('sku', sku, 'variant_id', variant_id, 'location_id', location_id,
                              'on_hand', on_hand, 'held', held_after,
                              'free', on_hand - held_after, 'reason', %(kind)s::text),
           created_at, request_id
      FROM judged WHERE ok ORDER BY n
)
SELECT w.n, h.id, COALESCE(j.judged_alone, true)
  FROM wanted w
  LEFT JOIN judged j ON j.n = w.n
  LEFT JOIN hold h ON j.ok AND h.reference = w.reference AND h.variant_id = w.variant_id
                  AND h.location_id = w.location_id
 ORDER BY w.n
""".replace("{safety}", safety_stock_sql(location="w.location_id", channel="w.channel"))


class OneLineOutcome(NamedTuple):
    hold_id: int | None  # None: not held
    judged_alone: bool  # False: it might fit without the short hold before it; try it alone


def hold_one_line_each(holds: list[HoldTerms]) -> list[OneLineOutcome]:
    """Several one-line holds in one statement, each all or nothing for itself, as if they
    had come one after another in this order; see `_ONE_LINE_HOLDS`. A database error (a
    reference that already holds its SKU) fails them all and writes nothing."""
    if any(len(terms.lines) != 1 for terms in holds):
        raise ValueError("one line per hold here")
    params = {
        **_line_arrays([terms.lines[0] for terms in holds]),
        "channels": [terms.channel for terms in holds],
        "customer_ids": [terms.customer_id for terms in holds],
        "expires_ats": [terms.expires_at for terms in holds],
        "created_ats": [terms.now for terms in holds],
        "request_ids": [terms.request_id.strip("-") for terms in holds],
        "now": max(terms.now for terms in holds),
        "kind": StockMovement.Kind.HOLD.value,
        "event_type": events.STOCK_CHANGED,
    }
    with connection.cursor() as cursor:
        cursor.execute(_ONE_LINE_HOLDS, params)
        rows = cursor.fetchall()
    outcomes = [OneLineOutcome(hold_id, judged_alone) for _, hold_id, judged_alone in rows]
    if any(outcome.hold_id is not None for outcome in outcomes):
        wake_workers_after_commit()
    return outcomes


def _hold_params(terms: HoldTerms) -> dict[str, Any]:
    lines = terms.lines
    if len({(line.location_id, line.variant_id) for line in lines}) != len(lines):
        raise ValueError("one line per (location, variant) in a hold")
    return {
        **_line_arrays(lines),
        "lines": len(lines),
        "channel": terms.channel,
        "customer_id": terms.customer_id,
        "expires_at": terms.expires_at,
        "now": terms.now,
        "kind": StockMovement.Kind.HOLD.value,
        "event_type": events.STOCK_CHANGED,
        "request_id": terms.request_id.strip("-"),
    }


def _line_arrays(lines: list[HeldLevel]) -> dict[str, list[Any]]:
    """The lines as the hold statements' `wanted` unnests them: one array per column."""
    return {
        "location_ids": [line.location_id for line in lines],
        "variant_ids": [line.variant_id for line in lines],
        "quantities": [line.quantity for line in lines],
        "skus": [line.sku for line in lines],
        "references": [line.reference for line in lines],
    }


def _hold_outcome(
    lines: list[HeldLevel], rows: list[tuple[Any, ...]], *, along: bool
) -> HoldOutcome:
    by_key = {(line.location_id, line.variant_id): line for line in lines}
    held = {(row[1], row[2]): row[0] for row in rows if row[0] is not None}
    if len(held) == len(lines):
        return HoldOutcome(
            [replace(line, hold_id=held[key]) for key, line in by_key.items()],
            [],
            rows[0][4] if along else None,
        )
    enough = {(row[1], row[2]) for row in rows if row[3]}
    return HoldOutcome([], [line for key, line in by_key.items() if key not in enough])
