"""Benchmark: carrier tracking events in, through HTTP against Granian, beside raw SQL; and
how long a parcel that becomes late waits for its alert from the real worker.

Run by bench/run.py on a fresh PostgreSQL database (COMPTOIR_DATABASE_URL). The fake carrier
replays 100,000 webhook deliveries (90,000 distinct scans of 18,000 parcels, 10,000 of them
resent, about 5 % swapped with a later one), 100 per signed webhook call, as carriers batch
them. The load generator is a small Python client (4 threads, keep-alive connections, each
call signed just before it is sent), not wrk: every call carries a different signed body.
"""

from __future__ import annotations

import http.client
import itertools
import json
import logging
import os
import random
import statistics
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime, timedelta
from datetime import time as clock_time
from decimal import Decimal
from pathlib import Path

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "comptoir.settings.base")
sys.path.insert(0, os.getcwd())  # run as a script: `bench.serve` is beside it
django.setup()
logging.getLogger("httpx").setLevel(logging.WARNING)

import psycopg  # noqa: E402
import redis  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from bench.serve import start_granian  # noqa: E402
from comptoir.core.models import OutboxEvent  # noqa: E402
from comptoir.locations.services import open_location  # noqa: E402
from comptoir.shipping.adapters.fake import FakeCarrier, scan  # noqa: E402
from comptoir.shipping.domain.tracking import TrackingStatus  # noqa: E402
from comptoir.shipping.models import CarrierService, Shipment, ShipmentAlert, TrackingEvent  # noqa: E402
from comptoir.shipping.services.carriers import offer_service, register_carrier  # noqa: E402

PARCELS = int(os.environ.get("BENCH_PARCELS", "18000"))
DELIVERIES = int(os.environ.get("BENCH_DELIVERIES", "100000"))
BATCH = 100
CLIENTS = 4
LAG_PARCELS = int(os.environ.get("BENCH_LAG_PARCELS", "300"))
PORT = int(os.environ.get("BENCH_PORT", "8766"))
BASE = f"http://127.0.0.1:{PORT}"
RESULTS = Path("bench/results")
QUEUE_URL = os.environ.get("BENCH_TRACKING_QUEUE_URL", "redis://127.0.0.1:6379/14")
JOURNEY = [
    (TrackingStatus.INFO_RECEIVED, "", None, None),
    (TrackingStatus.IN_TRANSIT, "Lyon hub", 45.72, 4.92),
    (TrackingStatus.IN_TRANSIT, "Paris Nord", 48.90, 2.36),
    (TrackingStatus.OUT_FOR_DELIVERY, "Paris 4e", 48.86, 2.36),
    (TrackingStatus.DELIVERED, "Paris 4e", 48.86, 2.36),
]


def setup_parcels(now: datetime) -> tuple[object, list[Shipment]]:
    lyon = open_location(
        code="lyon-part-dieu",
        name="Élan Lyon Part-Dieu",
        city="Lyon",
        latitude=Decimal("45.7607"),
        longitude=Decimal("4.8595"),
    )
    carrier = register_carrier(code="colisexpress", name="Colis Express")
    offer_service(
        carrier_code="colisexpress",
        code="standard",
        name="Standard 48h",
        transit_days=2,
        cutoff=clock_time(16),
        countries=["FR"],
        price_grid=[(Decimal("30"), Decimal("4.90"))],
    )
    service = CarrierService.objects.get()
    far = now + timedelta(days=30)
    rows = [
        Shipment(
            reference=f"SHP-B{i:08d}",
            order_id=i,
            order_reference=f"WEB-{i}",
            origin=lyon,
            destination_kind="home",
            destination_city="Paris",
            destination_postcode="75004",
            destination_latitude=48.8559,
            destination_longitude=2.3601,
            carrier=carrier,
            service=service,
            tracking_number=f"CE{i:010d}",
            tracking_token=f"bench-token-{i}",
            promised_by=far.date(),
            late_watch_at=far,
            late_after=far,
            status_at=now,
            quiet_deadline=far,
            created_at=now,
        )
        for i in range(PARCELS)
    ]
    Shipment.objects.bulk_create(rows, batch_size=2000)
    return carrier, rows


