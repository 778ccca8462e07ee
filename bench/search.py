"""Benchmark: search on the 100k-SKU catalogue, through HTTP (Granian, PostgreSQL).

Run by bench/run.py on a fresh PostgreSQL database (COMPTOIR_DATABASE_URL). It loads the demo
catalogue (BENCH_SKUS SKUs, its search documents written as it loads), starts Granian with the
bench peers mounted, and drives it with wrk over a mix of French queries a shopper types
(accents left out, plurals, two words, one typo). Figures:
- search_p95_ms: GET /api/v1/products/search (ranked page of 24, facets, counts);
- search_like_p95_ms: the same page and facets where matching is `LIKE '%…%'` per word
  (bench/peers.py), on the same data and stack;
- search_page_p95_ms: the storefront's HTML results page; suggestions_p95_ms: the listbox.
Latency at 2 clients (as the stock benchmark's), throughput and p95 at 16.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from urllib.parse import quote

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "comptoir.settings.base")
sys.path.insert(0, os.getcwd())  # run as a script: `bench.stock` is beside it
django.setup()

import httpx  # noqa: E402
from django.db import connection  # noqa: E402

from bench.serve import load_big_demo, server_env  # noqa: E402
from bench.stock import BASE, QUEUE_URL, start_server, wrk  # noqa: E402
from comptoir.catalog.models import Product, ProductSearchDocument, Variant  # noqa: E402

SKUS = int(os.environ.get("BENCH_SKUS", "100000"))
STORES = int(os.environ.get("BENCH_SEARCH_STORES", "6"))  # search reads no stock
SECONDS = int(os.environ.get("BENCH_SECONDS", "10"))
LATENCY_CLIENTS = 2
CLIENTS = 16
# What shoppers type: no accents, plurals, two words in either order, one typo, a brand.
QUERIES = [
    "ecouteurs",
    "écouteur",
    "veste trail",
    "trail veste",
    "chaussures running",
    "montre gps",
    "camera",
    "ecoutuers",
    "sac randonnee",
    "kiprun",
    "maillot natation",
    "casque cyclisme",
]
RESULTS = Path("bench/results")


def paths(template: str) -> str:
    return "|".join(template.format(q=quote(query)) for query in QUERIES)


def run_mix(template: str, clients: int) -> dict:
    env = {"WRK_PATHS": paths(template)}
    wrk("bench/wrk/paths.lua", env, seconds=2, clients=clients)  # warm every worker
    return wrk("bench/wrk/paths.lua", env, seconds=SECONDS, clients=clients)


def found_counts(template: str) -> dict[str, int]:
    """How many products each query finds: the peer's recall beside ours."""
    with httpx.Client(base_url=BASE, timeout=60) as client:
        return {
            query: client.get(template.format(q=quote(query))).json()["total"] for query in QUERIES
        }


def main() -> None:
    load_seconds = load_big_demo(os.environ["COMPTOIR_DATABASE_URL"], stores=STORES, skus=SKUS)
    server = start_server(server_env(QUEUE_URL, COMPTOIR_ROOT_URLCONF="bench.urls"))
    api = "/api/v1/products/search?channel=web&limit=24&q={q}"
    like = "/bench/search-like?q={q}"
    try:
        ours = run_mix(api, LATENCY_CLIENTS)
        peer = run_mix(like, LATENCY_CLIENTS)
        page = run_mix("/?q={q}", LATENCY_CLIENTS)
        suggestions = run_mix("/search/suggestions/?q={q}", LATENCY_CLIENTS)
        ours_16 = run_mix(api, CLIENTS)
        peer_16 = run_mix(like, CLIENTS)
        ours_found, peer_found = found_counts(api), found_counts(like)
    finally:
        server.terminate()
        server.wait(timeout=30)
    result = {
        "benchmark": "search",
        "database": connection.vendor,
        "dataset": {
            "skus": Variant.objects.count(),
            "products": Product.objects.count(),
            "search_documents": ProductSearchDocument.objects.count(),
            "load_seconds": load_seconds,
            "queries": QUERIES,
        },
        "server": "granian wsgi, 2 workers x 8 threads",
        "seconds_per_run": SECONDS,
        "cpu_count": os.cpu_count(),
        "search_p50_ms": ours["p50_ms"],
        "search_p95_ms": ours["p95_ms"],
        "search_like_p50_ms": peer["p50_ms"],
        "search_like_p95_ms": peer["p95_ms"],
        "search_page_p95_ms": page["p95_ms"],
        "suggestions_p95_ms": suggestions["p95_ms"],
        "search_16_clients_per_s": ours_16["per_second"],
        "search_16_clients_p95_ms": ours_16["p95_ms"],
        "search_like_16_clients_per_s": peer_16["per_second"],
        "search_like_16_clients_p95_ms": peer_16["p95_ms"],
        "statuses": {
            "search": ours["statuses"],
            "like": peer["statuses"],
            "page": page["statuses"],
            "suggestions": suggestions["statuses"],
        },
        "found": {"search": ours_found, "like": peer_found},
        "queries_found_by_search": sum(1 for n in ours_found.values() if n),
        "queries_found_by_like": sum(1 for n in peer_found.values() if n),
        "query_count": len(QUERIES),
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "search-postgresql.json").write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
