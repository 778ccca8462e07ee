"""The sourcing engine: the optimum on small cases, the constraints always, the reasons."""

from __future__ import annotations

import random
from collections import Counter
from typing import Any

import pytest
from bench.sourcing import optimal_plan

from comptoir.fulfilment.domain.sourcing import (
    STORE,
    WAREHOUSE,
    CandidateLocation,
    Destination,
    OrderLine,
    SourcingPlan,
    plan_cost,
    resource_after_not_found,
    source_order,
)
from comptoir.fulfilment.domain.sourcing.flow import fill_by_flow

JEAN_HOME = Destination.home(45.7640, 4.8357)  # Lyon


def location(
    location_id: int, kind: str = STORE, km_east: float = 0.0, **fields: Any
) -> CandidateLocation:
    """A location `km_east` kilometres east of Jean's home (one degree ≈ 78 km at Lyon)."""
    return CandidateLocation(
        location_id=location_id,
        name=f"{kind.title()} {location_id}",
        kind=kind,
        latitude=45.7640,
        longitude=4.8357 + km_east / 78,
        **{"available": {}, **fields},
    )


def random_case(rng: random.Random) -> tuple[list[OrderLine], Destination, list[CandidateLocation]]:
    skus = [f"TRAIL-{n}" for n in range(6)]
    candidates = []
    for i in range(1, 13):
        kind = WAREHOUSE if i <= 2 else STORE
        available = {s: rng.randint(1, 4) for s in skus if rng.random() < (0.6 if i <= 2 else 0.35)}
        protected = {s: 1 for s, units in available.items() if kind == STORE and units == 1}
        capacity = rng.choice([None, 20, 5, 3])
        candidates.append(
            CandidateLocation(
                location_id=i,
                name=f"{kind} {i}",
                kind=kind,
                latitude=43 + rng.random() * 6,
                longitude=-1 + rng.random() * 7,
                available=available,
                protected=protected,
                ships_from_store=rng.random() < 0.8,
                workload_units=rng.randint(0, 2),
                capacity_units=capacity,
            )
        )
    lines = [OrderLine(s, rng.randint(1, 3)) for s in rng.sample(skus, rng.randint(1, 5))]
    if rng.random() < 0.3:
        store = candidates[rng.randint(2, 11)]
        destination = Destination.pickup(store.location_id, store.latitude, store.longitude)
    else:
        destination = Destination.home(43 + rng.random() * 6, -1 + rng.random() * 7)
    return lines, destination, candidates


def assert_feasible(
    plan: SourcingPlan, lines: list[OrderLine], candidates: list[CandidateLocation]
) -> None:
    by_id = {c.location_id: c for c in candidates}
    taken: Counter[tuple[str, int]] = Counter()
    per_location: Counter[int] = Counter()
    for a in plan.assignments:
        taken[(a.sku, a.location_id)] += a.quantity
        per_location[a.location_id] += a.quantity
        assert a.protected_units <= by_id[a.location_id].protected_units(a.sku)
        assert a.quantity - a.protected_units <= by_id[a.location_id].free_units(a.sku)
    for (sku, location_id), quantity in taken.items():
        assert quantity <= by_id[location_id].available[sku]
    for location_id, quantity in per_location.items():
        assert quantity <= by_id[location_id].remaining_capacity
    ordered: Counter[str] = Counter()
    for line in lines:
        ordered[line.sku] += line.quantity
    sourced: Counter[str] = Counter()
    for a in plan.assignments:
        sourced[a.sku] += a.quantity
    for line in plan.unsourced:
        sourced[line.sku] += line.quantity
    assert sourced == ordered


@pytest.mark.parametrize("seed", range(40))
def test_engine_finds_the_milp_optimum_on_small_cases(seed: int) -> None:
    lines, destination, candidates = random_case(random.Random(seed))
    plan = source_order(lines, destination, candidates)
    assert_feasible(plan, lines, candidates)
    optimum = optimal_plan(lines, destination, candidates).cost
    unsourced = sum(line.quantity for line in plan.unsourced)
    assert plan.cost + 1e6 * unsourced == pytest.approx(optimum, abs=1e-6)
    assert plan.cost == pytest.approx(plan_cost(plan.assignments, destination, candidates))


