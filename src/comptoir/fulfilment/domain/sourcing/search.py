"""The search: prune the candidates, then a branch and bound over sets of locations."""

from __future__ import annotations

import math
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field, replace

from .flow import fill_by_flow
from .model import (
    Assignment,
    CandidateLocation,
    CostModel,
    Destination,
    LocationTerms,
    OrderLine,
    location_terms,
)

# Per SKU, at least this many locations stay candidates after pruning (more if needed to
# cover the quantity); the branch and bound explores at most MAX_NODES sets of locations.
CANDIDATES_PER_SKU = 12
MAX_NODES = 1500
EPSILON = 1e-9


@dataclass(frozen=True)
class Allocation:
    cost: float  # including the extra-parcel penalty of every location used
    assignments: tuple[Assignment, ...]
    short: dict[str, int]  # units still missing per SKU (empty when complete)
    protected_used: dict[str, int] = field(default_factory=dict)

    @property
    def rank(self) -> tuple[int, float]:
        """Plans compare by units missing first (fewest), then by cost."""
        return sum(self.short.values()), self.cost


class Problem:
    """One order's search: the pruned candidates and the branch and bound over their sets."""

    def __init__(
        self,
        need: dict[str, int],
        eligible: Sequence[CandidateLocation],
        destination: Destination,
        costs: CostModel,
        excluded: frozenset[tuple[str, int]] = frozenset(),
        open_location_ids: Collection[int] = (),
    ) -> None:
        self.costs = costs
        self.skus = sorted(need)
        # Units per (location, sku), split into free and protected, excluded pairs removed;
        # only the locations that hold something of this order are priced.
        self.free: dict[int, dict[str, int]] = {}
        self.protected: dict[int, dict[str, int]] = {}
        self.terms: dict[int, LocationTerms] = {}
        for c in eligible:
            free, protected = {}, {}
            for s in self.skus:
                units = c.available.get(s, 0)
                if units > 0 and (s, c.location_id) not in excluded:
                    kept = min(units, max(0, c.protected.get(s, 0)))
                    if units > kept:
                        free[s] = units - kept
                    if kept:
                        protected[s] = kept
            if free or protected:
                self.free[c.location_id] = free
                self.protected[c.location_id] = protected
                terms = location_terms(c, destination, costs)
                if c.location_id in open_location_ids:
                    terms = replace(terms, fixed=0.0)
                self.terms[c.location_id] = terms
        # What no eligible location holds is unsourced; the rest is what the search covers.
        supply = dict.fromkeys(self.skus, 0)
        free_supply = dict.fromkeys(self.skus, 0)
        for i in self.free:
            for s, units in self.free[i].items():
                supply[s] += units
                free_supply[s] += units
            for s, units in self.protected[i].items():
                supply[s] += units
        self.unsourced = tuple(
            OrderLine(s, need[s] - supply[s]) for s in self.skus if supply[s] < need[s]
        )
        self.need = {s: min(need[s], supply[s]) for s in self.skus if supply[s]}
        self.skus = sorted(self.need)
        need = self.need
        self.scores = {i: self._score(i) for i in self.free}
        self.options = self._prune()
        self.by_fixed = {
            s: sorted((self.terms[i].fixed, i) for i in self.options[s]) for s in self.skus
        }
        self.pool = sorted(
            {i for ids in self.options.values() for i in ids}, key=lambda i: (self.scores[i], i)
        )
        self.min_unit = {
            s: min((self.terms[i].per_unit for i in self.options[s]), default=0.0)
            for s in self.skus
        }
        # Units that must come from protected stock whatever the plan: the free shortfall.
        self.must_protect = {s: max(0, need[s] - free_supply[s]) for s in self.skus}
        self.units_bound = sum(
            need[s] * self.min_unit[s] + self.must_protect[s] * costs.protected_unit_penalty
            for s in self.skus
        )
        self.nodes = 0

    def _score(self, location_id: int) -> float:
        """Cost per unit of this order the location could supply alone: the branching order."""
        t, need = self.terms[location_id], self.need
        units = 0.0
        for s, held in self.free[location_id].items():
            if s in need:
                units += min(need[s], held)
        for s, held in self.protected[location_id].items():
            if s in need:
                units += 0.5 * min(need[s], held)  # counts, but less: it is kept for walk-ins
        units = min(units, t.location.remaining_capacity)
        return (t.fixed + t.per_unit * units) / units if units else math.inf

    def _prune(self) -> dict[str, list[int]]:
        """Per SKU, the holders worth trying, best first.

        The best-scored for the whole order, the cheapest to send this SKU alone (a nearby
        store that completes a warehouse parcel), then more until the quantity is covered.
        """
        scores = self.scores
        options = {}
        for s in self.skus:
            holders = [i for i in self.free if self.free[i].get(s) or self.protected[i].get(s)]
            by_score = sorted(holders, key=lambda i: (scores[i], i))
            alone = sorted(
                holders,
                key=lambda i: (self.terms[i].fixed + self.terms[i].per_unit * self.need[s], i),
            )
            chosen = list(dict.fromkeys(by_score[:CANDIDATES_PER_SKU] + alone[:CANDIDATES_PER_SKU]))
            free_units = sum(self.free[i].get(s, 0) for i in chosen)
            for i in by_score[CANDIDATES_PER_SKU:]:
                if free_units >= self.need[s]:
                    break
                if i not in chosen:
                    chosen.append(i)
                    free_units += self.free[i].get(s, 0)
            options[s] = chosen
        return options

    def allocate(self, location_ids: Sequence[int]) -> Allocation:
        """Fill every SKU from the cheapest units of these locations: free, then protected."""
        remaining = {i: self.terms[i].location.remaining_capacity for i in location_ids}
        by_unit_cost = sorted(location_ids, key=lambda i: (self.terms[i].per_unit, i))
        penalty = self.costs.protected_unit_penalty
        cost = sum(self.terms[i].fixed for i in location_ids)
        assignments: dict[tuple[str, int], list[int]] = {}
        short: dict[str, int] = {}
        protected_used: dict[str, int] = {}
        capacity_bound = False
        for s in self.skus:
            left = self.need[s]
            for stock, extra in ((self.free, 0.0), (self.protected, penalty)):
                for i in by_unit_cost:
                    if left == 0:
                        break
                    units = stock[i].get(s, 0)
                    if not units:
                        continue
                    take = int(min(left, units, remaining[i]))
                    if take < min(left, units):
                        capacity_bound = True
                    if take <= 0:
                        continue
                    left -= take
                    remaining[i] -= take
                    cost += take * (self.terms[i].per_unit + extra)
                    pair = assignments.setdefault((s, i), [0, 0])
                    pair[0] += take
                    if extra:
                        pair[1] += take
                        protected_used[s] = protected_used.get(s, 0) + take
            if left:
                short[s] = left
        if capacity_bound:
            # Which line gets a location's last capacity matters: solve it exactly.
            return self._allocate_by_flow(location_ids)
        used = {i for _, i in assignments}
        cost -= sum(self.terms[i].fixed for i in location_ids if i not in used)
        result = tuple(
            Assignment(s, q, i, p)
            for (s, i), (q, p) in sorted(assignments.items(), key=lambda kv: (kv[0][1], kv[0][0]))
        )
        return Allocation(cost, result, short, protected_used)

    def _allocate_by_flow(self, location_ids: Sequence[int]) -> Allocation:
        fill = fill_by_flow(
            self.need,
            location_ids,
            {i: self.terms[i].per_unit for i in location_ids},
            self.free,
            self.protected,
            {i: self.terms[i].location.remaining_capacity for i in location_ids},
            self.costs.protected_unit_penalty,
        )
        used = {i for _, i in fill.units}
        protected_used: dict[str, int] = {}
        for (s, _), (_, kept) in fill.units.items():
            if kept:
                protected_used[s] = protected_used.get(s, 0) + kept
        result = tuple(
            Assignment(s, quantity, i, kept)
            for (s, i), (quantity, kept) in sorted(
                fill.units.items(), key=lambda kv: (kv[0][1], kv[0][0])
            )
        )
        cost = fill.cost + sum(self.terms[i].fixed for i in used)
        return Allocation(cost, result, fill.short, protected_used)

    def search(self) -> Allocation:
        best = self._greedy()
        seen: set[frozenset[int]] = set()

        def explore(chosen: tuple[int, ...], fixed: float, held: dict[str, int]) -> None:
            nonlocal best
            if self.nodes >= MAX_NODES:
                return
            complete_known = not best.short
            if complete_known and fixed + self.units_bound >= best.cost - EPSILON:
                return
            self.nodes += 1
            missing = {s: self.need[s] - held[s] for s in self.skus if held[s] < self.need[s]}
            if missing and complete_known:
                # The chosen locations do not hold the units, so no need to fill them: every
                # SKU still missing needs one more location among its holders.
                needed = max(
                    next((f for f, i in self.by_fixed[s] if i not in chosen), math.inf)
                    for s in missing
                )
                if fixed + needed + self.units_bound >= best.cost - EPSILON:
                    return
                sku = min(missing, key=lambda s: (len(self.options[s]), s))
                branches = self.options[sku]
            else:
                allocation = self.allocate(chosen)
                if allocation.rank < best.rank:
                    best = allocation
                branches = self._branches(chosen, allocation)
            for i in branches:
                child_fixed = fixed + self.terms[i].fixed
                if i in chosen or (
                    not best.short and child_fixed + self.units_bound >= best.cost - EPSILON
                ):
                    continue
                child = tuple(sorted((*chosen, i)))
                key = frozenset(child)
                if key in seen:
                    continue
                seen.add(key)
                child_held = dict(held)
                for stock in (self.free[i], self.protected[i]):
                    for s, units in stock.items():
                        if s in child_held:
                            child_held[s] += units
                explore(child, child_fixed, child_held)

        explore((), 0.0, dict.fromkeys(self.skus, 0))
        return best

    def _branches(self, chosen: tuple[int, ...], allocation: Allocation) -> list[int]:
        """The locations worth adding to `chosen`, best first; none when nothing can improve.

        Missing units: the holders of the most constrained missing SKU, or, when the chosen
        locations hold the units but lack capacity, any holder of the order. Protected units
        used beyond the unavoidable: the other holders of that SKU. A complete plan: any
        location that would pick some line for less per unit.
        """
        if allocation.short:
            sku = min(allocation.short, key=lambda s: (len(self.options[s]), s))
            held = sum(self.free[i].get(sku, 0) + self.protected[i].get(sku, 0) for i in chosen)
            return self.pool if held >= self.need[sku] else self.options[sku]
        wanting = [s for s, n in allocation.protected_used.items() if n > self.must_protect[s]]
        if wanting:
            return self.options[min(wanting, key=lambda s: (len(self.options[s]), s))]
        dearest: dict[str, float] = {}
        for a in allocation.assignments:
            unit = self.terms[a.location_id].per_unit
            dearest[a.sku] = max(dearest.get(a.sku, 0.0), unit)
        cheaper = {
            i
            for s, unit in dearest.items()
            for i in self.options[s]
            if self.terms[i].per_unit < unit and self.free[i].get(s)
        }
        return [i for i in self.pool if i in cheaper]

    def _greedy(self) -> Allocation:
        """A first complete plan: add the best-scored location until every unit is covered."""
        ranked = sorted(self.free, key=lambda i: (self.scores[i], i))
        chosen: list[int] = []
        allocation = self.allocate(chosen)
        for i in ranked:
            if not allocation.short:
                break
            if any(self.free[i].get(s) or self.protected[i].get(s) for s in allocation.short):
                chosen.append(i)
                allocation = self.allocate(chosen)
        return allocation
