"""`make bench`: every benchmark, then bench/results/latest.json and latest.md beside it.

The outbox benchmark runs on SQLite and PostgreSQL; the stock benchmark runs on PostgreSQL
(the production database) through HTTP against Granian. Each figure is printed beside its
comparison partner from the same run, and beside the target it is held to.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import psycopg

RESULTS = Path("bench/results")
POSTGRES_SERVER = os.environ.get(
    "COMPTOIR_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/comptoir"
).rsplit("/", 1)[0]


def fresh_postgres(name: str) -> str | None:
    try:
        with psycopg.connect(
            f"{POSTGRES_SERVER}/postgres", autocommit=True, connect_timeout=3
        ) as c:
            c.execute(f"DROP DATABASE IF EXISTS {name}")
            c.execute(f"CREATE DATABASE {name}")
    except psycopg.OperationalError as error:
        print(f"SKIPPED: PostgreSQL benchmarks — {str(error).splitlines()[0]}")
        return None
    return f"{POSTGRES_SERVER}/{name}"


def run(script: str, database_url: str) -> None:
    env = {
        **os.environ,
        "COMPTOIR_DATABASE_URL": database_url,
        "COMPTOIR_LOG_LEVEL": "WARNING",
        "COMPTOIR_DEBUG": "0",
        "COMPTOIR_VAR_DIR": str(Path("var/bench").resolve()),
    }
    subprocess.run([sys.executable, script], env=env, check=True)


def ensure_wrk() -> None:
    if shutil.which("wrk") is None:
        subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=True)


def main() -> None:
    RESULTS.mkdir(parents=True, exist_ok=True)
    sqlite_file = Path("var/bench/outbox.sqlite3").resolve()
    sqlite_file.parent.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{sqlite_file}{suffix}").unlink(missing_ok=True)
    run("bench/outbox.py", f"sqlite:///{sqlite_file}")
    outbox_pg = fresh_postgres("comptoir_bench_outbox")
    if outbox_pg:
        run("bench/outbox.py", outbox_pg)
    stock_pg = fresh_postgres("comptoir_bench_stock")
    if stock_pg:
        ensure_wrk()
        run("bench/stock.py", stock_pg)
    orders_pg = fresh_postgres("comptoir_bench_orders")
    if orders_pg:
        ensure_wrk()
        run("bench/orders.py", orders_pg)
    write_report()


TARGETS = [
    # figure, partner, target (text), check(value, partner)
    ("availability_sku_near_p99_ms", None, "< 25", lambda v, p: v < 25),
    ("availability_cart_p99_ms", None, "< 25", lambda v, p: v < 25),
    (
        "listing_in_store_p95_ms",
        "listing_peer_shape_p95_ms",
        "< 100 and ≥ 30× faster than peer",
        lambda v, p: v < 100 and p >= 30 * v,
    ),
    (
        "hold_throughput_per_s",
        "peer_for_update_hold_per_s",
        "≥ 1,000 and ≥ 1.3× peer",
        lambda v, p: v >= 1000 and v >= 1.3 * p,
    ),
    ("hold_oversold", "baseline_oversold", "0 (baseline > 0)", lambda v, p: v == 0 and p > 0),
    ("hold_sql_statements", None, "≤ 6", lambda v, p: v <= 6),
    ("sale_to_web_visible_ms", None, "< 50", lambda v, p: v < 50),
]


ORDER_TARGETS = [
    ("orders_per_s", "≥ 250", lambda v: v >= 250),
    ("order_sql_statements", "≤ 20 (Saleor's checkout: about 230)", lambda v: v <= 20),
]


def order_report(orders: dict) -> list[str]:
    lines = [
        "## Checkout, through HTTP (PostgreSQL, Granian)",
        "",
        f"3-line home-delivery orders, stock at {orders['dataset']['locations']} locations, "
        f"card authorised by the local fake PSP, outbox event in the same transaction; "
        f"{orders['clients']} clients, {orders['seconds']} s; server: {orders['server']}.",
        "",
        "| figure | value | target | met |",
        "| --- | ---: | --- | :-: |",
    ]
    for figure, target, check in ORDER_TARGETS:
        met = "yes" if check(orders[figure]) else "**no**"
        lines.append(f"| `{figure}` | {orders[figure]} | {target} | {met} |")
    lines += [
        f"| `order_p99_ms` | {orders['order_p99_ms']} | | |",
        f"| `order_events_match_orders` | {orders['order_events_match_orders']} | true | |",
        "",
    ]
    return lines


# Why a target can be missed, and what would reach it: printed under the table when it is.
WHY_MISSED = {
    "hold_throughput_per_s": (
        "A hold sends 3 statements, but the request around it costs about 2 ms of Python CPU "
        "(Ninja parsing and validation, token lookup, SKU and store resolution, JSON out) on 2 "
        "cores shared with PostgreSQL and the load generator: the HTTP stack, not the hot row, "
        "is the bound (compare the raw-SQL ceiling: same transaction, no HTTP). To reach it: "
        "cache the immutable SKU and store-code lookups and the token per process, skip "
        "pydantic for the hot path's output, and run more worker processes per core."
    ),
    "availability_sku_near_p99_ms": (
        "Tail latency with 2 connections on 2 single-threaded workers: when both connections "
        "land on one worker, one request waits for the other. A p50 well under the target "
        "shows the work itself is small; more worker processes than clients would reach it."
    ),
    "listing_in_store_p95_ms": (
        "The page and its total count run in a few queries; on 3 million levels the count of "
        "available products dominates. A per-(store, product) availability flag kept in step "
        "by the level UPDATE would turn the count into an index-only scan."
    ),
}


def write_report() -> None:
    outbox = [json.loads(p.read_text()) for p in sorted(RESULTS.glob("outbox-*.json"))]
    stock_file = RESULTS / "stock-postgresql.json"
    stock = json.loads(stock_file.read_text()) if stock_file.exists() else None
    orders_file = RESULTS / "orders-postgresql.json"
    orders = json.loads(orders_file.read_text()) if orders_file.exists() else None
    (RESULTS / "latest.json").write_text(
        json.dumps({"outbox": outbox, "stock": stock, "orders": orders}, indent=2) + "\n"
    )
    lines = [
        "# Benchmarks",
        "",
        "Written by `make bench`; figures from one run on one machine.",
        "",
    ]
    if stock:
        data = stock["dataset"]
        lines += [
            "## Stock, through HTTP (PostgreSQL, Granian)",
            "",
            f"{data['stores']} stores × {data['skus']:,} SKUs ({data['stock_levels']:,} stock "
            f"levels, loaded in {data['load_seconds']} s); server: {stock['server']}; "
            f"{stock['clients']} clients for throughput, 2 for latency; "
            f"{stock['seconds_per_run']} s a run.",
            "",
            "| figure | value | partner | partner value | target | met |",
            "| --- | ---: | --- | ---: | --- | :-: |",
        ]
        for figure, partner, target, check in TARGETS:
            value = stock[figure]
            other = stock.get(partner) if partner else None
            met = "yes" if check(value, other or 0) else "**no**"
            lines.append(
                f"| `{figure}` | {value} | {f'`{partner}`' if partner else ''} "
                f"| {other if other is not None else ''} | {target} | {met} |"
            )
        missed = [
            f
            for f, p, _, check in TARGETS
            if not check(stock[f], stock.get(p) if p else 0) and f in WHY_MISSED
        ]
        notes = [f"- `{figure}`: {WHY_MISSED[figure]}" for figure in missed]
        lines += [
            f"| `baseline_hold_throughput_per_s` | {stock['baseline_hold_throughput_per_s']} "
            "| naive read-check-write | | | |",
            f"| `ceiling_hold_sql_per_s` | {stock['ceiling_hold_sql_per_s']} "
            "| raw SQL, 16 connections, no HTTP | | | |",
            "",
            *(
                ["### Targets missed, why, and what would reach them", "", *notes, ""]
                if notes
                else []
            ),
            "The peer listing is timed over 5 sequential requests (p95 is their slowest).",
            "",
        ]
    if orders:
        lines += order_report(orders)
    lines += [
        "## Outbox cost",
        "",
        "One process, one connection, each write its own transaction (median of rounds).",
        "",
        "| database | writes/s, no outbox | writes/s, outbox | overhead | events drained/s |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for row in outbox:
        lines.append(
            f"| {row['database']} | {row['baseline_writes_per_second']} "
            f"| {row['outbox_writes_per_second']} | ×{row['outbox_overhead_ratio']} "
            f"| {row['drain_events_per_second']} |"
        )
    (RESULTS / "latest.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
