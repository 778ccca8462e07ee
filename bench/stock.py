"""Benchmark: stock in real time, through HTTP against a production-style server (Granian).

Run by bench/run.py on a fresh PostgreSQL database (COMPTOIR_DATABASE_URL). It loads the big
demo, starts Granian with the bench peers mounted, drives it with wrk from 127.0.0.1 for a
bounded time, checks the database after each run, and writes bench/results/latest.json.
Every figure has its comparison partner measured the same way in the same run.
"""

from __future__ import annotations

import json
import logging
import os
import re
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "comptoir.settings.base")
sys.path.insert(0, os.getcwd())  # run as a script: `bench.serve` is beside it
django.setup()
logging.getLogger("httpx").setLevel(logging.WARNING)

import httpx  # noqa: E402
import psycopg  # noqa: E402
from django.db import connection, reset_queries  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from bench.serve import load_big_demo, server_env, start_granian  # noqa: E402
from comptoir.accounts.services import issue_api_token  # noqa: E402
from comptoir.inventory.models import Hold, StockLevel  # noqa: E402
from comptoir.inventory.services.holds import HoldRequestLine, place_hold  # noqa: E402

STORES = int(os.environ.get("BENCH_STORES", "500"))
SKUS = int(os.environ.get("BENCH_SKUS", "100000"))
SECONDS = int(os.environ.get("BENCH_SECONDS", "10"))
CLIENTS = 16
MANY_CLIENTS = 64  # the sell-out and the tail latency: more clients than server threads
LATENCY_CLIENTS = 2
PORT = int(os.environ.get("BENCH_PORT", "8765"))
BASE = f"http://127.0.0.1:{PORT}"
STORE = "lyon-part-dieu"
HOT_SKU = "JACKET-TRAIL-M"  # throughput: plenty of units, one hot row
RACE_SKU = "JACKET-TRAIL-L"  # oversell: exactly RACE_UNITS units
RACE_UNITS = 100
SELLOUT_UNITS = 100 * SECONDS  # sells out early in the run, even for the slower peer
NEAR_LYON = "lat=45.7607&lon=4.8595"
RESULTS = Path("bench/results")
QUEUE_URL = os.environ.get("BENCH_QUEUE_URL", "redis://127.0.0.1:6379/13")  # as in production


def set_level(sku: str, on_hand: int) -> None:
    StockLevel.objects.filter(variant__sku=sku, location__code=STORE).update(
        on_hand=on_hand, held=0
    )


def level(sku: str) -> tuple[int, int]:
    row = StockLevel.objects.get(variant__sku=sku, location__code=STORE)
    return row.on_hand, row.held


def wrk(script: str, env: dict[str, str], seconds: int = SECONDS, clients: int = CLIENTS) -> dict:
    threads = 1 if clients <= LATENCY_CLIENTS else 2
    output = subprocess.run(
        [
            "wrk",
            f"-t{threads}",
            f"-c{clients}",
            f"-d{seconds}s",
            "--timeout",
            "5s",
            "-s",
            script,
            BASE,
        ],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        check=True,
        timeout=seconds + 60,
    ).stdout
    match = re.search(r"^BENCH (\{.*\})$", output, re.MULTILINE)
    if match is None:
        raise RuntimeError(f"wrk printed no result:\n{output}")
    result = json.loads(match.group(1))
    result["per_second"] = round(result["requests"] / result["seconds"], 1)
    return result


def slow_latency(path: str, requests: int = 5) -> dict:
    """For a path too slow for wrk's run: a few timed requests in turn, after one warm-up."""
    timings = []
    with httpx.Client(base_url=BASE, timeout=300) as client:
        client.get(path).raise_for_status()
        for _ in range(requests):
            started = time.perf_counter()
            client.get(path).raise_for_status()
            timings.append((time.perf_counter() - started) * 1000)
    return {"p50_ms": round(statistics.median(timings), 1), "p95_ms": round(max(timings), 1)}


def latency(path: str) -> dict:
    """Latency at a light load, after a short run on the same path warms every worker."""
    wrk("bench/wrk/get.lua", {"WRK_PATH": path}, seconds=2, clients=LATENCY_CLIENTS)
    return wrk("bench/wrk/get.lua", {"WRK_PATH": path}, clients=LATENCY_CLIENTS)


def hold_run(
    path: str, sku: str, token: str, seconds: int = SECONDS, clients: int = CLIENTS
) -> dict:
    return wrk(
        "bench/wrk/hold.lua",
        {"HOLD_PATH": path, "HOLD_SKU": sku, "HOLD_LOCATION": STORE, "HOLD_TOKEN": token},
        seconds,
        clients,
    )


def race(path: str, token: str) -> dict:
    """RACE_UNITS units, 16 clients, a few seconds: how many holds were answered 201?"""
    set_level(RACE_SKU, RACE_UNITS)
    result = hold_run(path, RACE_SKU, token, seconds=4)
    accepted = int(result["statuses"].get("201", 0))
    on_hand, held = level(RACE_SKU)
    return {
        "accepted": accepted,
        "oversold": max(0, accepted - RACE_UNITS),
        "level_held": held,
        "level_on_hand": on_hand,
    }


