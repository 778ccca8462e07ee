"""Benchmark: the storefront's hot reads at 16 and 64 clients beside a ceiling (HTTP, PostgreSQL).

Run by bench/run.py on a fresh PostgreSQL database (COMPTOIR_DATABASE_URL). It loads the big
demo (BENCH_STORES stores × BENCH_SKUS SKUs, as the stock benchmark), starts the same Granian
server with the bench peers mounted, and drives each read with wrk at 16 and at 64 clients:
- availability near: GET /api/v1/availability/near, 1 SKU, the 20 nearest stores, from a
  postcode and from a point;
- the product page: the shop's HTML /products/<slug>/ with the stock in the nearest stores;
- the "in my store" listing: the shop's HTML catalogue filtered by one store.
Each beside its ceiling: GET /bench/ceiling (bench/peers.py), a Django view on the same stack
and the same connection settings that reads the rows the answer shows by primary key and sends
them as JSON, and nothing else. Ids for the ceilings are found here, before the server starts.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "comptoir.settings.base")
sys.path.insert(0, os.getcwd())  # run as a script: `bench.stock` is beside it
django.setup()

from django.db import connection  # noqa: E402

from bench.serve import load_big_demo, server_env  # noqa: E402
from bench.stock import (  # noqa: E402
    HOT_SKU,
    QUEUE_URL,
    STORE,
    start_server,
    wrk,
)
from comptoir.catalog.models import Product, Variant  # noqa: E402
from comptoir.catalog.selectors import product_page  # noqa: E402
from comptoir.inventory.models import StockLevel  # noqa: E402
from comptoir.inventory.selectors import product_ids_available_at  # noqa: E402
from comptoir.locations.domain import GeoPoint  # noqa: E402
from comptoir.locations.models import Location  # noqa: E402
from comptoir.locations.selectors import location_list, nearest_locations  # noqa: E402

STORES = int(os.environ.get("BENCH_STORES", "500"))
SKUS = int(os.environ.get("BENCH_SKUS", "100000"))
SECONDS = int(os.environ.get("BENCH_SECONDS", "10"))
CLIENT_COUNTS = (16, 64)
NEAREST = 20  # the availability-near read: one SKU at the 20 nearest stores
PAGE_STORES = 5  # the product page shows the 5 nearest stores (web/shop/views.py)
POSTCODE = "69003"  # Lyon
POINT = GeoPoint(45.7607, 4.8595)
RESULTS = Path("bench/results")


def ids(values) -> str:
    return ",".join(str(v["pk"] if isinstance(v, dict) else v) for v in values)


def reads() -> dict[str, tuple[str, str]]:
    """Each hot read: (its path, its ceiling's path reading the same rows by primary key)."""
    variant = Variant.objects.select_related("product").get(sku=HOT_SKU)
    slug = variant.product.slug
    store = Location.objects.get(code=STORE)

    def levels(variant_ids, location_ids) -> list[int]:
        return list(
            StockLevel.objects.filter(
                variant_id__in=variant_ids, location_id__in=location_ids
            ).values_list("pk", flat=True)
        )

    def near_ceiling(location_ids: list[int]) -> str:
        return (
            f"/bench/ceiling?locations={ids(location_ids)}"
            f"&levels={ids(levels([variant.pk], location_ids))}"
        )

    by_postcode = [i.id for i in nearest_locations(postcode=POSTCODE, limit=NEAREST).items]
    by_point = [i.id for i in nearest_locations(point=POINT, limit=NEAREST).items]
    # The product page: the product, its variants, their levels at the 5 nearest stores (the
    # table) and at the warehouses (whether it ships online).
    page_stores = [i.id for i in nearest_locations(postcode=POSTCODE, limit=PAGE_STORES).items]
    warehouses = list(location_list(kind="warehouse").values_list("pk", flat=True))
    variant_ids = list(Variant.objects.filter(product=variant.product).values_list("pk", flat=True))
    product_ceiling = (
        f"/bench/ceiling?products={variant.product_id}&variants={ids(variant_ids)}"
        f"&locations={ids(page_stores)}&levels={ids(levels(variant_ids, page_stores + warehouses))}"
    )
    # The listing: the first page of 24 products available in the store, and the store.
    listed = product_page(
        channel="web",
        limit=24,
        among=product_ids_available_at(location_ids=[store.pk], channel="web"),
    )["items"]
    listed = Product.objects.filter(slug__in=[item["slug"] for item in listed])
    listing_ceiling = f"/bench/ceiling?locations={store.pk}&products={ids(listed.values('pk'))}"
    near = f"/api/v1/availability/near?sku={HOT_SKU}&limit={NEAREST}"
    return {
        "availability_near": (f"{near}&postcode={POSTCODE}", near_ceiling(by_postcode)),
        "availability_near_point": (
            f"{near}&lat={POINT.latitude}&lon={POINT.longitude}",
            near_ceiling(by_point),
        ),
        "product_page": (f"/products/{slug}/?near={POSTCODE}", product_ceiling),
        "listing_in_store": (f"/?store={STORE}", listing_ceiling),
    }


def measure(path: str, clients: int) -> dict:
    """One path at `clients`, after a short run that warms every worker and thread."""
    env = {"WRK_PATH": path}
    wrk("bench/wrk/get.lua", env, seconds=2, clients=clients)
    result = wrk("bench/wrk/get.lua", env, seconds=SECONDS, clients=clients)
    if not result["requests"] or set(result["statuses"]) != {"200"}:
        raise RuntimeError(f"{path} answered {result['statuses']}")
    return result


def main() -> None:
    load_seconds = load_big_demo(os.environ["COMPTOIR_DATABASE_URL"], stores=STORES, skus=SKUS)
    paths = reads()
    server = start_server(server_env(QUEUE_URL, COMPTOIR_ROOT_URLCONF="bench.urls"))
    figures: dict[str, float] = {}
    runs: dict[str, dict] = {}
    try:
        # A fresh server's threads answer their first requests slowly (a connection each, the
        # code's first run), so slowly at 16 clients that wrk may count none: warm them gently.
        for path, ceiling in paths.values():
            for url in (path, ceiling):
                wrk("bench/wrk/get.lua", {"WRK_PATH": url}, seconds=3, clients=2)
        for name, (path, ceiling) in paths.items():
            for clients in CLIENT_COUNTS:
                suffix = "" if clients == CLIENT_COUNTS[0] else f"_{clients}_clients"
                for label, url in ((name, path), (f"{name}_ceiling", ceiling)):
                    result = measure(url, clients)
                    runs[f"{label}{suffix}"] = result
                    figures[f"{label}{suffix}_per_s"] = result["per_second"]
                    figures[f"{label}{suffix}_p99_ms"] = round(result["p99_ms"], 1)
                figures[f"{name}{suffix}_ratio_to_ceiling"] = round(
                    figures[f"{name}{suffix}_per_s"] / figures[f"{name}_ceiling{suffix}_per_s"], 2
                )
    finally:
        server.terminate()
        server.wait(timeout=30)
    result = {
        "benchmark": "storefront",
        "database": connection.vendor,
        "dataset": {
            "stores": Location.objects.filter(kind="store").count(),
            "skus": Variant.objects.count(),
            "stock_levels": StockLevel.objects.count(),
            "load_seconds": load_seconds,
        },
        "server": "granian wsgi, 2 workers x 8 threads",
        "clients": list(CLIENT_COUNTS),
        "seconds_per_run": SECONDS,
        "cpu_count": os.cpu_count(),
        "paths": {name: {"path": p, "ceiling": c} for name, (p, c) in paths.items()},
        **figures,
        "runs": runs,
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "storefront-postgresql.json").write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps({k: v for k, v in result.items() if k != "runs"}))


if __name__ == "__main__":
    main()
