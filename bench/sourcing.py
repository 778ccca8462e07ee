"""Benchmark: sourcing quality against the exact optimum, and against the peers' simple rules.

1,000 seeded orders of 1-8 lines over 200 locations (stores and warehouses around France).
Each order is sourced by the engine (comptoir.fulfilment.domain.sourcing), solved exactly by a
MILP of the same cost model through HiGHS, and sourced by the two rules common peers use
(locations by fixed priority; the location with the highest stock), each line on its own.
Then five harder families (HARD_FAMILIES: sparse store stock, tight capacities, 500 stores ×
5 and × 8 lines, 40 locations × 6 lines), each against the MILP: mean and worst ratio, p99.
Pure Python, no database: `python bench/sourcing.py` writes bench/results/sourcing.json.
"""

from __future__ import annotations

import json
import math
import random
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from comptoir.fulfilment.domain.sourcing import (
    DEFAULT_COSTS,
    STORE,
    WAREHOUSE,
    Assignment,
    CandidateLocation,
    CostModel,
    Destination,
    OrderLine,
    SourcingPlan,
    ineligibility,
    location_terms,
    plan_cost,
    source_order,
)
from comptoir.fulfilment.domain.sourcing.milp import MilpLocation, MilpOptimum, solve_sourcing_milp

SEED = 20261125
ORDERS = 1000
LOCATIONS = 200
WAREHOUSES = 12
SKUS = 600
RESULTS = Path("bench/results")
TIMING_RUNS = 3
# Cost of a unit nobody supplies, in both the engine's and the MILP's figures: it keeps the MILP
# feasible whatever the stock and capacities (any other cost of an order is far below it).
UNSOURCED_UNIT_COST = 1e6

CITIES = [  # (latitude, longitude, weight ~ population)
    (48.857, 2.352, 12), (45.764, 4.836, 5), (43.296, 5.370, 5), (43.605, 1.444, 4),
    (43.710, 7.262, 3), (47.218, -1.554, 3), (48.573, 7.752, 3), (43.611, 3.877, 3),
    (44.838, -0.579, 3), (50.629, 3.057, 4), (48.117, -1.678, 2), (49.258, 4.032, 1),
    (45.188, 5.724, 2), (47.322, 5.041, 1), (47.394, 0.685, 1), (45.778, 3.087, 1),
    (49.443, 1.099, 2), (43.125, 5.931, 1), (47.478, -0.563, 1), (49.894, 2.296, 1),
    (46.580, 0.340, 1), (48.692, 6.184, 1), (43.300, -0.370, 1), (42.699, 2.895, 1),
]  # fmt: skip


def _near(rng: random.Random, spread: float) -> tuple[float, float]:
    lat, lon, _ = rng.choices(CITIES, weights=[c[2] for c in CITIES])[0]
    return round(lat + rng.uniform(-spread, spread), 5), round(
        lon + rng.uniform(-spread, spread), 5
    )


def make_locations(rng: random.Random) -> list[CandidateLocation]:
    """Warehouses hold most of the range; stores a tenth of it, some only their last units."""
    locations = []
    for i in range(1, LOCATIONS + 1):
        is_warehouse = i <= WAREHOUSES
        available: dict[str, int] = {}
        protected: dict[str, int] = {}
        for s in range(SKUS):
            sku = f"SKU-{s:04d}"
            popular = s < SKUS // 5
            if is_warehouse and rng.random() < 0.55:
                available[sku] = rng.randint(1, 120)
            elif not is_warehouse and rng.random() < (0.3 if popular else 0.08):
                units = rng.randint(1, 6)
                available[sku] = units
                if units <= 2:  # the store keeps its last unit for walk-in customers
                    protected[sku] = 1
        capacity = rng.randint(1500, 4000) if is_warehouse else rng.randint(30, 120)
        workload = int(capacity * rng.choice([0.1, 0.3, 0.5, 0.7, 0.9, 1.0]) * rng.random())
        lat, lon = _near(rng, 0.25 if is_warehouse else 0.15)
        locations.append(
            CandidateLocation(
                location_id=i,
                name=f"{'Warehouse' if is_warehouse else 'Store'} {i}",
                kind=WAREHOUSE if is_warehouse else STORE,
                latitude=lat,
                longitude=lon,
                available=available,
                protected=protected,
                ships_from_store=is_warehouse or rng.random() < 0.75,
                workload_units=workload,
                capacity_units=capacity,
            )
        )
    return locations


