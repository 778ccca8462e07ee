"""Benchmark: a full stock count of one warehouse, loaded as production loads it, against the
same load done in raw SQL.

Run by bench/run.py on a fresh PostgreSQL database (COMPTOIR_DATABASE_URL). It creates one
warehouse and BENCH_SNAPSHOT_POSITIONS variants (default 1,000,000), each with a level there
(and the receipt movement that put it there), server-side in a few INSERT … SELECT statements:
the setup is timed and reported, but is not the figure. The count is a CSV of every position
in SKU order, 5 % of them (seeded, spread over the file) with a new quantity.

Real path, timed from the file to the job finished: the CSV read as the API reads it,
`start_stock_snapshot` (keeps the file, records `stock.snapshot_requested`), then
`run_stock_snapshot(job_id=...)`, the worker's call. It must change exactly the 5 %, with one
movement and one `stock.changed` event each and nothing rejected, or the benchmark fails.

Ceiling, after the levels are put back: one raw psycopg transaction that COPYs the same CSV
into a temporary table, ANALYZEs it, and runs one statement that joins it to the variants by
SKU and to the warehouse's levels, UPDATEs the levels whose on-hand differs (and is not below
what is held), and INSERTs the movement and the `stock.changed` outbox row (same payload) of
each changed level. It keeps no job, file or progress, reports no rejected line, takes no
lock beyond the UPDATE's own, and leaves Python out.

The two take turns BENCH_SNAPSHOT_ROUNDS times (default 3), each on the same levels, put back,
vacuumed and checkpointed before it; each figure is the median of its rounds.
"""

from __future__ import annotations

import json
import os
import random
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "comptoir.settings.base")
sys.path.insert(0, os.getcwd())
django.setup()

import psycopg  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from comptoir.core.models import OutboxEvent  # noqa: E402
from comptoir.inventory import events  # noqa: E402
from comptoir.inventory.models import StockMovement  # noqa: E402
from comptoir.inventory.services.snapshots import (  # noqa: E402
    read_snapshot_csv,
    run_stock_snapshot,
    start_stock_snapshot,
)
from comptoir.locations.models import Location  # noqa: E402
from comptoir.locations.services import open_location  # noqa: E402

POSITIONS = int(os.environ.get("BENCH_SNAPSHOT_POSITIONS", "1000000"))
ROUNDS = int(os.environ.get("BENCH_SNAPSHOT_ROUNDS", "3"))  # each figure: the median
CHANGED_SHARE = 0.05
SEED = 42
VARIANTS_PER_PRODUCT = 10
WAREHOUSE = "entrepot-bench"
RESULTS = Path("bench/results")

# Each level starts with a quantity that is a function of its variant, so that it can be put
# back between the two loads with one UPDATE.
_INITIAL_LEVELS = """
INSERT INTO inventory_stocklevel (variant_id, product_id, location_id, on_hand, held, updated_at)
SELECT id, product_id, %s, 1 + (id * 7919) %% 40, 0, now() FROM catalog_variant ORDER BY id
"""
_PUT_LEVELS_BACK = """
UPDATE inventory_stocklevel SET on_hand = 1 + (variant_id * 7919) %% 40
 WHERE location_id = %s AND on_hand <> 1 + (variant_id * 7919) %% 40
"""


class BenchmarkFailed(AssertionError):
    """A load did not do exactly what the count asks: its speed means nothing."""