def scans_in_carrier_order(shipments: list[Shipment], start: datetime) -> list[dict]:
    """Each journey, interleaved as a carrier emits them: step by step, parcel by parcel."""
    return [
        scan(
            event_id=f"{shipment.tracking_number}-{step}",
            tracking_number=shipment.tracking_number,
            status=status,
            at=start + timedelta(hours=step * 6, milliseconds=i),
            place=place,
            latitude=lat,
            longitude=lon,
        )
        for step, (status, place, lat, lon) in enumerate(JOURNEY)
        for i, shipment in enumerate(shipments)
    ]


def replay_over_http(secret: str, batches: list[list[dict]]) -> dict:
    next_batch = itertools.count()
    statuses: dict[int, int] = {}
    lock = threading.Lock()

    def client() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=60)
        while (n := next(next_batch)) < len(batches):
            request = FakeCarrier.signed_webhook(
                secret, batches[n], message_id=f"msg_{n}", timestamp=int(time.time())
            )
            conn.request(
                "POST",
                "/api/v1/carriers/colisexpress/tracking-events",
                body=request.body,
                headers={**request.headers, "Content-Type": "application/json"},
            )
            response = conn.getresponse()
            response.read()
            with lock:
                statuses[response.status] = statuses.get(response.status, 0) + 1
        conn.close()

    threads = [threading.Thread(target=client) for _ in range(CLIENTS)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return {"seconds": time.perf_counter() - started, "statuses": statuses}


def ceiling_sql(
    database_url: str, batches: list[list[dict]], ids: dict[str, int], carrier_id: int
) -> float:
    """The same deliveries, the same batches, as INSERT … ON CONFLICT DO NOTHING from as many
    connections: no HTTP, no signature, no status, no alerts."""
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute("DROP TABLE IF EXISTS bench_tracking_ceiling")
        conn.execute(
            "CREATE TABLE bench_tracking_ceiling (LIKE shipping_trackingevent INCLUDING ALL)"
        )
    columns = (
        "shipment_id, carrier_id, carrier_event_id, status, occurred_at, received_at, "
        "description, place, latitude, longitude, estimated_delivery, reason"
    )
    next_batch = itertools.count()

    def client() -> None:
        with psycopg.connect(database_url, autocommit=True) as conn:
            while (n := next(next_batch)) < len(batches):
                # In key order, as the HTTP path's parcel locks order them: two batches
                # holding the same resent scan cannot deadlock on the unique index.
                rows = sorted(batches[n], key=lambda item: item["id"])
                values = ", ".join(
                    ["(%s, %s, %s, %s, %s, now(), %s, %s, %s, %s, NULL, '')"] * len(rows)
                )
                params = [
                    value
                    for item in rows
                    for value in (
                        ids[item["tracking_number"]],
                        carrier_id,
                        item["id"],
                        item["code"],
                        item["at"],
                        item["code"],
                        item["place"],
                        item["lat"],
                        item["lon"],
                    )
                ]
                conn.execute(
                    f"INSERT INTO bench_tracking_ceiling ({columns}) VALUES {values} "  # noqa: S608
                    "ON CONFLICT DO NOTHING",
                    params,
                )

    threads = [threading.Thread(target=client) for _ in range(CLIENTS)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - started


def start_server(env: dict[str, str]) -> subprocess.Popen:
    return start_granian(PORT, env, blocking_threads=1)


def detection_lag(carrier: object, template: Shipment, env: dict[str, str]) -> dict:
    """Parcels that become late over the next 45 s, with no event coming; the real worker
    (Huey on Redis) is started and finds them. Lag = alert raised - moment it became late."""
    OutboxEvent.objects.filter(fanned_out_at__isnull=True).update(fanned_out_at=datetime.now(UTC))
    now = datetime.now(UTC)
    rng = random.Random(7)  # noqa: S311 - a reproducible spread, not a secret
    rows = []
    for i in range(LAG_PARCELS):
        late_at = now + timedelta(seconds=8 + rng.uniform(0, 45))
        rows.append(
            Shipment(
                reference=f"SHP-L{i:08d}",
                origin_id=template.origin_id,
                destination_kind="home",
                destination_city="Paris",
                carrier_id=template.carrier_id,
                service_id=template.service_id,
                tracking_number=f"LATE{i:08d}",
                tracking_token=f"bench-late-{i}",
                promised_by=late_at.date(),
                late_watch_at=late_at,
                late_after=late_at,
                status="in_transit",
                status_at=now,
                last_scan_at=now,
                quiet_deadline=now + timedelta(days=2),
                created_at=now,
            )
        )
    Shipment.objects.bulk_create(rows)
    worker = subprocess.Popen(
        [sys.executable, "-m", "comptoir", "worker"],
        env={**os.environ, **env},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            found = ShipmentAlert.objects.filter(
                kind="late", shipment__tracking_number__startswith="LATE"
            ).count()
            if found >= LAG_PARCELS:
                break
            time.sleep(1)
    finally:
        worker.terminate()
        worker.wait(timeout=30)
    lags = sorted(
        (alert.raised_at - alert.shipment.late_after).total_seconds()
        for alert in ShipmentAlert.objects.filter(
            kind="late", shipment__tracking_number__startswith="LATE"
        ).select_related("shipment")
    )
    return {
        "alerts": len(lags),
        "p50_s": round(statistics.median(lags), 3) if lags else None,
        "p99_s": round(lags[max(0, int(len(lags) * 0.99) - 1)], 3) if lags else None,
        "max_s": round(lags[-1], 3) if lags else None,
        "early": sum(1 for lag in lags if lag < 0),
    }


def main() -> None:
    database_url = os.environ["COMPTOIR_DATABASE_URL"]
    call_command("migrate", verbosity=0)
    now = datetime.now(UTC)
    carrier, shipments = setup_parcels(now)
    ids = dict(Shipment.objects.values_list("tracking_number", "pk"))
    scans = scans_in_carrier_order(shipments, now - timedelta(days=3))
    delivered = FakeCarrier.as_delivered(
        scans,
        duplicate_share=(DELIVERIES - len(scans)) / len(scans),
        out_of_order_share=0.05,
        seed=42,
    )
    batches = [delivered[i : i + BATCH] for i in range(0, len(delivered), BATCH)]
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")
    redis.Redis.from_url(QUEUE_URL).flushdb()
    env = {
        "COMPTOIR_DEBUG": "0",
        "COMPTOIR_LOG_LEVEL": "WARNING",
        "COMPTOIR_CONN_MAX_AGE": "600",
        "COMPTOIR_QUEUE_URL": QUEUE_URL,
        "COMPTOIR_WORKER_THREADS": "2",
    }
    server = start_server(env)
    try:
        http_run = replay_over_http(carrier.webhook_secret, batches)
    finally:
        server.terminate()
        server.wait(timeout=30)
    stored = TrackingEvent.objects.count()
    not_delivered = Shipment.objects.exclude(status="delivered").count()
    ceiling_seconds = ceiling_sql(database_url, batches, ids, carrier.pk)
    lag = detection_lag(carrier, shipments[0], env)
    redis.Redis.from_url(QUEUE_URL).flushdb()
    events_per_s = round(len(delivered) / http_run["seconds"], 1)
    ceiling_per_s = round(len(delivered) / ceiling_seconds, 1)
    result = {
        "benchmark": "tracking",
        "database": connection.vendor,
        "parcels": PARCELS,
        "deliveries": len(delivered),
        "distinct_events": len(scans),
        "batch_size": BATCH,
        "clients": CLIENTS,
        "client": "Python http.client, 4 threads, keep-alive; each call signed when sent",
        "server": "granian wsgi, 2 workers x 1 thread",
        "http_seconds": round(http_run["seconds"], 2),
        "http_statuses": http_run["statuses"],
        "tracking_events_per_s": events_per_s,
        "tracking_ceiling_events_per_s": ceiling_per_s,
        "tracking_share_of_ceiling": round(events_per_s / ceiling_per_s, 3),
        "tracking_duplicates_stored": stored - len(scans),
        "tracking_events_stored": stored,
        "tracking_parcels_not_delivered": not_delivered,
        "exception_detection_lag_s": lag["p99_s"],
        "exception_detection_lag": lag,
        "cpu_count": os.cpu_count(),
    }
    (RESULTS / "tracking-postgresql.json").write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
