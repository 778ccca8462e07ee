"""The entry points: source an order, source a line again after a not-found, price a plan."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import replace

from .explanation import explain
from .model import (
    DEFAULT_COSTS,
    Assignment,
    CandidateLocation,
    CostModel,
    Destination,
    OrderLine,
    SourcingPlan,
    ineligibility,
    location_terms,
)
from .search import Allocation, Problem


def source_order(
    lines: Sequence[OrderLine],
    destination: Destination,
    candidates: Iterable[CandidateLocation],
    *,
    costs: CostModel = DEFAULT_COSTS,
    excluded: Collection[tuple[str, int]] = (),
    open_location_ids: Collection[int] = (),
) -> SourcingPlan:
    """Assign every line (split if needed) to locations at the lowest cost found.

    Guarantees: never more units from a location than it has available for that SKU, nor more
    than its remaining capacity; protected units only for what other units cannot supply;
    `excluded` (sku, location) pairs are never used; deterministic for the same input (ties go
    to the lower location id). `open_location_ids` already send a parcel for this order (when
    re-sourcing), so using them costs no extra parcel. What nobody can supply is `unsourced`.
    """
    need = _merge(lines)
    excluded_pairs = frozenset(excluded)
    eligible, reasons = _eligible(candidates, destination, need)
    problem = Problem(need, eligible, destination, costs, excluded_pairs, open_location_ids)
    need, unsourced = problem.need, problem.unsourced
    best = problem.search() if need else Allocation(0.0, (), {})
    assignments = best.assignments
    if best.short:  # capacity, not stock, ran out
        unsourced = _merge_unsourced(
            unsourced + tuple(OrderLine(s, q) for s, q in best.short.items())
        )
    cost = best.cost - (costs.extra_parcel_penalty if assignments and not open_location_ids else 0)
    explanation = explain(unsourced, assignments, reasons, problem)
    return SourcingPlan(
        assignments=assignments,
        unsourced=unsourced,
        cost=round(cost, 6),
        explanation=tuple(explanation),
        excluded=excluded_pairs,
    )


def resource_after_not_found(
    plan: SourcingPlan,
    *,
    sku: str,
    location_id: int,
    destination: Destination,
    candidates: Iterable[CandidateLocation],
    costs: CostModel = DEFAULT_COSTS,
) -> SourcingPlan:
    """The plan once `sku` was reported not found on the shelf at `location_id`.

    The units assigned there are sourced again, never from that location for that SKU (nor from
    any pair excluded before); every other assignment stays as it is, and the locations still
    sending a parcel cost no extra parcel. `candidates` is stock as it stands now (the holders
    of `sku` are enough; with every location of the plan, the new cost is exact).
    """
    missing = sum(
        a.quantity for a in plan.assignments if a.sku == sku and a.location_id == location_id
    )
    kept = tuple(a for a in plan.assignments if not (a.sku == sku and a.location_id == location_id))
    excluded = plan.excluded | {(sku, location_id)}
    if missing == 0:
        return replace(plan, excluded=excluded)
    still_open = {a.location_id for a in kept}
    pool = list(candidates)
    names = {c.location_id: c.name for c in pool}
    partial = source_order(
        [OrderLine(sku, missing)],
        destination,
        pool,
        costs=costs,
        excluded=excluded,
        open_location_ids=still_open,
    )
    merged = _merge_assignments(kept + partial.assignments)
    if {a.location_id for a in merged} <= names.keys():
        cost = plan_cost(merged, destination, pool, costs)
    else:  # the caller passed only the holders of this SKU: add what the new units cost
        cost = plan.cost + partial.cost
    note = f"{sku} ×{missing} was not found on the shelf at {names.get(location_id, location_id)}"
    if partial.assignments:
        sources = ", ".join(
            f"{names.get(a.location_id, a.location_id)} (×{a.quantity})"
            for a in partial.assignments
        )
        note += f"; sourced again from {sources}."
    else:
        note += "; no other location can supply it."
    return SourcingPlan(
        assignments=merged,
        unsourced=_merge_unsourced(plan.unsourced + partial.unsourced),
        cost=round(cost, 6),
        explanation=(*plan.explanation, note),
        excluded=excluded,
    )


def plan_cost(
    assignments: Iterable[Assignment],
    destination: Destination,
    candidates: Iterable[CandidateLocation],
    costs: CostModel = DEFAULT_COSTS,
) -> float:
    """The cost of any assignment under the model (to compare strategies on equal terms)."""
    by_id = {c.location_id: c for c in candidates}
    used: set[int] = set()
    total = 0.0
    for a in assignments:
        terms = location_terms(by_id[a.location_id], destination, costs)
        if a.location_id not in used:
            used.add(a.location_id)
            total += terms.fixed
        total += terms.per_unit * a.quantity + costs.protected_unit_penalty * a.protected_units
    return total - (costs.extra_parcel_penalty if used else 0.0)


# --- internals --------------------------------------------------------------------------------


def _merge(lines: Iterable[OrderLine]) -> dict[str, int]:
    need: dict[str, int] = {}
    for line in lines:
        if line.quantity > 0:
            need[line.sku] = need.get(line.sku, 0) + line.quantity
    return need


def _eligible(
    candidates: Iterable[CandidateLocation], destination: Destination, need: dict[str, int]
) -> tuple[list[CandidateLocation], dict[int, str]]:
    """The locations that may fulfil, and why the others that hold items of the order may not."""
    eligible, reasons = [], {}
    for c in sorted(candidates, key=lambda c: c.location_id):
        if c.location_id == destination.pickup_location_id and c.collection_limit is not None:
            # Its units are handed over at its own counter: no carrier collection to fill.
            c = replace(c, collection_limit=None)
        reason = ineligibility(c, destination)
        if reason is None:
            eligible.append(c)
        elif any(c.available.get(s, 0) > 0 for s in need):
            reasons[c.location_id] = reason
    return eligible, reasons


def _merge_assignments(assignments: Iterable[Assignment]) -> tuple[Assignment, ...]:
    merged: dict[tuple[str, int], Assignment] = {}
    for a in assignments:
        key = (a.sku, a.location_id)
        if key in merged:
            old = merged[key]
            a = Assignment(
                a.sku,
                old.quantity + a.quantity,
                a.location_id,
                old.protected_units + a.protected_units,
            )
        merged[key] = a
    return tuple(sorted(merged.values(), key=lambda a: (a.location_id, a.sku)))


def _merge_unsourced(lines: Iterable[OrderLine]) -> tuple[OrderLine, ...]:
    return tuple(OrderLine(sku, q) for sku, q in sorted(_merge(lines).items()))