def sellout(path: str, token: str) -> dict:
    """64 clients hold one SKU that sells out early in the run, then keep asking: answers
    (201 held, 409 out of stock) per second over the whole run, and how many were oversold.
    After the sell-out each answer is a refusal, which a batch gives in its one statement."""
    set_level(RACE_SKU, SELLOUT_UNITS)
    result = hold_run(path, RACE_SKU, token, clients=MANY_CLIENTS)
    statuses = result["statuses"]
    accepted = int(statuses.get("201", 0))
    answered = accepted + int(statuses.get("409", 0))
    on_hand, held = level(RACE_SKU)
    return {
        "answers_per_s": round(answered / result["seconds"], 1),
        "p99_ms": result["p99_ms"],
        "statuses": statuses,
        "accepted": accepted,
        "oversold": max(0, accepted - SELLOUT_UNITS, held - on_hand),
        "sold_out": held == on_hand == SELLOUT_UNITS,  # 201s still in flight at the end of
        # the run are not counted by wrk, so `accepted` can fall short of the units held
    }


def ceiling_hold_sql(database_url: str, seconds: int) -> float:
    """The same hold transaction as raw SQL from 16 psycopg connections: no HTTP, no ORM."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT s.variant_id, s.location_id FROM inventory_stocklevel s JOIN catalog_variant v"
            " ON v.id = s.variant_id JOIN locations_location l ON l.id = s.location_id"
            " WHERE v.sku = %s AND l.code = %s",
            [HOT_SKU, STORE],
        )
        variant_id, location_id = cursor.fetchone()
    done = [0] * CLIENTS
    deadline = time.monotonic() + seconds

    def client(number: int) -> None:
        with psycopg.connect(database_url) as conn:
            count = 0
            while time.monotonic() < deadline:
                with conn.transaction(), conn.cursor() as cur:
                    cur.execute(
                        "INSERT INTO inventory_hold (variant_id, location_id, quantity, status,"
                        " channel, reference, expires_at, created_at) VALUES (%s, %s, 1, 'active',"
                        " 'web', %s, now() + interval '30 min', now()) RETURNING id",
                        [variant_id, location_id, f"ceiling-{number}-{count}"],
                    )
                    (hold_id,) = cur.fetchone()
                    cur.execute(
                        "INSERT INTO inventory_stockmovement (variant_id, location_id, kind,"
                        " on_hand_delta, held_delta, hold_id, reference, reason, actor, created_at)"
                        " VALUES (%s, %s, 'hold', 0, 1, %s, '', '', '', now())",
                        [variant_id, location_id, hold_id],
                    )
                    cur.execute(
                        "WITH level AS (UPDATE inventory_stocklevel SET held = held + 1,"
                        " updated_at = now() WHERE location_id = %s AND variant_id = %s"
                        " AND on_hand - held >= 1 RETURNING on_hand, held)"
                        " INSERT INTO core_outboxevent (event_id, type, aggregate, payload,"
                        " occurred_at, request_id) SELECT gen_random_uuid(), 'stock.changed', '',"
                        " jsonb_build_object('on_hand', on_hand, 'held', held), now(), ''"
                        " FROM level RETURNING id",
                        [location_id, variant_id],
                    )
                    cur.fetchone()
                count += 1
            done[number] = count

    threads = [threading.Thread(target=client, args=(n,)) for n in range(CLIENTS)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return round(sum(done) / (time.monotonic() - started), 1)


def hold_statements() -> int:
    """Statements one hold sends (BEGIN/COMMIT not counted), measured by capturing them."""
    set_level(HOT_SKU, 1_000_000)
    variant_id, location_id = (
        StockLevel.objects.filter(variant__sku=HOT_SKU, location__code=STORE)
        .values_list("variant_id", "location_id")
        .get()
    )
    reset_queries()  # CaptureQueriesContext slices a bounded log: start it empty
    with CaptureQueriesContext(connection) as captured:
        place_hold(
            lines=[HoldRequestLine(location_id, variant_id, HOT_SKU, 1)],
            channel="web",
            reference="count-statements",
        )
    return sum(
        1
        for q in captured.captured_queries
        if q["sql"].split()[0].upper() not in {"BEGIN", "COMMIT", "SAVEPOINT", "RELEASE"}
    )


def sale_to_web_visible(token: str, iterations: int = 200) -> dict:
    """From a till sale's answer to the availability API showing the new figure."""
    set_level(HOT_SKU, 1_000_000)
    waits = []
    with httpx.Client(base_url=BASE, headers={"Authorization": f"Bearer {token}"}) as client:
        for number in range(iterations):
            sale = client.post(
                "/api/v1/till-sales",
                json={
                    "store": STORE,
                    "ticket": f"bench-{number}",
                    "lines": [{"sku": HOT_SKU, "quantity": 1}],
                },
            )
            sale.raise_for_status()
            expected = sale.json()["lines"][0]["on_hand"]
            answered = time.perf_counter()
            while True:
                figures = client.get(
                    "/api/v1/availability", params={"sku": HOT_SKU, "location": STORE}
                ).json()
                if figures[0]["on_hand"] == expected:
                    break
            waits.append((time.perf_counter() - answered) * 1000)
    waits.sort()
    return {
        "p50_ms": round(statistics.median(waits), 2),
        "p99_ms": round(waits[int(len(waits) * 0.99) - 1], 2),
    }


