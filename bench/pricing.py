"""Benchmark: the pricing engine on 50-line baskets under 200 active promotions.

500 seeded baskets of 50 lines from a catalogue of 5,000 SKUs, priced under 200 promotions
that all apply to the shopper's context (every kind of rule; scoped by SKU, product, category,
brand or the whole basket; three stacking groups and exclusive ones). Each basket is priced by
the engine (comptoir.pricing.domain.price_basket, rules indexed once in a RuleBook) and by the
naive evaluation of every rule on every line (price_basket_naive), in the same run; both must
give the same result. Pure Python, no database: `python bench/pricing.py` writes
bench/results/pricing.json.
"""

from __future__ import annotations

import json
import math
import random
import statistics
import sys
import time
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path

from comptoir.pricing.domain import (
    EXCLUSIVE,
    AmountOff,
    BasketLine,
    BundlePrice,
    BuyXGetY,
    FixedPrice,
    FreeDelivery,
    PercentOff,
    PricedBasket,
    PricingContext,
    Promotion,
    RuleBook,
    Scope,
    Targeting,
    TieredSpend,
    price_basket,
    price_basket_naive,
)

SEED = 20261207
BASKETS = 500
LINES = 50
PROMOTIONS = 200
SKUS = 5000
PRODUCTS = 1500
CATEGORIES = 60
BRANDS = 80
TIMING_RUNS = 3
TODAY = date(2026, 12, 7)
RESULTS = Path("bench/results")
STORE = "LYON-PART-DIEU"


def cents(rng: random.Random, low: int, high: int) -> Decimal:
    return Decimal(rng.randint(low, high)) / 100


def make_catalogue(rng: random.Random) -> list[tuple[str, str, str, str, Decimal]]:
    catalogue = []
    for n in range(SKUS):
        product = n % PRODUCTS
        catalogue.append(
            (
                f"SKU-{n:05d}",
                f"P-{product:04d}",
                f"C-{product % CATEGORIES:02d}",
                f"B-{product % BRANDS:02d}",
                cents(rng, 199, 24_900),
            )
        )
    return catalogue


def make_promotions(rng: random.Random, catalogue: list) -> list[Promotion]:
    promotions = []
    for n in range(PROMOTIONS):
        roll = rng.random()
        if roll < 0.45:
            scope = Scope(
                skus=frozenset(rng.choice(catalogue)[0] for _ in range(rng.randint(1, 8)))
            )
        elif roll < 0.70:
            scope = Scope(products=frozenset(f"P-{rng.randrange(PRODUCTS):04d}" for _ in range(3)))
        elif roll < 0.88:
            scope = Scope(categories=frozenset({f"C-{rng.randrange(CATEGORIES):02d}"}))
        elif roll < 0.97:
            scope = Scope(brands=frozenset({f"B-{rng.randrange(BRANDS):02d}"}))
        else:
            scope = Scope()
        kind = rng.random()
        if kind < 0.35:
            offer = PercentOff(Decimal(rng.choice([5, 10, 15, 20, 30])))
        elif kind < 0.55:
            offer = AmountOff(cents(rng, 100, 2000))
        elif kind < 0.65:
            offer = FixedPrice(cents(rng, 500, 5000))
        elif kind < 0.78:
            offer = BuyXGetY(rng.randint(1, 3), 1)
        elif kind < 0.86:
            components = tuple(
                (rng.choice(catalogue)[0], rng.randint(1, 2)) for _ in range(rng.randint(2, 3))
            )
            offer = BundlePrice(components, cents(rng, 1000, 20_000))
            scope = Scope()
        elif kind < 0.96:
            offer = TieredSpend(((Decimal(100), Decimal(10)), (Decimal(300), Decimal(40))))
        else:
            offer = FreeDelivery(Decimal(rng.choice([0, 50, 100])))
        promotions.append(
            Promotion(
                id=f"PROMO-{n:03d}",
                offer=offer,
                scope=scope,
                targeting=Targeting(
                    channels=frozenset({"web", "till"}),
                    radius_stores=frozenset({STORE, "VILLEURBANNE"}) if n % 4 == 0 else None,
                    while_local_stock_lasts=n % 5 == 0,
                ),
                starts=date(2026, 12, 1),
                ends=date(2026, 12, 31),
                priority=rng.randint(0, 5),
                stacking=rng.choice([EXCLUSIVE, "winter", "club", "clearance"]),
                per_customer_cap=rng.choice([None, 3]),
                budget_remaining=rng.choice([None, Decimal(50), Decimal(10_000)]),
            )
        )
    return promotions


