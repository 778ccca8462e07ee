"""How a stock snapshot reaches the database: set-based on PostgreSQL, in small batches on SQLite.

The positions are read and checked first (`snapshot_positions`). Then, per engine:

PostgreSQL (built for a million positions): the good positions are COPYed into a temporary
table and compared with the catalogue and the location's levels in one join; only the
differences come back (unknown SKUs, new levels, counts that differ). Each batch of positions
then applies its differences in one transaction: new levels are created empty, and one
statement locks the levels (in the order holds lock them), sets on-hand where the count is at
least what is held, and writes a movement and a `stock.changed` outbox row per changed level.
A level that moved between the comparison and the batch is recompared under its lock; one
that was equal and moved since is as if the count came first and the other change after it.

SQLite (the embedded default): the same rules with the ORM, batch by batch. Writers take the
database's write lock when their transaction begins (BEGIN IMMEDIATE), so reading the levels
and then writing them cannot interleave with another writer.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from operator import attrgetter, itemgetter
from typing import Any

from django.db import connection, transaction

from comptoir.catalog.selectors import product_ids_of_variants, variant_ids_for_skus
from comptoir.core import clock
from comptoir.core.outbox import record_event, wake_workers_after_commit
from comptoir.core.request_id import current_request_id

from .. import events
from ..models import StockLevel, StockMovement
from .levels import LevelChange, stock_changed_payload
from .snapshot_positions import Batch, PositionReader, Rejection, below_held, unknown_sku
from .stock import tell_waiting_subscribers

POSTGRESQL_BATCH = 250_000  # positions per transaction (the comparison is one pass over all)
SQLITE_BATCH = 1_000
COPY_CHUNK = 50_000  # positions sent to COPY at a time, while the next ones are read

OnBatch = Callable[[Batch], None]  # runs inside the batch's transaction (a job's progress)


@dataclass(frozen=True)
class _Load:
    location_id: int
    reference: str
    actor: str


def load_positions(
    *,
    location_id: int,
    positions: Iterable[object],
    lines: Sequence[int] | None,
    start: int,
    reference: str,
    actor: str,
    batch_size: int | None,
    on_batch: OnBatch,
) -> int:
    """Load the positions from ordinal `start` on, a batch per transaction; `on_batch` runs
    in each batch's transaction. Returns how many positions the file has."""
    reader = PositionReader(positions, lines, start)
    load = _Load(location_id, reference, actor)
    if connection.vendor == "postgresql":
        _load_postgresql(reader, load, batch_size or POSTGRESQL_BATCH, on_batch)
    else:
        _load_sqlite(reader, load, batch_size or SQLITE_BATCH, on_batch)
    return reader.total


# --- PostgreSQL -----------------------------------------------------------------------------

_CREATE_POSITIONS = """
DROP TABLE IF EXISTS pg_temp.snapshot_position;  -- an earlier load's, in one outer transaction
CREATE TEMP TABLE snapshot_position (sku text NOT NULL, quantity integer NOT NULL) ON COMMIT DROP
"""

# Only what differs comes back: unknown SKUs, SKUs with no level yet and a count above zero,
# and levels whose on-hand is not the count.
_DIFFERENCES = """
SELECT p.sku, p.quantity, v.id, l.id
  FROM snapshot_position p
  LEFT JOIN catalog_variant v ON v.sku = p.sku
  LEFT JOIN inventory_stocklevel l ON l.location_id = %(location_id)s AND l.variant_id = v.id
 WHERE v.id IS NULL OR (l.id IS NULL AND p.quantity > 0) OR l.on_hand <> p.quantity
"""

_CREATE_CHANGES = """
DROP TABLE IF EXISTS pg_temp.snapshot_change;  -- an earlier batch's, in one outer transaction
CREATE TEMP TABLE snapshot_change (sku text NOT NULL, quantity integer NOT NULL,
                                   variant_id bigint NOT NULL, level_id bigint) ON COMMIT DROP
"""

# A SKU counted here for the first time gets an empty level (with its variant's product),
# which the batch then sets like any other (a receipt may have created it meanwhile: then
# that one is set).
_NEW_LEVELS = """
INSERT INTO inventory_stocklevel (variant_id, product_id, location_id, on_hand, held, updated_at)
SELECT c.variant_id, v.product_id, %(location_id)s, 0, 0, %(now)s
  FROM snapshot_change c JOIN catalog_variant v ON v.id = c.variant_id
 WHERE c.level_id IS NULL
 ORDER BY c.variant_id
    ON CONFLICT (location_id, variant_id) DO NOTHING
"""
_NEW_LEVEL_IDS = """
UPDATE snapshot_change c SET level_id = l.id
  FROM inventory_stocklevel l
 WHERE c.level_id IS NULL AND l.location_id = %(location_id)s AND l.variant_id = c.variant_id
"""

