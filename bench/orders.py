"""Benchmark: checkout through HTTP on PostgreSQL — hold, order, card authorised, outbox event.

Run by bench/run.py on a fresh PostgreSQL database (COMPTOIR_DATABASE_URL). It loads the demo
with stock at BENCH_ORDER_LOCATIONS locations, starts Granian as bench/stock.py does, and has
wrk send 3-line home-delivery orders from 16 clients, each line held at a random location,
each order paid by card through the local fake PSP (the PSP adds no network latency: the
figure is comptoir's own cost). Then it checks that every 201 is one order with one
`order.placed` event, and counts the statements one such order sends.

On the same server, a store's counter then sells 5-line baskets through
POST /api/v1/stores/{code}/till-sales, each paid in full by card on the store's terminal
(the same fake PSP), a new ticket each: `till_sale_p99_ms` at 16 clients, and a check that
every 201 is one till sale with its ledger rows.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "comptoir.settings.base")
sys.path.insert(0, os.getcwd())  # run as a script: `bench.stock` is beside it
django.setup()

import psycopg  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, reset_queries  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from bench.stock import CLIENTS, QUEUE_URL, start_server, wrk  # noqa: E402
from comptoir.accounts.services import issue_api_token  # noqa: E402
from comptoir.catalog.models import Variant  # noqa: E402
from comptoir.core.models import OutboxEvent  # noqa: E402
from comptoir.inventory.models import StockLevel  # noqa: E402
from comptoir.inventory.services.stock import receive_stock  # noqa: E402
from comptoir.locations.models import Location  # noqa: E402
from comptoir.orders.models import Order, PaymentOperation  # noqa: E402
from comptoir.orders.services.placing import (  # noqa: E402
    LineRequest,
    OrderRequest,
    PaymentRequest,
    place_order,
)
from comptoir.orders.services.till import BasketLine, price_basket  # noqa: E402

LOCATIONS = int(os.environ.get("BENCH_ORDER_LOCATIONS", "50"))
SKUS = int(os.environ.get("BENCH_ORDER_SKUS", "2000"))
SECONDS = int(os.environ.get("BENCH_SECONDS", "10"))
ORDER_SKUS = ("JACKET-TRAIL-S", "JACKET-TRAIL-M", "JACKET-TRAIL-L")
PLENTY = 1_000_000
RESULTS = Path("bench/results")
HOME = {"name": "Jean", "line1": "1 rue", "postcode": "69002", "city": "Lyon", "country": "FR"}


def stock_everywhere() -> list[str]:
    """Plenty of the three jackets at every location, so no order fails for want of stock."""
    codes = list(Location.objects.order_by("pk").values_list("code", flat=True)[:LOCATIONS])
    variants = {v.sku: v.pk for v in Variant.objects.filter(sku__in=ORDER_SKUS)}
    for location in Location.objects.filter(code__in=codes):
        for sku, variant_id in variants.items():
            if not StockLevel.objects.filter(location=location, variant_id=variant_id).exists():
                receive_stock(variant_id=variant_id, location_id=location.pk, sku=sku, quantity=1)
    StockLevel.objects.filter(location__code__in=codes, variant__sku__in=ORDER_SKUS).update(
        on_hand=PLENTY, held=0
    )
    return codes


def till_basket() -> tuple[str, list[str], str]:
    """A store, 5 SKUs with plenty of units on its shelf, and the basket's total there."""
    store = Location.objects.filter(kind=Location.Kind.STORE).order_by("pk").first()
    skus = list(
        Variant.objects.filter(product__isnull=False)
        .order_by("pk")
        .values_list("sku", flat=True)[:5]
    )
    for sku in skus:
        receive_stock(
            variant_id=Variant.objects.get(sku=sku).pk, location_id=store.pk, sku=sku, quantity=1
        )
    StockLevel.objects.filter(location=store, variant__sku__in=skus).update(on_hand=PLENTY, held=0)
    total = price_basket(store_id=store.pk, lines=[BasketLine(sku, 1) for sku in skus]).total
    return store.code, skus, str(total)