def make_orders(
    rng: random.Random, locations: Sequence[CandidateLocation]
) -> list[tuple[list[OrderLine], Destination]]:
    """1-8 lines, popular SKUs more often; one order in five collected in a store."""
    weights = [1 / (rank + 1) ** 0.8 for rank in range(SKUS)]
    stores = [c for c in locations if c.kind == STORE]
    orders = []
    for _ in range(ORDERS):
        count = rng.randint(1, 8)
        skus: list[int] = []
        while len(skus) < count:
            s = rng.choices(range(SKUS), weights=weights)[0]
            if s not in skus:
                skus.append(s)
        lines = [
            OrderLine(f"SKU-{s:04d}", rng.choices([1, 2, 3], weights=[7, 2, 1])[0]) for s in skus
        ]
        if rng.random() < 0.2:
            store = rng.choice(stores)
            destination = Destination.pickup(store.location_id, store.latitude, store.longitude)
        else:
            destination = Destination.home(*_near(rng, 0.3))
        orders.append((lines, destination))
    return orders


# --- the exact optimum ------------------------------------------------------------------------


def optimal_cost(
    lines: Sequence[OrderLine],
    destination: Destination,
    candidates: Sequence[CandidateLocation],
    costs: CostModel = DEFAULT_COSTS,
) -> float:
    """The optimum's cost (see optimal_plan)."""
    return optimal_plan(lines, destination, candidates, costs).cost


def optimal_plan(
    lines: Sequence[OrderLine],
    destination: Destination,
    candidates: Sequence[CandidateLocation],
    costs: CostModel = DEFAULT_COSTS,
) -> MilpOptimum:
    """The optimum of the engine's cost model over every eligible location, by the MILP the
    engine itself hands hard orders to (no pruning: it checks the engine's). Its cost counts
    the first parcel without the extra-parcel penalty, as the engine's plans do."""
    need: dict[str, int] = {}
    for line in lines:
        need[line.sku] = need.get(line.sku, 0) + line.quantity
    locations = []
    for c in candidates:
        if ineligibility(c, destination) is not None:
            continue
        terms = location_terms(c, destination, costs)
        locations.append(
            MilpLocation(
                c.location_id,
                terms.fixed,
                terms.per_unit,
                {s: c.free_units(s) for s in need if c.free_units(s)},
                {s: c.protected_units(s) for s in need if c.protected_units(s)},
                c.remaining_capacity,
            )
        )
    optimum = solve_sourcing_milp(
        need,
        locations,
        protected_penalty=costs.protected_unit_penalty,
        unsourced_unit_cost=UNSOURCED_UNIT_COST,
    )
    assert optimum is not None  # no cutoff: always an optimum
    first_parcel = costs.extra_parcel_penalty if optimum.location_ids else 0.0
    return replace(optimum, cost=optimum.cost - first_parcel)


# --- the peers' rules, line by line -----------------------------------------------------------


def _peer_plan(
    lines: Sequence[OrderLine],
    destination: Destination,
    candidates: Sequence[CandidateLocation],
    rank: Callable[[CandidateLocation, str], tuple[int, int]],
) -> tuple[list[Assignment], int]:
    eligible = [c for c in candidates if ineligibility(c, destination) is None]
    remaining = {c.location_id: c.remaining_capacity for c in eligible}
    taken: dict[tuple[str, int], int] = {}
    assignments, missing = [], 0
    for line in lines:
        left = line.quantity
        for c in sorted(eligible, key=lambda c: rank(c, line.sku)):
            if left == 0:
                break
            already = taken.get((line.sku, c.location_id), 0)
            take = int(min(left, c.available.get(line.sku, 0) - already, remaining[c.location_id]))
            if take <= 0:
                continue
            # Peers take units as they come; the free ones first, the protected after.
            protected = max(0, already + take - c.free_units(line.sku)) - max(
                0, already - c.free_units(line.sku)
            )
            assignments.append(Assignment(line.sku, take, c.location_id, protected))
            taken[(line.sku, c.location_id)] = already + take
            remaining[c.location_id] -= take
            left -= take
        missing += left
    return assignments, missing