# One statement per batch: lock, set, and write the ledger and the events of what changed.
# `locked` reads each level as it is once locked (READ COMMITTED re-reads a row that another
# transaction changed meanwhile), so the delta and the held check are exact. `changed` SETs
# held as locked too (unchanged, but not from its own `l`): a level that moved while this
# queued for its lock is first rebuilt from the version the statement's snapshot saw, and its
# CHECK constraints checked there, before PostgreSQL redoes it on the newest (a release since:
# the count against a stale, larger held breaks `held_within_on_hand`). See `levels._HOLD_CTES`.
_APPLY = """
WITH locked AS MATERIALIZED (
    SELECT l.id, l.variant_id, l.on_hand AS before, l.held, c.quantity, c.sku
      FROM snapshot_change c
      JOIN inventory_stocklevel l ON l.id = c.level_id
     ORDER BY l.variant_id  -- the order holds lock levels in
       FOR UPDATE OF l
), changed AS (
    UPDATE inventory_stocklevel l
       SET on_hand = k.quantity, held = k.held, updated_at = %(now)s
      FROM locked k
     WHERE l.id = k.id AND k.quantity <> k.before AND k.quantity >= k.held
    RETURNING l.variant_id, k.sku, l.on_hand, l.held, k.quantity - k.before AS delta
), movements AS (
    INSERT INTO inventory_stockmovement
           (variant_id, location_id, kind, on_hand_delta, held_delta, reference, reason, actor,
            created_at)
    SELECT variant_id, %(location_id)s, 'snapshot', delta, 0, %(reference)s, '', %(actor)s,
           %(now)s
      FROM changed
), outbox AS (
    INSERT INTO core_outboxevent (event_id, type, aggregate, payload, occurred_at, request_id)
    SELECT gen_random_uuid(), %(event_type)s, 'stock:' || %(location_id)s || ':' || variant_id,
           jsonb_build_object('sku', sku, 'variant_id', variant_id,
                              'location_id', %(location_id)s::bigint, 'on_hand', on_hand,
                              'held', held, 'free', on_hand - held, 'reason', 'snapshot'),
           %(now)s, %(request_id)s
      FROM changed
)
SELECT (SELECT count(*) FROM changed),
       (SELECT coalesce(json_agg(json_build_array(sku, quantity, held)), '[]')
          FROM locked WHERE quantity < held)
"""


_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _copy_text(good: list[tuple[str, int]]) -> bytes:
    """COPY's text format for (sku, quantity) rows. SKUs almost never need escaping: check
    the whole chunk at once, and escape SKU by SKU only when one does."""
    text = "".join(map("%s\t%d\n".__mod__, good))
    if (
        text.count("\t") != len(good)
        or text.count("\n") != len(good)
        or "\\" in text
        or "\r" in text
    ):
        text = "".join(f"{sku.translate(_COPY_ESCAPES)}\t{quantity}\n" for sku, quantity in good)
    return text.encode()


def _load_postgresql(
    reader: PositionReader, load: _Load, batch_size: int, on_batch: OnBatch
) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(_CREATE_POSITIONS)
        with cursor.copy("COPY snapshot_position (sku, quantity) FROM STDIN") as copy:
            for _end, good in reader.chunks(COPY_CHUNK):
                copy.write(_copy_text(good))
        cursor.execute("ANALYZE snapshot_position")  # the planner's only way to know its size
        cursor.execute(_DIFFERENCES, {"location_id": load.location_id})
        differences = cursor.fetchall()
    unknown: list[Rejection] = []
    changes: list[tuple[int, str, int, int, int | None]] = []
    for sku, quantity, variant_id, level_id in differences:
        ordinal = reader.first[sku]
        if variant_id is None:
            unknown.append(unknown_sku(ordinal, sku))
        else:
            changes.append((ordinal, sku, quantity, variant_id, level_id))
    unknown.sort()
    changes.sort()
    for start in range(reader.start, reader.total, batch_size):
        end = min(start + batch_size, reader.total)
        found = unknown[_at(unknown, start, _ORDINAL) : _at(unknown, end, _ORDINAL)]
        mine = changes[_at(changes, start, _FIRST) : _at(changes, end, _FIRST)]
        with transaction.atomic():
            changed, short_of_held = _apply_changes(mine, load) if mine else (0, [])
            on_batch(reader.batch(start, end, changed, found + short_of_held))