def start_server(env: dict[str, str]) -> subprocess.Popen:
    return start_granian(PORT, env, blocking_threads=8)


def main() -> None:
    database_url = os.environ["COMPTOIR_DATABASE_URL"]
    load_seconds = load_big_demo(database_url, stores=STORES, skus=SKUS)
    levels = StockLevel.objects.count()
    _, token = issue_api_token(
        name="bench", scopes=["stock.hold", "stock.sell"], created_by_id=None
    )
    cart_skus = list(
        StockLevel.objects.filter(location__code=STORE)
        .order_by("variant_id")
        .values_list("variant__sku", flat=True)[:50]
    )
    server = start_server(server_env(QUEUE_URL, COMPTOIR_ROOT_URLCONF="bench.urls"))
    try:
        # Latency at a light load (2 clients), throughput at 16.
        cart_path = "/api/v1/availability?" + "&".join(f"sku={sku}" for sku in cart_skus)
        cart = latency(f"{cart_path}&location={STORE}")
        near = latency(f"/api/v1/availability/near?sku={HOT_SKU}&{NEAR_LYON}&limit=20")
        set_level(HOT_SKU, 1_000_000)
        ours = hold_run("/api/v1/holds", HOT_SKU, token)
        set_level(HOT_SKU, 1_000_000)
        naive = hold_run("/bench/naive-holds", HOT_SKU, token)
        set_level(HOT_SKU, 1_000_000)
        for_update = hold_run("/bench/for-update-holds", HOT_SKU, token)
        race_ours = race("/api/v1/holds", token)
        race_naive = race("/bench/naive-holds", token)
        visible = sale_to_web_visible(token)
        # After the hold runs, the store has thousands of active holds, as a busy store would:
        # the peer sums them at query time, comptoir reads the maintained held figure.
        listing = latency(f"/api/v1/availability/products?store={STORE}&limit=20")
        peer_listing = slow_latency(f"/bench/peer-listing?store={STORE}")
        # Last, so that the figures above are measured as before: 64 clients, then the sell-out.
        set_level(HOT_SKU, 1_000_000)
        ours_many = hold_run("/api/v1/holds", HOT_SKU, token, clients=MANY_CLIENTS)
        sellout_ours = sellout("/api/v1/holds", token)
        sellout_peer = sellout("/bench/for-update-holds", token)
    finally:
        server.terminate()
        server.wait(timeout=30)
    set_level(HOT_SKU, 1_000_000)
    result = {
        "benchmark": "stock",
        "database": connection.vendor,
        "dataset": {
            "stores": STORES,
            "skus": SKUS,
            "stock_levels": levels,
            "load_seconds": load_seconds,
        },
        "server": "granian wsgi, 2 workers x 8 threads",
        "clients": CLIENTS,
        "many_clients": MANY_CLIENTS,
        "sellout_units": SELLOUT_UNITS,
        "seconds_per_run": SECONDS,
        "availability_cart_p50_ms": cart["p50_ms"],
        "availability_cart_p99_ms": cart["p99_ms"],
        "availability_sku_near_p50_ms": near["p50_ms"],
        "availability_sku_near_p99_ms": near["p99_ms"],
        "listing_in_store_p95_ms": listing["p95_ms"],
        "listing_peer_shape_p95_ms": peer_listing["p95_ms"],
        "active_holds_at_store": Hold.objects.filter(location__code=STORE, status="active").count(),
        "hold_throughput_per_s": ours["per_second"],
        "hold_p99_ms": ours_many["p99_ms"],  # at MANY_CLIENTS
        "hold_p99_ms_16_clients": ours["p99_ms"],
        "hold_throughput_64_clients_per_s": ours_many["per_second"],
        "hold_statuses_64_clients": ours_many["statuses"],
        "hold_sellout_per_s": sellout_ours["answers_per_s"],
        "hold_sellout_oversold": sellout_ours["oversold"],
        "hold_sellout": sellout_ours,
        "peer_for_update_sellout_per_s": sellout_peer["answers_per_s"],
        "peer_for_update_sellout": sellout_peer,
        "hold_statuses": ours["statuses"],
        "baseline_hold_throughput_per_s": naive["per_second"],
        "peer_for_update_hold_per_s": for_update["per_second"],
        "ceiling_hold_sql_per_s": ceiling_hold_sql(database_url, SECONDS),
        "hold_oversold": race_ours["oversold"],
        "hold_race": race_ours,
        "baseline_oversold": race_naive["oversold"],
        "baseline_race": race_naive,
        "hold_sql_statements": hold_statements(),
        "sale_to_web_visible_p50_ms": visible["p50_ms"],
        "sale_to_web_visible_ms": visible["p99_ms"],
        "cpu_count": os.cpu_count(),
    }
    (RESULTS / "stock-postgresql.json").write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
