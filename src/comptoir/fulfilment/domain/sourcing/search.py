"""The search: prune the candidates, then a branch and bound over sets of locations."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

from .model import Assignment, CostModel, LocationTerms

# Per SKU, at least this many locations stay candidates after pruning (more if needed to
# cover the quantity); the branch and bound explores at most MAX_NODES sets of locations.
CANDIDATES_PER_SKU = 10
MAX_NODES = 3000
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
        terms: dict[int, LocationTerms],
        excluded: frozenset[tuple[str, int]],
        costs: CostModel,
    ) -> None:
        self.need = need
        self.costs = costs
        self.skus = sorted(need)
        # Units per (location, sku), split into free and protected, excluded pairs removed.
        self.free: dict[int, dict[str, int]] = {}
        self.protected: dict[int, dict[str, int]] = {}
        for location_id, t in terms.items():
            c = t.location
            free = {s: c.free_units(s) for s in self.skus if (s, location_id) not in excluded}
            protected = {
                s: c.protected_units(s) for s in self.skus if (s, location_id) not in excluded
            }
            if any(free.values()) or any(protected.values()):
                self.free[location_id] = {s: q for s, q in free.items() if q}
                self.protected[location_id] = {s: q for s, q in protected.items() if q}
        self.terms = {i: terms[i] for i in self.free}
        self.options = self._prune()
        pool = sorted({i for ids in self.options.values() for i in ids})
        self.pool = pool
        self.min_unit = {
            s: min(
                (self.terms[i].per_unit for i in pool if i in self.options_set(s)),
                default=0.0,
            )
            for s in self.skus
        }
        # Units that must come from protected stock whatever the plan: the free shortfall.
        self.must_protect = {
            s: max(0, need[s] - sum(self.free[i].get(s, 0) for i in self.free)) for s in self.skus
        }
        self.units_bound = sum(
            need[s] * self.min_unit[s] + self.must_protect[s] * costs.protected_unit_penalty
            for s in self.skus
        )
        self.nodes = 0

    def options_set(self, sku: str) -> frozenset[int]:
        return frozenset(self.options[sku])

    def _score(self, location_id: int) -> float:
        """Cost per unit of this order the location could supply alone: the branching order."""
        t = self.terms[location_id]
        units = sum(
            min(self.need[s], self.free[location_id].get(s, 0)) for s in self.skus
        ) + 0.5 * sum(min(self.need[s], self.protected[location_id].get(s, 0)) for s in self.skus)
        units = min(units, t.location.remaining_capacity)
        return (t.fixed + t.per_unit * units) / units if units else math.inf

    def _prune(self) -> dict[str, list[int]]:
        """Per SKU, the best-scored holders: at least CANDIDATES_PER_SKU, enough to cover it."""
        scores = {i: self._score(i) for i in self.free}
        options = {}
        for s in self.skus:
            holders = sorted(
                (i for i in self.free if self.free[i].get(s) or self.protected[i].get(s)),
                key=lambda i: (scores[i], i),
            )
            chosen, free_units, all_units = [], 0, 0
            for i in holders:
                if len(chosen) >= CANDIDATES_PER_SKU and free_units >= self.need[s]:
                    break
                chosen.append(i)
                free_units += self.free[i].get(s, 0)
                all_units += self.free[i].get(s, 0) + self.protected[i].get(s, 0)
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
        # Scarcer SKUs first, so shared capacity goes where it has fewest alternatives.
        for s in sorted(self.skus, key=lambda s: (len(self.options[s]), s)):
            left = self.need[s]
            for stock, extra in ((self.free, 0.0), (self.protected, penalty)):
                for i in by_unit_cost:
                    if left == 0:
                        break
                    take = int(min(left, stock[i].get(s, 0), remaining[i]))
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
        used = {i for _, i in assignments}
        cost -= sum(self.terms[i].fixed for i in location_ids if i not in used)
        result = tuple(
            Assignment(s, q, i, p)
            for (s, i), (q, p) in sorted(assignments.items(), key=lambda kv: (kv[0][1], kv[0][0]))
        )
        return Allocation(cost, result, short, protected_used)

    def search(self) -> Allocation:
        best = self._greedy()
        seen: set[frozenset[int]] = set()

        def explore(chosen: tuple[int, ...], fixed: float) -> None:
            nonlocal best
            if self.nodes >= MAX_NODES:
                return
            if not best.short and fixed + self.units_bound >= best.cost - EPSILON:
                return
            self.nodes += 1
            allocation = self.allocate(chosen)
            if allocation.rank < best.rank:
                best = allocation
            # Protected units beyond the unavoidable ones: another location may spare them.
            wanting = {
                s: n
                for s, n in allocation.protected_used.items()
                if n > self.must_protect[s] and s not in allocation.short
            }
            if not allocation.short and not wanting:
                return
            # Branch on the missing SKU with fewest options: each child adds one holder of it.
            sku = min(allocation.short or wanting, key=lambda s: (len(self.options[s]), s))
            for i in self.options[sku]:
                if i in chosen:
                    continue
                child = tuple(sorted((*chosen, i)))
                key = frozenset(child)
                if key in seen:
                    continue
                seen.add(key)
                explore(child, fixed + self.terms[i].fixed)

        explore((), 0.0)
        return best

    def _greedy(self) -> Allocation:
        """A first complete plan: add the best-scored location until every unit is covered."""
        ranked = sorted(self.free, key=lambda i: (self._score(i), i))
        chosen: list[int] = []
        allocation = self.allocate(chosen)
        for i in ranked:
            if not allocation.short:
                break
            if any(self.free[i].get(s) or self.protected[i].get(s) for s in allocation.short):
                chosen.append(i)
                allocation = self.allocate(chosen)
        return allocation