_ORDINAL, _FIRST = attrgetter("ordinal"), itemgetter(0)


def _at(ordered: Sequence[Any], ordinal: int, key: Callable[[Any], int]) -> int:
    return bisect_left(ordered, ordinal, key=key)


def _apply_changes(
    changes: list[tuple[int, str, int, int, int | None]], load: _Load
) -> tuple[int, list[Rejection]]:
    ordinal_of = {sku: ordinal for ordinal, sku, *_ in changes}
    params = {
        "location_id": load.location_id,
        "now": clock.now(),
        "reference": load.reference,
        "actor": load.actor,
        "event_type": events.STOCK_CHANGED,
        "request_id": current_request_id.get().strip("-"),
    }
    with connection.cursor() as cursor:
        cursor.execute(_CREATE_CHANGES)
        columns = "sku, quantity, variant_id, level_id"
        with cursor.copy(f"COPY snapshot_change ({columns}) FROM STDIN") as copy:
            for _ordinal, *row in changes:
                copy.write_row(row)
        cursor.execute("ANALYZE snapshot_change")
        if any(level_id is None for *_, level_id in changes):
            cursor.execute(_NEW_LEVELS, params)
            cursor.execute(_NEW_LEVEL_IDS, params)
        cursor.execute(_APPLY, params)
        changed, short_of_held = cursor.fetchone()
    if changed:
        changed_variant_ids = {variant_id for *_, variant_id, _level_id in changes}
        tell_waiting_subscribers(
            location_id=load.location_id, changed_variant_ids=changed_variant_ids, now=params["now"]
        )
        wake_workers_after_commit()
    return changed, [
        below_held(ordinal_of[sku], sku, quantity, held) for sku, quantity, held in short_of_held
    ]


# --- SQLite ---------------------------------------------------------------------------------


def _load_sqlite(reader: PositionReader, load: _Load, batch_size: int, on_batch: OnBatch) -> None:
    start = reader.start
    for end, good in reader.chunks(batch_size):
        with transaction.atomic():
            changed, found = _apply_counts(good, reader, load, now=clock.now())
            on_batch(reader.batch(start, end, changed, found))
        start = end


def _apply_counts(
    good: list[tuple[str, int]], reader: PositionReader, load: _Load, *, now: datetime
) -> tuple[int, list[Rejection]]:
    variant_ids = variant_ids_for_skus([sku for sku, _ in good])
    level_of = {
        level.variant_id: level
        for level in StockLevel.objects.filter(
            location_id=load.location_id, variant_id__in=variant_ids.values()
        )
    }
    found: list[Rejection] = []
    created, updated, changes = [], [], []
    for sku, quantity in good:
        variant_id = variant_ids.get(sku)
        if variant_id is None:
            found.append(unknown_sku(reader.first[sku], sku))
            continue
        level = level_of.get(variant_id)
        before, held = (level.on_hand, level.held) if level else (0, 0)
        if quantity == before:
            continue
        if quantity < held:
            found.append(below_held(reader.first[sku], sku, quantity, held))
            continue
        if level is None:
            level = StockLevel(variant_id=variant_id, location_id=load.location_id, held=0)
            created.append(level)
        else:
            updated.append(level)
        level.on_hand, level.updated_at = quantity, now
        change = LevelChange(variant_id, load.location_id, sku, on_hand_delta=quantity - before)
        changes.append((change, quantity, held))
    product_of = product_ids_of_variants(level.variant_id for level in created)
    for level in created:
        level.product_id = product_of[level.variant_id]
    StockLevel.objects.bulk_create(created)
    StockLevel.objects.bulk_update(updated, ["on_hand", "updated_at"])
    StockMovement.objects.bulk_create(
        StockMovement(
            variant_id=change.variant_id,
            location_id=change.location_id,
            kind=StockMovement.Kind.SNAPSHOT,
            on_hand_delta=change.on_hand_delta,
            reference=load.reference,
            actor=load.actor,
            created_at=now,
        )
        for change, _on_hand, _held in changes
    )
    for change, on_hand, held in changes:
        record_event(
            events.STOCK_CHANGED,
            aggregate=f"stock:{change.location_id}:{change.variant_id}",
            payload=stock_changed_payload(change, on_hand=on_hand, held=held, reason="snapshot"),
            now=now,
        )
    tell_waiting_subscribers(
        location_id=load.location_id,
        changed_variant_ids={change.variant_id for change, _on_hand, _held in changes},
        now=now,
    )
    return len(changes), found
