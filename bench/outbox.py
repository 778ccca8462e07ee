"""Benchmark: what the transactional outbox costs a write, and how fast the worker drains it.

Run by bench/run.py once per database (COMPTOIR_DATABASE_URL is set by it). Baseline in the
same run: the same profile inserts without the outbox event.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import time
from pathlib import Path

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "comptoir.settings.base")
os.environ.setdefault(
    "COMPTOIR_QUEUE_URL", "sqlite:///" + str(Path("var/bench-queue.sqlite3").resolve())
)
django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402

from comptoir.core import clock  # noqa: E402
from comptoir.core.models import Delivery, OutboxEvent  # noqa: E402
from comptoir.core.outbox import run_due_work  # noqa: E402
from comptoir.customers.models import Customer, TimelineEntry  # noqa: E402
from comptoir.customers.services import record_customer_profile  # noqa: E402
from comptoir.wiring import ROUTES  # noqa: E402

WRITES = int(os.environ.get("BENCH_WRITES", "2000"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))


def insert_without_outbox(prefix: str, count: int) -> None:
    for index in range(count):
        email = f"{prefix}{index}@bench.example"
        with transaction.atomic():
            Customer.objects.filter(email=email).exists()  # the same lookup the service makes
            Customer.objects.create(
                first_name="Bench",
                last_name="Base",
                email=email,
                created_at=clock.now(),
            )


def insert_with_outbox(prefix: str, count: int) -> None:
    for index in range(count):
        record_customer_profile(
            first_name="Bench",
            last_name="Outbox",
            email=f"{prefix}{index}@bench.example",
            channel="store",
        )


def drain() -> int:
    delivered = 0
    while True:
        sweep = run_due_work(ROUTES, worker="bench", limit=500)
        delivered += sweep.attempted
        if sweep.fanned_out == 0 and sweep.attempted == 0:
            return delivered


def timed(fn, *args) -> float:
    started = time.perf_counter()
    fn(*args)
    return time.perf_counter() - started


def main() -> None:
    call_command("migrate", verbosity=0)
    for model in (TimelineEntry, Delivery, OutboxEvent, Customer):
        model.objects.all().delete()
    baseline, outbox, draining = [], [], []
    for round_number in range(ROUNDS):
        baseline.append(WRITES / timed(insert_without_outbox, f"b{round_number}-", WRITES))
        outbox.append(WRITES / timed(insert_with_outbox, f"o{round_number}-", WRITES))
        draining.append(WRITES / timed(drain))
    assert TimelineEntry.objects.count() == WRITES * ROUNDS, "every event reached its handler"
    result = {
        "benchmark": "outbox",
        "database": connection.vendor,
        "writes_per_round": WRITES,
        "rounds": ROUNDS,
        "baseline_writes_per_second": round(statistics.median(baseline)),
        "outbox_writes_per_second": round(statistics.median(outbox)),
        "outbox_overhead_ratio": round(statistics.median(baseline) / statistics.median(outbox), 2),
        "drain_events_per_second": round(statistics.median(draining)),
        "cpu_count": os.cpu_count(),
    }
    out = Path("bench/results") / f"outbox-{connection.vendor}.json"
    out.write_text(json.dumps(result, indent=2) + "\n")
    json.dump(result, sys.stdout)
    print()


if __name__ == "__main__":
    main()