def fixed_priority(location: CandidateLocation, sku: str) -> tuple[int, int]:
    """Warehouses first, then stores, each in the order the retailer configured (here: id)."""
    return (0 if location.kind == WAREHOUSE else 1, location.location_id)


def highest_stock(location: CandidateLocation, sku: str) -> tuple[int, int]:
    return (-location.available.get(sku, 0), location.location_id)


# --- the hard families ------------------------------------------------------------------------


@dataclass(frozen=True)
class Family:
    """A network and its orders, harder than the current one in one named way."""

    name: str
    title: str
    orders: int
    stores: int
    warehouses: int
    lines: tuple[int, int]  # lines an order, from-to
    store_share: float = 0.10  # share of the SKUs each store holds
    store_units: tuple[int, int] = (1, 3)
    warehouse_share: float = 0.25
    store_room: tuple[int, int] | None = None  # remaining capacity of a store, from-to
    warehouse_room: tuple[int, int] | None = None


HARD_FAMILIES = (
    Family("sparse", "sparse store stock", 250, 188, 12, (3, 8), warehouse_share=0.15),
    Family("tight", "tight capacities", 250, 188, 12, (3, 8), 0.2, (1, 4), 0.3, (2, 4), (4, 12)),
    Family("500x5", "500 stores × 5 lines", 200, 500, 12, (5, 5)),
    Family("500x8", "500 stores × 8 lines", 200, 500, 12, (8, 8)),
    Family("40x6", "40 locations × 6 lines", 300, 36, 4, (6, 6), 0.2, (1, 3), 0.3, (3, 10)),
)


def make_family(
    family: Family, rng: random.Random
) -> tuple[list[CandidateLocation], list[tuple[list[OrderLine], Destination]]]:
    """The family's network (stores keep their last unit when they hold one or two) and orders."""
    locations = []
    for i in range(1, family.warehouses + family.stores + 1):
        is_warehouse = i <= family.warehouses
        available: dict[str, int] = {}
        protected: dict[str, int] = {}
        for s in range(SKUS):
            sku = f"SKU-{s:04d}"
            if is_warehouse and rng.random() < family.warehouse_share:
                available[sku] = rng.randint(1, 60)
            elif not is_warehouse and rng.random() < family.store_share:
                available[sku] = rng.randint(*family.store_units)
                if available[sku] <= 2 and rng.random() < 0.5:
                    protected[sku] = 1
        room = family.warehouse_room if is_warehouse else family.store_room
        capacity = rng.randint(1500, 4000) if is_warehouse else rng.randint(30, 120)
        if room:
            workload = capacity - rng.randint(*room)
        else:
            workload = int(capacity * rng.choice([0.1, 0.3, 0.5, 0.7, 0.9]) * rng.random())
        lat, lon = _near(rng, 0.25 if is_warehouse else 0.15)
        locations.append(
            CandidateLocation(
                location_id=i,
                name=f"{'Warehouse' if is_warehouse else 'Store'} {i}",
                kind=WAREHOUSE if is_warehouse else STORE,
                latitude=lat,
                longitude=lon,
                available=available,
                protected=protected,
                ships_from_store=is_warehouse or rng.random() < 0.85,
                workload_units=workload,
                capacity_units=capacity,
            )
        )
    weights = [1 / (rank + 1) ** 0.8 for rank in range(SKUS)]
    stores = [c for c in locations if c.kind == STORE]
    orders = []
    for _ in range(family.orders):
        count = rng.randint(*family.lines)
        skus: set[int] = set()
        while len(skus) < count:
            skus.add(rng.choices(range(SKUS), weights=weights)[0])
        lines = [
            OrderLine(f"SKU-{s:04d}", rng.choices([1, 2, 3], weights=[6, 3, 1])[0])
            for s in sorted(skus)
        ]
        if rng.random() < 0.15:
            store = rng.choice(stores)
            destination = Destination.pickup(store.location_id, store.latitude, store.longitude)
        else:
            destination = Destination.home(*_near(rng, 0.3))
        orders.append((lines, destination))
    return locations, orders