def load_warehouse(database_url: str) -> int:
    """One warehouse, POSITIONS variants, a level each; returns the warehouse's id."""
    warehouse = open_location(
        code=WAREHOUSE,
        name="Entrepôt du banc d'essai",
        kind=Location.Kind.WAREHOUSE,
        city="Lyon",
        latitude=Decimal("45.76000"),
        longitude=Decimal("4.85000"),
    )
    products = -(-POSITIONS // VARIANTS_PER_PRODUCT)
    with psycopg.connect(database_url) as conn:
        (category_id,) = conn.execute(
            "INSERT INTO catalog_category (slug, name) VALUES ('bench', 'Bench') RETURNING id"
        ).fetchone()
        conn.execute(
            "INSERT INTO catalog_product (slug, name, brand, description, category_id,"
            " is_active) SELECT 'bench-' || p, 'Produit ' || p, 'Élan', '', %s, true"
            " FROM generate_series(0, %s) p",
            [category_id, products - 1],
        )
        conn.execute(
            "INSERT INTO catalog_variant (product_id, sku, size, colour, attributes)"
            " SELECT p.id, 'SNAP-' || lpad(i::text, 7, '0'), '', '', '{}'"
            " FROM generate_series(0, %s) i"
            " JOIN catalog_product p ON p.slug = 'bench-' || (i / %s)",
            [POSITIONS - 1, VARIANTS_PER_PRODUCT],
        )
        conn.execute(_INITIAL_LEVELS, [warehouse.pk])
        conn.execute(
            "INSERT INTO inventory_stockmovement (variant_id, location_id, kind, on_hand_delta,"
            " held_delta, reference, reason, actor, created_at)"
            " SELECT variant_id, location_id, 'receipt', on_hand, 0, 'initial count', 'bench',"
            " 'bench/snapshot', now() FROM inventory_stocklevel ORDER BY variant_id"
        )
    settle(database_url)
    return warehouse.pk


def settle(database_url: str) -> None:
    """Autovacuum is off on the benchmark machines: tidy and flush before a timed load."""
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")
        conn.execute("CHECKPOINT")


def count_file(location_id: int) -> tuple[str, int]:
    """The CSV count of every position, in SKU order, with CHANGED_SHARE of them (seeded,
    spread over the file) up or down by 1 to 5 units. Returns it and how many changed."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT v.sku, l.on_hand FROM inventory_stocklevel l"
            " JOIN catalog_variant v ON v.id = l.variant_id"
            " WHERE l.location_id = %s ORDER BY v.sku",
            [location_id],
        )
        levels = cursor.fetchall()
    rng = random.Random(SEED)
    changing = set(rng.sample(range(len(levels)), round(len(levels) * CHANGED_SHARE)))
    lines = ["sku,quantity"]
    for ordinal, (sku, on_hand) in enumerate(levels):
        quantity = on_hand
        if ordinal in changing:
            step = rng.randint(1, 5)
            quantity = on_hand - step if rng.random() < 0.5 and on_hand >= step else on_hand + step
        lines.append(f"{sku},{quantity}")
    return "\n".join(lines) + "\n", len(changing)


def levels_off_count(database_url: str, location_id: int, text: str) -> int:
    """How many of the warehouse's levels do not show the count's quantity (0 after a load)."""
    with psycopg.connect(database_url) as conn, conn.cursor() as cursor:
        cursor.execute("CREATE TEMP TABLE counted (sku text, quantity integer)")
        with cursor.copy("COPY counted FROM STDIN (FORMAT csv, HEADER true)") as copy:
            copy.write(text)
        cursor.execute(
            "SELECT count(*) FROM counted c JOIN catalog_variant v ON v.sku = c.sku"
            " LEFT JOIN inventory_stocklevel l ON l.variant_id = v.id AND l.location_id = %s"
            " WHERE l.on_hand IS DISTINCT FROM c.quantity",
            [location_id],
        )
        (off,) = cursor.fetchone()
        conn.rollback()
    return off


def put_levels_back(database_url: str, location_id: int) -> int:
    with psycopg.connect(database_url) as conn:
        restored = conn.execute(_PUT_LEVELS_BACK, [location_id]).rowcount
    settle(database_url)
    return restored


def accept(location_id: int, text: str) -> int:
    """What the API does with the file: read it, keep it, ask for the load. The positions it
    read are dropped, as they are with the request, before the worker reads them again."""
    snapshot = read_snapshot_csv(text)
    return start_stock_snapshot(location_id=location_id, snapshot=snapshot, actor="bench").pk


def real_path(location_id: int, text: str) -> dict:
    """The count through the API's reading, `start_stock_snapshot` and the worker's call."""
    events_before = OutboxEvent.objects.filter(type=events.STOCK_CHANGED).count()
    started = time.perf_counter()
    job_id = accept(location_id, text)
    accepted = time.perf_counter()
    job = run_stock_snapshot(job_id=job_id)
    finished = time.perf_counter()
    return {
        "seconds": finished - started,
        "accept_seconds": accepted - started,
        "job": job,
        "movements": StockMovement.objects.filter(reference=f"stock-snapshot:{job.pk}").count(),
        "events": OutboxEvent.objects.filter(type=events.STOCK_CHANGED).count() - events_before,
    }


_CEILING_APPLY = """
WITH changed AS (
    UPDATE inventory_stocklevel l
       SET on_hand = c.quantity, updated_at = now()
      FROM snapshot_position c
      JOIN catalog_variant v ON v.sku = c.sku
      JOIN inventory_stocklevel was ON was.location_id = %(location_id)s
                                   AND was.variant_id = v.id
     WHERE l.id = was.id AND was.on_hand <> c.quantity AND c.quantity >= was.held
    RETURNING l.variant_id, v.sku, l.on_hand, l.held, c.quantity - was.on_hand AS delta
), movements AS (
    INSERT INTO inventory_stockmovement
           (variant_id, location_id, kind, on_hand_delta, held_delta, reference, reason, actor,
            created_at)
    SELECT variant_id, %(location_id)s, 'snapshot', delta, 0, %(reference)s, '', 'bench', now()
      FROM changed
), outbox AS (
    INSERT INTO core_outboxevent (event_id, type, aggregate, payload, occurred_at, request_id)
    SELECT gen_random_uuid(), 'stock.changed', 'stock:' || %(location_id)s || ':' || variant_id,
           jsonb_build_object('sku', sku, 'variant_id', variant_id,
                              'location_id', %(location_id)s::bigint, 'on_hand', on_hand,
                              'held', held, 'free', on_hand - held, 'reason', 'snapshot'),
           now(), ''
      FROM changed
)
SELECT count(*) FROM changed
"""


def ceiling(database_url: str, location_id: int, text: str, reference: str) -> dict:
    """The same load in one raw transaction: COPY, ANALYZE, one statement (see the module)."""
    with psycopg.connect(database_url) as conn, conn.cursor() as cursor:
        started = time.perf_counter()
        with conn.transaction():
            cursor.execute(
                "CREATE TEMP TABLE snapshot_position (sku text NOT NULL,"
                " quantity integer NOT NULL) ON COMMIT DROP"
            )
            with cursor.copy("COPY snapshot_position FROM STDIN (FORMAT csv, HEADER true)") as copy:
                copy.write(text)
            cursor.execute("ANALYZE snapshot_position")
            cursor.execute(_CEILING_APPLY, {"location_id": location_id, "reference": reference})
            (changed,) = cursor.fetchone()
        finished = time.perf_counter()
        (movements,) = cursor.execute(
            "SELECT count(*) FROM inventory_stockmovement WHERE reference = %s", [reference]
        ).fetchone()
    return {"seconds": finished - started, "changed": changed, "movements": movements}


def check(what: str, figures: dict[str, int], expected: int) -> None:
    wrong = {name: value for name, value in figures.items() if value != expected}
    if wrong:
        raise BenchmarkFailed(f"{what}: expected {expected:,} each, got {wrong}")


def one_round(number: int, database_url: str, location_id: int, text: str) -> tuple[dict, dict]:
    """The real path, then the ceiling, each on the same levels and checked; the levels are
    put back after each."""
    changing = round(POSITIONS * CHANGED_SHARE)
    real = real_path(location_id, text)
    job = real["job"]
    check(
        "real path",
        {"changed": job.changed, "movements": real["movements"], "events": real["events"]},
        changing,
    )
    check("real path", {"unchanged": job.unchanged}, POSITIONS - changing)
    check("real path", {"positions": job.total_rows, "processed": job.processed_rows}, POSITIONS)
    check(
        "real path",
        {
            "rejected": job.rejected,
            "levels off the count": levels_off_count(database_url, location_id, text),
        },
        0,
    )
    check("putting levels back", {"levels": put_levels_back(database_url, location_id)}, changing)

    top = ceiling(database_url, location_id, text, reference=f"ceiling-{number}")
    check("ceiling", {"changed": top["changed"], "movements": top["movements"]}, changing)
    check("ceiling", {"levels off the count": levels_off_count(database_url, location_id, text)}, 0)
    check("putting levels back", {"levels": put_levels_back(database_url, location_id)}, changing)
    print(
        f"round {number}: real {real['seconds']:.2f} s, ceiling {top['seconds']:.2f} s",
        flush=True,
    )
    return real, top


def main() -> None:
    database_url = os.environ["COMPTOIR_DATABASE_URL"]
    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    location_id = load_warehouse(database_url)
    setup_seconds = time.perf_counter() - started
    text, changing = count_file(location_id)
    check("count file", {"changing": changing}, round(POSITIONS * CHANGED_SHARE))

    rounds = [one_round(n, database_url, location_id, text) for n in range(1, ROUNDS + 1)]
    reals = [real for real, _ in rounds]
    real_seconds = statistics.median(real["seconds"] for real in reals)
    ceiling_seconds = statistics.median(top["seconds"] for _, top in rounds)
    real, job = reals[-1], reals[-1]["job"]
    rows_per_s = POSITIONS / real_seconds
    ceiling_rows_per_s = POSITIONS / ceiling_seconds
    result = {
        "benchmark": "snapshot",
        "database": connection.vendor,
        "positions": POSITIONS,
        "changed_share": CHANGED_SHARE,
        "setup_seconds": round(setup_seconds, 1),
        "file_megabytes": round(len(text.encode()) / 1e6, 1),
        "snapshot_rows_per_s": round(rows_per_s),
        "rounds": ROUNDS,
        "snapshot_seconds": round(real_seconds, 2),
        "snapshot_accept_seconds": round(
            statistics.median(real["accept_seconds"] for real in reals), 2
        ),
        "snapshot_seconds_by_round": [round(real["seconds"], 2) for real in reals],
        "snapshot_changed": job.changed,
        "snapshot_movements": real["movements"],
        "snapshot_events": real["events"],
        "snapshot_rejected": job.rejected,
        "snapshot_ceiling_rows_per_s": round(ceiling_rows_per_s),
        "snapshot_ceiling_seconds": round(ceiling_seconds, 2),
        "snapshot_ceiling_seconds_by_round": [round(top["seconds"], 2) for _, top in rounds],
        "snapshot_ratio_to_ceiling": round(rows_per_s / ceiling_rows_per_s, 2),
        "cpu_count": os.cpu_count(),
    }
    (RESULTS / "snapshot-postgresql.json").write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