def test_one_parcel_from_a_farther_warehouse_beats_two_from_nearby_stores() -> None:
    candidates = [
        location(1, STORE, 2, available={"JACKET-S": 3}),
        location(2, STORE, 3, available={"BOOTS-42": 3}),
        location(3, WAREHOUSE, 300, available={"JACKET-S": 50, "BOOTS-42": 50}),
    ]
    lines = [OrderLine("JACKET-S", 1), OrderLine("BOOTS-42", 1)]
    plan = source_order(lines, JEAN_HOME, candidates)
    assert plan.location_ids == (3,)
    assert plan.splits == 0
    assert "single parcel" in " ".join(plan.explanation)


def test_a_store_keeps_its_last_unit_while_another_location_has_the_item() -> None:
    candidates = [
        location(1, STORE, 1, available={"JACKET-S": 1}, protected={"JACKET-S": 1}),
        location(2, WAREHOUSE, 400, available={"JACKET-S": 9}),
    ]
    plan = source_order([OrderLine("JACKET-S", 1)], JEAN_HOME, candidates)
    assert plan.location_ids == (2,)
    assert any("walk-in" in reason for reason in plan.explanation)


def test_protected_units_are_used_when_nothing_else_exists() -> None:
    candidates = [
        location(1, STORE, 1, available={"JACKET-S": 1}, protected={"JACKET-S": 1}),
        location(2, WAREHOUSE, 400, available={"JACKET-S": 1}),
    ]
    plan = source_order([OrderLine("JACKET-S", 2)], JEAN_HOME, candidates)
    assert sorted((a.location_id, a.quantity, a.protected_units) for a in plan.assignments) == [
        (1, 1, 1),
        (2, 1, 0),
    ]
    assert plan.unsourced == ()


def test_capacity_and_ship_from_store_are_respected() -> None:
    candidates = [
        location(1, STORE, 1, available={"JACKET-S": 5}, workload_units=40, capacity_units=40),
        location(2, STORE, 2, available={"JACKET-S": 5}, ships_from_store=False),
        location(3, STORE, 90, available={"JACKET-S": 5}, workload_units=8, capacity_units=10),
        location(4, WAREHOUSE, 500, available={"JACKET-S": 1}),
    ]
    plan = source_order([OrderLine("JACKET-S", 4)], JEAN_HOME, candidates)
    assert sorted((a.location_id, a.quantity) for a in plan.assignments) == [(3, 2), (4, 1)]
    assert plan.unsourced == (OrderLine("JACKET-S", 1),)
    reasons = " ".join(plan.explanation)
    assert "at capacity" in reasons
    assert "does not ship from store" in reasons


def test_click_and_collect_takes_the_pickup_store_shelf_first() -> None:
    pickup = location(7, STORE, 20, available={"JACKET-S": 2}, ships_from_store=False)
    candidates = [pickup, location(2, WAREHOUSE, 0, available={"JACKET-S": 9})]
    destination = Destination.pickup(7, pickup.latitude, pickup.longitude)
    plan = source_order([OrderLine("JACKET-S", 1)], destination, candidates)
    assert plan.location_ids == (7,)
    assert plan.cost == pytest.approx(0.8)  # store picking only: no parcel


def test_a_full_carrier_collection_keeps_a_store_from_shipping_but_not_from_its_own_counter():
    # Its next collection is full (capacity per cut-off): no parcel from it, but the units a
    # shopper collects at its counter leave with no carrier.
    full = location(7, STORE, 20, available={"JACKET-S": 2}, collection_units=5, collection_limit=5)
    warehouse = location(2, WAREHOUSE, 0, available={"JACKET-S": 9})
    pickup = Destination.pickup(7, full.latitude, full.longitude)

    assert source_order([OrderLine("JACKET-S", 1)], pickup, [full, warehouse]).location_ids == (7,)
    home = source_order([OrderLine("JACKET-S", 1)], JEAN_HOME, [full, warehouse])
    assert home.location_ids == (2,)


def test_a_line_not_found_on_the_shelf_is_sourced_again_elsewhere() -> None:
    candidates = [
        location(1, STORE, 1, available={"JACKET-S": 2, "BOOTS-42": 1}),
        location(2, STORE, 5, available={"JACKET-S": 4}),
        location(3, WAREHOUSE, 300, available={"JACKET-S": 4, "BOOTS-42": 4}),
    ]
    lines = [OrderLine("JACKET-S", 1), OrderLine("BOOTS-42", 1)]
    plan = source_order(lines, JEAN_HOME, candidates)
    assert plan.location_ids == (1,)
    again = resource_after_not_found(
        plan, sku="JACKET-S", location_id=1, destination=JEAN_HOME, candidates=candidates
    )
    assert sorted((a.sku, a.location_id, a.quantity) for a in again.assignments) == [
        ("BOOTS-42", 1, 1),
        ("JACKET-S", 2, 1),
    ]
    assert ("JACKET-S", 1) in again.excluded
    assert "not found on the shelf at Store 1" in again.explanation[-1]
    # Not found there either: never back to store 1 nor store 2 for that SKU.
    third = resource_after_not_found(
        again, sku="JACKET-S", location_id=2, destination=JEAN_HOME, candidates=candidates
    )
    assert ("JACKET-S", 3, 1) in {(a.sku, a.location_id, a.quantity) for a in third.assignments}