# --- the run ----------------------------------------------------------------------------------


def _timed(
    lines: Sequence[OrderLine], destination: Destination, locations: Sequence[CandidateLocation]
) -> tuple[SourcingPlan, float, float]:
    """The plan, and the best of TIMING_RUNS wall and CPU times in ms, as timeit does: the
    engine's own time, not the time another process on a shared machine held the core."""
    wall, cpu = math.inf, math.inf
    for _ in range(TIMING_RUNS):
        started, cpu_started = time.perf_counter(), time.process_time()
        plan = source_order(lines, destination, locations)
        wall = min(wall, time.perf_counter() - started)
        cpu = min(cpu, time.process_time() - cpu_started)
    return plan, wall * 1000, cpu * 1000


def _ratio(plan: SourcingPlan, optimum: MilpOptimum) -> float:
    """The engine's cost over the optimum's, units nobody supplies left out of both (the
    engine leaving more units unsourced than the optimum shows as a huge ratio)."""
    unsourced = sum(line.quantity for line in plan.unsourced)
    excess = UNSOURCED_UNIT_COST * (unsourced - optimum.unsourced_units)
    sourced_optimum = optimum.cost - UNSOURCED_UNIT_COST * optimum.unsourced_units
    if abs(sourced_optimum) < 1e-9:  # nothing can be sourced at all
        return 1.0 + plan.cost + excess
    return (plan.cost + excess) / sourced_optimum


def _p99(values: list[float]) -> float:
    ordered = sorted(values)
    return round(ordered[math.ceil(0.99 * len(ordered)) - 1], 3)


def measure_family(family: Family) -> dict[str, object]:
    """The engine against the MILP on one hard family: mean and worst ratio, p99 time."""
    locations, orders = make_family(family, random.Random(f"{SEED}-{family.name}"))
    ratios, wall_ms, cpu_ms, milp_ms = [], [], [], []
    for lines, destination in orders:
        plan, wall, cpu = _timed(lines, destination, locations)
        wall_ms.append(wall)
        cpu_ms.append(cpu)
        started = time.perf_counter()
        optimum = optimal_plan(lines, destination, locations)
        milp_ms.append((time.perf_counter() - started) * 1000)
        ratios.append(_ratio(plan, optimum))
    return {
        "title": family.title,
        "orders": family.orders,
        "locations": family.stores + family.warehouses,
        "warehouses": family.warehouses,
        "lines": list(family.lines),
        "ratio_mean": round(statistics.fmean(ratios), 4),
        "ratio_worst": round(max(ratios), 4),
        "at_optimum_share": round(sum(1 for r in ratios if r <= 1 + 1e-6) / len(ratios), 4),
        "p99_ms": _p99(wall_ms),
        "p99_cpu_ms": _p99(cpu_ms),
        "max_ms": round(max(wall_ms), 3),
        "milp_mean_ms": round(statistics.fmean(milp_ms), 3),
    }


def _splits(assignments: Sequence[Assignment]) -> int:
    return max(0, len({a.location_id for a in assignments}) - 1)


