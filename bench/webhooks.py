"""Benchmark: webhook deliveries that keep up (PostgreSQL, Redis queue, 2 real workers).

Run by bench/run.py on a fresh PostgreSQL database (COMPTOIR_DATABASE_URL). One subscriber, a
fast local receiver (bench/webhook_receiver.py) that verifies every signature with the
reference library, in a process of its own.

- Ceiling: the same signed POSTs from the same number of processes (2), each with the same
  number in flight as a worker allows per subscriber, and no database.
- Drain: 20,000 events committed in one transaction while 2 `comptoir worker` processes wait
  on the Redis queue; 2 % of them are answered 500 on their first try. `delivery_per_s` counts
  the others, from the commit to the last one delivered. `retry_lateness_p99_s`: for the
  forced failures, the second try's start minus (the first try's end + the 5 s retry delay),
  an upper bound of the lateness (the retry is scheduled when the batch's outcomes are written).
- Steady: another process records 300 events/s through `record_event`, one transaction each;
  the commit hook wakes the workers as in production. `event_to_webhook_p99_ms`: arrival at
  the receiver minus the event's `occurred_at`.
"""

from __future__ import annotations

import json
import os
import signal
import statistics
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

BACKLOG = int(os.environ.get("BENCH_WEBHOOK_EVENTS", "20000"))
FAIL_ONE_IN = 50
STEADY_RATE = int(os.environ.get("BENCH_WEBHOOK_STEADY_RATE", "300"))
STEADY_SECONDS = float(os.environ.get("BENCH_WEBHOOK_STEADY_SECONDS", "10"))
WORKERS = 2
PORT = int(os.environ.get("BENCH_WEBHOOK_PORT", "8791"))
QUEUE_URL = os.environ.get("BENCH_WEBHOOK_QUEUE_URL", "redis://127.0.0.1:6379/11")
EVENT_TYPE = "stock.changed"  # no in-process handler: the webhook is the only delivery
HOOKS = f"http://127.0.0.1:{PORT}/hooks"
RESULTS = Path("bench/results")

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "comptoir.settings.base")
os.environ["COMPTOIR_QUEUE_URL"] = QUEUE_URL
os.environ.setdefault("COMPTOIR_WEBHOOK_ALLOWED_NETWORKS", "127.0.0.0/8")


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else 0.0