def order_statements(location_code: str) -> int:
    """Statements one 3-line order sends through the service, BEGIN/COMMIT not counted (as for
    hold_sql_statements); a savepoint, if any, is counted: two real round trips."""
    location_id = Location.objects.get(code=location_code).pk
    request = OrderRequest(
        channel="web",
        fulfilment_mode="home_delivery",
        lines=[LineRequest(sku, 1, location_id) for sku in ORDER_SKUS],
        payment=PaymentRequest("card", "tok_visa"),
        delivery_address=HOME,
    )
    reset_queries()
    with CaptureQueriesContext(connection) as captured:
        place_order(request)
    return sum(
        1
        for q in captured.captured_queries
        if q["sql"].split()[0].upper() not in {"BEGIN", "COMMIT"}
    )


def main() -> None:
    database_url = os.environ["COMPTOIR_DATABASE_URL"]
    call_command("migrate", verbosity=0)
    call_command("load_demo", stores=LOCATIONS, skus=SKUS, customers=0, verbosity=0)
    codes = stock_everywhere()
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")
    till_store, till_skus, till_total = till_basket()
    _, token = issue_api_token(
        name="bench", scopes=["orders.write", "stock.sell"], created_by_id=None
    )
    server = start_server(
        {
            "COMPTOIR_DEBUG": "0",
            "COMPTOIR_LOG_LEVEL": "WARNING",
            "COMPTOIR_CONN_MAX_AGE": "600",
            "COMPTOIR_QUEUE_URL": QUEUE_URL,
            "PYTHONPATH": os.getcwd(),
        }
    )
    env = {
        "ORDER_PATH": "/api/v1/orders",
        "ORDER_TOKEN": token,
        "ORDER_LOCATIONS": ",".join(codes),
        "ORDER_SKUS": ",".join(ORDER_SKUS),
    }
    try:
        wrk("bench/wrk/order.lua", env, seconds=2)  # warm every worker
        started_orders = Order.objects.count()
        run = wrk("bench/wrk/order.lua", env, seconds=SECONDS)
        till_env = {
            "TILL_PATH": f"/api/v1/stores/{till_store}/till-sales",
            "TILL_TOKEN": token,
            "TILL_SKUS": ",".join(till_skus),
            "TILL_TOTAL": till_total,
        }
        wrk("bench/wrk/till_sale.lua", till_env, seconds=2)
        till_sales_before = Order.objects.filter(fulfilment_mode="till_sale").count()
        till = wrk("bench/wrk/till_sale.lua", till_env, seconds=SECONDS)
    finally:
        server.terminate()
        server.wait(timeout=30)
    created = int(run["statuses"].get("201", 0))
    placed = Order.objects.count() - started_orders
    events = OutboxEvent.objects.filter(type="order.placed").count()
    result = {
        "benchmark": "orders",
        "database": connection.vendor,
        "dataset": {"locations": len(codes), "skus": SKUS},
        "server": "granian wsgi, 2 workers",
        "clients": CLIENTS,
        "seconds": SECONDS,
        "orders_per_s": round(created / run["seconds"], 1),
        "order_p50_ms": run["p50_ms"],
        "order_p99_ms": run["p99_ms"],
        "order_statuses": run["statuses"],
        # Requests still in flight when wrk stops complete on the server: rows >= answers.
        "orders_rows_cover_answers": placed >= created,
        "order_events_match_orders": events
        == Order.objects.exclude(fulfilment_mode="till_sale").count(),
        "order_sql_statements": order_statements(codes[0]),
        "till_sales_per_s": round(int(till["statuses"].get("201", 0)) / till["seconds"], 1),
        "till_sale_p50_ms": till["p50_ms"],
        "till_sale_p99_ms": till["p99_ms"],
        "till_sale_statuses": till["statuses"],
        "till_basket": {"store": till_store, "lines": len(till_skus), "total": till_total},
        # Every till sale answered 201 is one order whose card capture is in the ledger.
        "till_sales_rows_cover_answers": (
            Order.objects.filter(fulfilment_mode="till_sale").count() - till_sales_before
            >= int(till["statuses"].get("201", 0))
        ),
        "till_sales_without_ledger": Order.objects.filter(fulfilment_mode="till_sale")
        .exclude(pk__in=PaymentOperation.objects.filter(kind="capture").values("payment__order_id"))
        .count(),
        "cpu_count": os.cpu_count(),
        "measured_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }
    (RESULTS / "orders-postgresql.json").write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