def main() -> dict[str, object]:
    rng = random.Random(SEED)
    locations = make_locations(rng)
    orders = make_orders(rng, locations)
    ratios, splits, engine_ms, engine_cpu_ms, milp_ms = [], [], [], [], []
    peer_splits: dict[str, list[int]] = {"fixed_priority": [], "highest_stock": []}
    peer_ratios: dict[str, list[float]] = {"fixed_priority": [], "highest_stock": []}
    protected_used = {"engine": 0, "fixed_priority": 0, "highest_stock": 0}
    plans = []
    for lines, destination in orders:
        plan, wall, cpu = _timed(lines, destination, locations)
        engine_ms.append(wall)
        engine_cpu_ms.append(cpu)
        plans.append(plan)
    for (lines, destination), plan in zip(orders, plans, strict=True):
        started = time.perf_counter()
        optimum = optimal_plan(lines, destination, locations)
        milp_ms.append((time.perf_counter() - started) * 1000)
        ratios.append(_ratio(plan, optimum))
        splits.append(plan.splits)
        protected_used["engine"] += sum(a.protected_units for a in plan.assignments)
        for name, rank in (("fixed_priority", fixed_priority), ("highest_stock", highest_stock)):
            assignments, missing = _peer_plan(lines, destination, locations, rank)
            cost = plan_cost(assignments, destination, locations) + UNSOURCED_UNIT_COST * missing
            peer_ratios[name].append(cost / optimum.cost)
            peer_splits[name].append(_splits(assignments))
            protected_used[name] += sum(a.protected_units for a in assignments)
    families = {
        "current": {
            "title": "the current family",
            "orders": ORDERS,
            "locations": LOCATIONS,
            "warehouses": WAREHOUSES,
            "lines": [1, 8],
            "ratio_mean": round(statistics.fmean(ratios), 4),
            "ratio_worst": round(max(ratios), 4),
            "at_optimum_share": round(sum(1 for r in ratios if r <= 1 + 1e-6) / len(ratios), 4),
            "p99_ms": _p99(engine_ms),
            "p99_cpu_ms": _p99(engine_cpu_ms),
            "max_ms": round(max(engine_ms), 3),
            "milp_mean_ms": round(statistics.fmean(milp_ms), 3),
        }
    }
    for family in HARD_FAMILIES:
        families[family.name] = measure_family(family)
        print(family.name, families[family.name], file=sys.stderr)
    peer_split_means = {name: statistics.fmean(v) for name, v in peer_splits.items()}
    result = {
        "orders": ORDERS,
        "locations": LOCATIONS,
        "warehouses": WAREHOUSES,
        "skus": SKUS,
        "seed": SEED,
        "sourcing_cost_ratio_vs_optimal_mean": families["current"]["ratio_mean"],
        "sourcing_cost_ratio_vs_optimal_worst": families["current"]["ratio_worst"],
        "sourcing_orders_at_optimum_share": families["current"]["at_optimum_share"],
        "sourcing_splits_per_order": round(statistics.fmean(splits), 4),
        # The better (fewer splits) of the two peer rules, so the comparison is not flattered.
        "peer_sourcing_splits_per_order": round(min(peer_split_means.values()), 4),
        "peer_splits_per_order": {k: round(v, 4) for k, v in peer_split_means.items()},
        "peer_cost_ratio_vs_optimal_mean": {
            k: round(statistics.fmean(v), 4) for k, v in peer_ratios.items()
        },
        "protected_units_used": protected_used,
        "sourcing_p50_ms": round(sorted(engine_ms)[len(engine_ms) // 2], 3),
        "sourcing_p99_ms": families["current"]["p99_ms"],
        # CPU time of this process alone: what the engine costs when the machine is shared.
        "sourcing_timing": f"best of {TIMING_RUNS} runs an order",
        "sourcing_p99_cpu_ms": families["current"]["p99_cpu_ms"],
        "milp_mean_ms": families["current"]["milp_mean_ms"],
        # Every family, the current one included: the worst of them is held to the target.
        "families": families,
        "sourcing_families_ratio_worst": max(f["ratio_worst"] for f in families.values()),
        "sourcing_families_p99_ms": max(f["p99_ms"] for f in families.values()),
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "sourcing.json").write_text(json.dumps(result, indent=2) + "\n")
    return result


if __name__ == "__main__":
    json.dump(main(), sys.stdout, indent=2)
    print()