def make_baskets(
    rng: random.Random, catalogue: list
) -> list[tuple[list[BasketLine], PricingContext]]:
    baskets = []
    for _ in range(BASKETS):
        chosen = rng.sample(catalogue, LINES)
        lines = [
            BasketLine(sku, product, category, brand, rng.randint(1, 4), price)
            for sku, product, category, brand, price in chosen
        ]
        context = PricingContext(
            channel=rng.choice(["web", "till"]),
            today=TODAY,
            store_id=STORE,
            local_stock={line.sku: rng.randint(0, 5) for line in lines},
            delivery_fee=Decimal("4.90"),
        )
        baskets.append((lines, context))
    return baskets


def _timed(price: Callable[[], PricedBasket]) -> tuple[PricedBasket, float, float]:
    """The result, and the best of TIMING_RUNS wall and CPU times in ms (as timeit does)."""
    wall, cpu = math.inf, math.inf
    for _ in range(TIMING_RUNS):
        started, cpu_started = time.perf_counter(), time.process_time()
        result = price()
        wall = min(wall, time.perf_counter() - started)
        cpu = min(cpu, time.process_time() - cpu_started)
    return result, wall * 1000, cpu * 1000


def _p99(values: list[float]) -> float:
    ordered = sorted(values)
    return round(ordered[math.ceil(0.99 * len(ordered)) - 1], 3)


def main() -> dict[str, object]:
    rng = random.Random(SEED)
    catalogue = make_catalogue(rng)
    promotions = make_promotions(rng, catalogue)
    baskets = make_baskets(rng, catalogue)
    started = time.perf_counter()
    book = RuleBook(promotions)
    book_ms = (time.perf_counter() - started) * 1000
    engine_ms, engine_cpu_ms, naive_ms, naive_cpu_ms = [], [], [], []
    rules_per_basket, discounts = [], []
    for lines, context in baskets:
        result, wall, cpu = _timed(lambda: price_basket(book, lines, context))  # noqa: B023
        naive, naive_wall, naive_cpu = _timed(
            lambda: price_basket_naive(promotions, lines, context)  # noqa: B023
        )
        if naive != result:
            raise AssertionError("the index changed a basket's price")
        engine_ms.append(wall)
        engine_cpu_ms.append(cpu)
        naive_ms.append(naive_wall)
        naive_cpu_ms.append(naive_cpu)
        rules_per_basket.append(len(result.rule_totals))
        discounts.append(float(result.subtotal - result.total + result.delivery_fee))
    result = {
        "baskets": BASKETS,
        "lines": LINES,
        "promotions": PROMOTIONS,
        "skus": SKUS,
        "seed": SEED,
        "rules_applied_per_basket_mean": round(statistics.fmean(rules_per_basket), 2),
        "discount_per_basket_mean_eur": round(statistics.fmean(discounts), 2),
        "rule_book_build_ms": round(book_ms, 3),
        "pricing_timing": f"best of {TIMING_RUNS} runs a basket",
        "pricing_p50_ms": round(statistics.median(engine_ms), 3),
        "pricing_p99_ms": _p99(engine_ms),
        "pricing_p99_cpu_ms": _p99(engine_cpu_ms),
        "naive_pricing_p50_ms": round(statistics.median(naive_ms), 3),
        "naive_pricing_p99_ms": _p99(naive_ms),
        "naive_pricing_p99_cpu_ms": _p99(naive_cpu_ms),
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "pricing.json").write_text(json.dumps(result, indent=2) + "\n")
    return result


if __name__ == "__main__":
    json.dump(main(), sys.stdout, indent=2)
    print()