def wait_for(condition, *, what: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise RuntimeError(f"gave up waiting for {what}")
        time.sleep(0.05)


# --- the ceiling: the same POSTs, no database -------------------------------------------------


def ceiling_client(count: int, secret: str, in_flight: int) -> None:
    """One process: `count` signed POSTs, `in_flight` at a time over keep-alive connections."""
    import uuid
    from datetime import UTC, datetime

    import urllib3
    from standardwebhooks.webhooks import Webhook

    signer = Webhook(secret)
    # The client the worker sends with (integrations/delivery.py), pooled the same way.
    connections = urllib3.connection_from_url(HOOKS, maxsize=in_flight, block=True, timeout=10.0)

    def post(n: int) -> None:
        message_id = f"msg_{uuid.uuid4().hex}"
        now = datetime.now(UTC)
        body = json.dumps(
            {
                "type": EVENT_TYPE,
                "timestamp": now.isoformat(),
                "data": {"n": n, "phase": "ceiling"},
            },
            separators=(",", ":"),
        ).encode()
        headers = {
            "content-type": "application/json",
            "webhook-id": message_id,
            "webhook-timestamp": str(int(now.timestamp())),
            "webhook-signature": signer.sign(msg_id=message_id, timestamp=now, data=body),
        }
        answer = connections.urlopen("POST", "/hooks", body=body, headers=headers, retries=False)
        assert answer.status == 200

    with ThreadPoolExecutor(max_workers=in_flight) as pool:
        list(pool.map(post, range(count)))


def measure_ceiling(secret: str, in_flight: int) -> float:
    per_process = BACKLOG // WORKERS
    started = time.perf_counter()
    clients = [
        subprocess.Popen(
            [sys.executable, __file__, "ceiling", str(per_process), secret, str(in_flight)]
        )
        for _ in range(WORKERS)
    ]
    for client in clients:
        if client.wait(timeout=300) != 0:
            raise RuntimeError("a ceiling client failed")
    return per_process * WORKERS / (time.perf_counter() - started)


# --- the steady producer, in a process of its own ---------------------------------------------


def steady_producer(rate: int, seconds: float) -> None:
    import django

    django.setup()
    from django.db import transaction

    from comptoir.core.outbox import record_event

    count = int(rate * seconds)
    started = time.perf_counter()
    for n in range(count):
        pause = started + n / rate - time.perf_counter()
        if pause > 0:
            time.sleep(pause)
        with transaction.atomic():
            record_event(EVENT_TYPE, aggregate=f"stock:{n}", payload={"n": n, "phase": "steady"})
    time.sleep(0.1)  # the commit hook's trailing wake-up, on its timer thread


# --- the run ----------------------------------------------------------------------------------


def main() -> None:
    import django

    django.setup()
    import httpx
    import redis
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.db.models import Max

    from comptoir.core import clock
    from comptoir.core.models import Delivery, DeliveryAttempt
    from comptoir.core.outbox import record_events
    from comptoir.integrations.services import subscribe_webhook

    call_command("migrate", verbosity=0)
    redis.Redis.from_url(QUEUE_URL).flushdb()  # our own db number only
    subscription, secret = subscribe_webhook(url=HOOKS, event_types=[EVENT_TYPE])
    target = f"webhook:{subscription.pk}"
    env = {**os.environ, "BENCH_WEBHOOK_SECRET": secret, "COMPTOIR_LOG_LEVEL": "WARNING"}
    receiver = subprocess.Popen([sys.executable, "bench/webhook_receiver.py", str(PORT)], env=env)
    workers: list[subprocess.Popen] = []

    def stats() -> dict:
        return httpx.get(f"http://127.0.0.1:{PORT}/stats", timeout=30).json()

    try:
        wait_for(lambda: _answers(PORT), what="the receiver", timeout=20)
        in_flight = settings.OUTBOX_MAX_IN_FLIGHT_PER_TARGET
        ceiling = measure_ceiling(secret, in_flight)
        httpx.post(f"http://127.0.0.1:{PORT}/reset")

        logs = Path("var/bench")
        logs.mkdir(parents=True, exist_ok=True)
        for index in range(WORKERS):
            with (logs / f"webhooks-worker-{index}.log").open("wb") as log:
                workers.append(
                    subprocess.Popen(
                        [sys.executable, "-m", "comptoir", "worker"],
                        env=env,
                        stdout=log,
                        stderr=subprocess.STDOUT,
                    )
                )
        time.sleep(3)  # both workers up and idle (their start-up sweep found nothing)

        delivered = Delivery.objects.filter(target=target, status=Delivery.Status.DELIVERED)
        events = [
            (
                EVENT_TYPE,
                f"stock:{n}",
                {"n": n, "phase": "drain", "fail_once": n % FAIL_ONE_IN == 0},
            )
            for n in range(BACKLOG)
        ]
        with transaction.atomic():
            record_events(events)
        committed_at = clock.now()
        wait_for(lambda: delivered.count() >= BACKLOG, what="the drain", timeout=240)
        never_failed = delivered.exclude(attempts__gt=1)
        last = never_failed.aggregate(at=Max("delivered_at"))["at"]
        drain_seconds = (last - committed_at).total_seconds()
        drain_rate = never_failed.count() / drain_seconds
        lateness = _retry_lateness(DeliveryAttempt, target)

        httpx.post(f"http://127.0.0.1:{PORT}/reset")
        before_steady = delivered.count()
        subprocess.run(
            [sys.executable, __file__, "steady", str(STEADY_RATE), str(STEADY_SECONDS)],
            env=env,
            check=True,
        )
        steady_count = int(STEADY_RATE * STEADY_SECONDS)
        wait_for(
            lambda: delivered.count() >= before_steady + steady_count,
            what="the steady events",
            timeout=60,
        )
        seen = stats()
        latencies = [
            (message["arrivals"][0][0] - message["occurred_at"]) * 1000
            for message in seen["messages"].values()
            if message["phase"] == "steady"
        ]
    finally:
        for process in [*workers, receiver]:
            process.send_signal(signal.SIGTERM)
        for process in [*workers, receiver]:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()

    result = {
        "benchmark": "webhooks",
        "database": connection.vendor,
        "backlog_events": BACKLOG,
        "forced_failures": BACKLOG // FAIL_ONE_IN,
        "workers": WORKERS,
        "in_flight_per_worker": in_flight,
        "claim_batch": settings.OUTBOX_CLAIM_BATCH,
        "delivery_per_s": round(drain_rate),
        "delivery_ceiling_per_s": round(ceiling),
        "drain_seconds": round(drain_seconds, 1),
        "retry_lateness_p99_s": round(percentile(lateness, 0.99), 2),
        "retry_lateness_max_s": round(max(lateness, default=0), 2),
        "retries_measured": len(lateness),
        "steady_rate_per_s": STEADY_RATE,
        "steady_events_seen": len(latencies),
        "event_to_webhook_p50_ms": round(statistics.median(latencies), 1) if latencies else None,
        "event_to_webhook_p99_ms": round(percentile(latencies, 0.99), 1),
        "signatures_rejected": seen["rejected"],
        "cpu_count": os.cpu_count(),
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "webhooks-postgresql.json").write_text(json.dumps(result, indent=2) + "\n")
    json.dump(result, sys.stdout)
    print()


def _answers(port: int) -> bool:
    import httpx

    try:
        return httpx.get(f"http://127.0.0.1:{port}/stats", timeout=1).status_code == 200
    except httpx.HTTPError:
        return False


def _retry_lateness(attempt_model, target: str) -> list[float]:
    """Per delivery tried twice: the second try's start minus when it fell due (at the latest)."""
    from comptoir.core.domain import RETRY_DELAYS

    tries: dict[int, list[tuple]] = {}
    rows = (
        attempt_model.objects.filter(delivery__target=target)
        .order_by("id")
        .values_list("delivery_id", "started_at", "duration_ms")
    )
    for delivery_id, started_at, duration_ms in rows:
        tries.setdefault(delivery_id, []).append((started_at, duration_ms))
    lateness = []
    for first, second, *_ in (t for t in tries.values() if len(t) >= 2):
        due = first[0].timestamp() + first[1] / 1000 + RETRY_DELAYS[0].total_seconds()
        lateness.append(second[0].timestamp() - due)
    return lateness


if __name__ == "__main__":
    if sys.argv[1:2] == ["ceiling"]:
        ceiling_client(int(sys.argv[2]), sys.argv[3], int(sys.argv[4]))
    elif sys.argv[1:2] == ["steady"]:
        steady_producer(int(sys.argv[2]), float(sys.argv[3]))
    else:
        main()