def test_the_same_input_gives_the_same_plan() -> None:
    lines, destination, candidates = random_case(random.Random(7))
    first = source_order(lines, destination, candidates)
    assert source_order(lines, destination, list(reversed(candidates))) == first


def test_a_line_not_found_is_sourced_again_from_the_holders_of_that_sku_alone() -> None:
    pickup = location(7, STORE, 0, available={"JACKET-S": 1, "BOOTS-42": 1})
    destination = Destination.pickup(7, pickup.latitude, pickup.longitude)
    lines = [OrderLine("JACKET-S", 1), OrderLine("BOOTS-42", 1)]
    plan = source_order(lines, destination, [pickup])
    assert plan.location_ids == (7,)
    assert "pickup store's own shelves" in plan.explanation[0]
    # The fulfilment service passes only the locations that hold the missing SKU now.
    holders = [location(3, WAREHOUSE, 120, available={"JACKET-S": 5})]
    again = resource_after_not_found(
        plan, sku="JACKET-S", location_id=7, destination=destination, candidates=holders
    )
    assert sorted((a.sku, a.location_id) for a in again.assignments) == [
        ("BOOTS-42", 7),
        ("JACKET-S", 3),
    ]
    assert again.cost > plan.cost
    assert "sourced again from Warehouse 3 (×1)" in again.explanation[-1]


def test_a_line_nobody_else_holds_is_left_unsourced_after_a_not_found() -> None:
    candidates = [location(1, STORE, 1, available={"JACKET-S": 1})]
    plan = source_order([OrderLine("JACKET-S", 1)], JEAN_HOME, candidates)
    again = resource_after_not_found(
        plan, sku="JACKET-S", location_id=1, destination=JEAN_HOME, candidates=candidates
    )
    assert again.assignments == ()
    assert again.unsourced == (OrderLine("JACKET-S", 1),)
    assert "no other location can supply it" in again.explanation[-1]


def test_shared_capacity_goes_to_the_line_only_that_location_can_serve() -> None:
    # Location 1 picks 2 units a day and is the cheapest for both SKUs; only it holds BOOTS.
    # Cheapest-first would spend its capacity on JACKET and leave a boot short.
    fill = fill_by_flow(
        need={"BOOTS-42": 2, "JACKET-S": 1},
        location_ids=[1, 2],
        unit_cost={1: 0.3, 2: 0.8},
        free={1: {"BOOTS-42": 2, "JACKET-S": 5}, 2: {"JACKET-S": 5}},
        protected={1: {}, 2: {}},
        capacity={1: 2, 2: float("inf")},
        protected_penalty=1000.0,
    )
    assert fill.units == {("BOOTS-42", 1): (2, 0), ("JACKET-S", 2): (1, 0)}
    assert fill.short == {}
    assert fill.cost == pytest.approx(2 * 0.3 + 0.8)


def test_an_empty_or_unknown_order_gives_an_empty_plan() -> None:
    candidates = [location(1, STORE, 1, available={"JACKET-S": 1})]
    assert source_order([], JEAN_HOME, candidates).assignments == ()
    plan = source_order([OrderLine("NOT-SOLD-HERE", 2)], JEAN_HOME, candidates)
    assert plan.assignments == ()
    assert plan.unsourced == (OrderLine("NOT-SOLD-HERE", 2),)
    assert plan.cost == 0


def test_of_equal_plans_the_one_from_the_lower_location_ids_is_chosen() -> None:
    # Each store can pick one unit more today, so none can stand in for another entirely.
    stores = [
        location(i, km_east=12, available={sku: 1}, capacity_units=5, workload_units=4)
        for i, sku in (
            (8, "BOOTS-42"),
            (7, "JACKET-TRAIL-S"),
            (4, "BOOTS-42"),
            (3, "JACKET-TRAIL-S"),
        )
    ]
    plan = source_order(
        [OrderLine("JACKET-TRAIL-S", 1), OrderLine("BOOTS-42", 1)], JEAN_HOME, stores
    )
    assert plan.location_ids == (3, 4)
