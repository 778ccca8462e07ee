"""Benchmark: finding a profile by any of its identities among 100,000 profiles.

Run by bench/run.py on PostgreSQL (COMPTOIR_DATABASE_URL is set by it), or alone:
`COMPTOIR_DATABASE_URL=postgresql://…/comptoir_bench_customers python bench/customers.py`.
The lookup is timed twice: through the selector the API uses (one query: an indexed probe on
(kind, value) joined to the profile), and through `GET /api/v1/customers/lookup` in-process with
Django's test client (Ninja, the token, the JSON; no network). Its partner in the same run is
the same question asked of a column without an index (`Customer.phone`), a sequential scan.
"""

from __future__ import annotations

import json
import os
import random
import statistics
import time
from pathlib import Path

PROFILES = int(os.environ.get("BENCH_PROFILES", "100000"))
LOOKUPS = int(os.environ.get("BENCH_LOOKUPS", "2000"))
RESULTS = Path("bench/results")
RESULT_FILE = "customers-postgresql.json"


def _setup() -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "comptoir.settings.base")
    os.environ.setdefault(
        "COMPTOIR_QUEUE_URL", "sqlite:///" + str(Path("var/bench-queue.sqlite3").resolve())
    )
    django.setup()


def identity_values(index: int) -> dict[str, str]:
    """The identities profile `index` holds; every profile has an email and a phone."""
    values = {
        "email": f"client{index:06d}@example.fr",
        "phone": f"+336{index:08d}",
    }
    if index % 2 == 0:
        values["loyalty_card"] = f"ELAN{index:08d}"
    if index % 3 == 0:
        values["app_device"] = f"DEVICE-{index:08d}"
    if index % 5 == 0:
        values["store_record"] = f"LYON-{index:08d}"
    return values


def load_profiles(count: int) -> float:
    """Bulk-load `count` profiles with their identities; returns the seconds it took."""
    from comptoir.core import clock
    from comptoir.customers.models import Customer, Identity

    started = time.monotonic()
    now = clock.now()
    batch = 5000
    for start in range(0, count, batch):
        indexes = range(start, min(start + batch, count))
        customers = Customer.objects.bulk_create(
            [
                Customer(
                    first_name="Client",
                    last_name=f"{i:06d}",
                    email=f"client{i:06d}@example.fr",
                    phone=f"+336{i:08d}",
                    created_at=now,
                )
                for i in indexes
            ]
        )
        Identity.objects.bulk_create(
            [
                Identity(
                    customer_id=customer.pk,
                    kind=kind,
                    value=value,
                    verified=True,
                    channel="store",
                    added_at=now,
                )
                for i, customer in zip(indexes, customers, strict=True)
                for kind, value in identity_values(i).items()
            ]
        )
    return round(time.monotonic() - started, 1)


def percentiles(samples_ms: list[float]) -> dict[str, float]:
    ordered = sorted(samples_ms)
    return {
        "p50_ms": round(statistics.median(ordered), 2),
        "p99_ms": round(ordered[int(len(ordered) * 0.99) - 1], 2),
    }


def timed(ask, questions: list) -> dict[str, float]:
    samples = []
    for question in questions:
        started = time.perf_counter()
        ask(question)
        samples.append((time.perf_counter() - started) * 1000)
    return percentiles(samples)


def main() -> None:
    _setup()
    import psycopg
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from comptoir.accounts.services import issue_api_token
    from comptoir.customers.models import Customer, Identity
    from comptoir.customers.selectors import customer_by_identity

    call_command("migrate", verbosity=0)
    load_seconds = load_profiles(PROFILES) if not Customer.objects.exists() else 0.0
    with psycopg.connect(os.environ["COMPTOIR_DATABASE_URL"], autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")  # else autovacuum works through the fresh load mid-run
        conn.execute("CHECKPOINT")  # and the load's dirty pages are not flushed mid-run
    rng = random.Random(42)
    questions = []
    for _ in range(LOOKUPS + 500):
        index = rng.randrange(PROFILES)
        kind, value = rng.choice(sorted(identity_values(index).items()))
        questions.append((index, kind, value))

    def by_selector(question: tuple[int, str, str]) -> None:
        customer = customer_by_identity(kind=question[1], value=question[2])
        assert customer is not None, question

    _, token = issue_api_token(name="bench", scopes=["customers.read"], created_by_id=None)
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}", HTTP_HOST="localhost")

    def by_api(question: tuple[int, str, str]) -> None:
        response = client.get(
            "/api/v1/customers/lookup", {"kind": question[1], "value": question[2]}
        )
        assert response.status_code == 200, response.content

    def unindexed(question: tuple[int, str, str]) -> None:
        phone = identity_values(question[0])["phone"]
        Customer.objects.filter(phone=phone).values_list("pk", flat=True).first()

    # Warm-up on other questions than the timed ones: connections, plans, the index pages.
    warm_up, questions = questions[LOOKUPS:], questions[:LOOKUPS]
    timed(by_selector, warm_up)
    timed(by_api, warm_up)
    selector = timed(by_selector, questions)
    api = timed(by_api, questions)
    partner = timed(unindexed, questions[:200])
    result = {
        "benchmark": "customers",
        "database": connection.vendor,
        "profiles": Customer.objects.count(),
        "identities": Identity.objects.count(),
        "load_seconds": load_seconds,
        "lookups": LOOKUPS,
        "profile_lookup_p50_ms": selector["p50_ms"],
        "profile_lookup_p99_ms": selector["p99_ms"],
        "profile_lookup_api_p50_ms": api["p50_ms"],
        "profile_lookup_api_p99_ms": api["p99_ms"],
        "profile_lookup_unindexed_p99_ms": partner["p99_ms"],
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / RESULT_FILE).write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
