"""The search: drop the dominated locations, then a branch and bound over sets of locations."""

from __future__ import annotations

import math
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field, replace
from typing import overload

from .bound import LagrangianBound, parcels_floor
from .dominance import undominated
from .flow import fill_by_flow
from .milp import MilpLocation, solve_sourcing_milp
from .model import (
    Assignment,
    CandidateLocation,
    CostModel,
    Destination,
    LocationTerms,
    OrderLine,
    location_terms,
)

# The branch and bound explores at most MAX_NODES sets of locations (about 60 ms); an order that
# needs more is handed to HiGHS (see `Problem.cut`), which takes about as long.
MAX_NODES = 2000
# What a unit nobody supplies weighs when HiGHS ranks plans: more than any plan's other costs.
UNSOURCED_UNIT_COST = 1e7
EPSILON = 1e-9
BASE = -1  # the key of the Lagrangian floor's base among the locations' gains


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

    def better_than(self, other: Allocation) -> bool:
        """Fewer units missing, or a lower cost; at equal cost, the lower location ids."""
        if self.rank[0] != other.rank[0]:
            return self.rank[0] < other.rank[0]
        if abs(self.cost - other.cost) > EPSILON:
            return self.cost < other.cost
        return self.location_ids < other.location_ids

    @property
    def location_ids(self) -> tuple[int, ...]:
        return tuple(sorted({a.location_id for a in self.assignments}))


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
        skus = self.skus
        for c in eligible:
            available = c.available
            held = [s for s in skus if s in available]
            if not held:
                continue
            free, protected = {}, {}
            for s in held:
                units = available[s]
                if units > 0 and (not excluded or (s, c.location_id) not in excluded):
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
        # The terms the search reads at every node, as plain dicts.
        self.fixed = {i: t.fixed for i, t in self.terms.items()}
        self.per_unit = {i: t.per_unit for i, t in self.terms.items()}
        self.capacity = {i: t.location.remaining_capacity for i, t in self.terms.items()}
        kept = undominated(self.need, self.free, self.protected, self.terms)
        self.scores = {i: self._score(i) for i in kept}
        self.options = self._holders(kept)
        self.by_fixed = {s: sorted((self.fixed[i], i) for i in self.options[s]) for s in self.skus}
        self.pool = sorted(
            {i for ids in self.options.values() for i in ids}, key=lambda i: (self.scores[i], i)
        )
        self.held = {
            i: frozenset(s for s in self.skus if self.free[i].get(s) or self.protected[i].get(s))
            for i in self.pool
        }
        self.pool_by_fixed = sorted(self.pool, key=lambda i: (self.fixed[i], i))
        self.min_unit = {
            s: min((self.per_unit[i] for i in self.options[s]), default=0.0) for s in self.skus
        }
        # Units that must come from protected stock whatever the plan: the free shortfall.
        self.must_protect = {s: max(0, need[s] - free_supply[s]) for s in self.skus}
        self.units_bound = sum(
            need[s] * self.min_unit[s] + self.must_protect[s] * costs.protected_unit_penalty
            for s in self.skus
        )
        self.nodes = 0
        self.cut = False  # True when the node budget stopped the search before its proof

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

    def _holders(self, kept: list[int]) -> dict[str, list[int]]:
        """Per SKU, the kept locations that hold it, best scored first."""
        ranked = sorted(kept, key=lambda i: (self.scores[i], i))
        return {
            s: [i for i in ranked if self.free[i].get(s) or self.protected[i].get(s)]
            for s in self.skus
        }

    @overload
    def allocate(self, location_ids: Sequence[int], cutoff: None = None) -> Allocation: ...
    @overload
    def allocate(self, location_ids: Sequence[int], cutoff: float | None) -> Allocation | None: ...
    def allocate(
        self, location_ids: Sequence[int], cutoff: float | None = None
    ) -> Allocation | None:
        """Fill every SKU from the cheapest units of these locations: free, then protected.

        With a `cutoff` (the cost of a complete plan), None instead when the fill cannot be
        better: complete but dearer, or, when capacity binds, even the fill without capacity
        limits, every parcel of these locations paid, costs no less (a fill that leaves some
        of them out is the fill of a smaller set, which the search weighs on its own).
        """
        remaining = {i: self.capacity[i] for i in location_ids}
        by_unit_cost = sorted(location_ids, key=lambda i: (self.per_unit[i], i))
        penalty = self.costs.protected_unit_penalty
        cost = sum(self.fixed[i] for i in location_ids)
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
                    cost += take * (self.per_unit[i] + extra)
                    pair = assignments.setdefault((s, i), [0, 0])
                    pair[0] += take
                    if extra:
                        pair[1] += take
                        protected_used[s] = protected_used.get(s, 0) + take
            if left:
                short[s] = left
        if capacity_bound:
            if cutoff is not None and self._uncapacitated_cost(by_unit_cost) >= cutoff - EPSILON:
                return None
            # Which line gets a location's last capacity matters: solve it exactly.
            return self._allocate_by_flow(location_ids)
        used = {i for _, i in assignments}
        cost -= sum(self.fixed[i] for i in location_ids if i not in used)
        if cutoff is not None and not short and cost > cutoff + EPSILON:
            return None  # not better, nor as good with lower ids: no need to list its units
        result = tuple(
            Assignment(s, q, i, p)
            for (s, i), (q, p) in sorted(assignments.items(), key=lambda kv: (kv[0][1], kv[0][0]))
        )
        return Allocation(cost, result, short, protected_used)

    def _uncapacitated_cost(self, by_unit_cost: Sequence[int]) -> float:
        """Every parcel of these locations plus the cheapest units, capacity ignored: a floor
        on any fill of them that uses them all and sources every unit."""
        penalty = self.costs.protected_unit_penalty
        cost = sum(self.fixed[i] for i in by_unit_cost)
        for s in self.skus:
            left = self.need[s]
            for stock, extra in ((self.free, 0.0), (self.protected, penalty)):
                for i in by_unit_cost:
                    if left == 0:
                        break
                    take = min(left, stock[i].get(s, 0))
                    left -= take
                    cost += take * (self.per_unit[i] + extra)
        return cost

    def _allocate_by_flow(self, location_ids: Sequence[int]) -> Allocation:
        fill = fill_by_flow(
            self.need,
            location_ids,
            {i: self.per_unit[i] for i in location_ids},
            self.free,
            self.protected,
            {i: self.capacity[i] for i in location_ids},
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
        cost = fill.cost + sum(self.fixed[i] for i in used)
        return Allocation(cost, result, fill.short, protected_used)

    def search(self) -> Allocation:
        """The cheapest plan: a depth-first branch and bound over sets of locations.

        Each node is a set of chosen locations and a set of forbidden ones; its children add
        one more location each, the k-th child forbidding the ones before it, so no set of
        locations is reached twice and every set is reached (the covering branches: every
        plan holds one of the holders of a missing SKU; the others: any location more).
        """
        best = self._greedy()
        forbidden: set[int] = set()
        gain = self._lagrangian_gains(best)
        if not best.short:  # the holders most worth their parcel at these prices first
            self.options = {
                s: sorted(ids, key=lambda i: (gain[i], i)) for s, ids in self.options.items()
            }
        # The Lagrangian floor of the current branch, kept as its chosen and forbidden change.
        floor = {"forbidden": 0.0}
        rises = {i: max(0.0, g) for i, g in gain.items()}  # what choosing i adds to the floor
        drops = {i: min(0.0, g) for i, g in gain.items()}  # minus what forbidding it adds
        # The most constrained SKU first: the fewest holders, then by name.
        constrained = sorted(self.skus, key=lambda s: (len(self.options[s]), s))
        need, fixed_of, units_bound = self.need, self.fixed, self.units_bound

        def explore(
            chosen: tuple[int, ...], fixed: float, held: dict[str, int], chosen_floor: float
        ) -> None:
            nonlocal best
            if self.nodes >= MAX_NODES:
                self.cut = True
                return
            complete_known = not best.short
            if complete_known and (
                fixed + units_bound >= best.cost - EPSILON
                or chosen_floor + floor["forbidden"] >= best.cost - EPSILON
            ):
                return
            self.nodes += 1
            missing = {s: need[s] - held[s] for s in self.skus if held[s] < need[s]}
            if missing and complete_known:
                # The chosen locations do not hold the units, so no need to fill them: every
                # SKU still missing needs one more location among its holders.
                needed = parcels_floor(self.by_fixed, self.held, chosen, forbidden, missing)
                if fixed + needed + units_bound >= best.cost - EPSILON:
                    return
                branches = self.options[next(s for s in constrained if s in missing)]
            else:
                # Nothing missing once a complete plan is known: a fill that cannot beat it
                # need not be solved, the children are any location more all the same.
                allocation = self.allocate(chosen, best.cost if complete_known else None)
                if allocation is None:
                    branches = self.pool_by_fixed
                else:
                    if allocation.better_than(best):
                        best = allocation
                    branches = self._branches(chosen, allocation)
            ascending = branches is self.pool_by_fixed
            added: list[int] = []
            for i in branches:
                if i in chosen or i in forbidden:
                    continue
                child_fixed = fixed + fixed_of[i]
                child_floor = chosen_floor + rises[i]
                if not best.short and child_fixed + units_bound >= best.cost - EPSILON:
                    if ascending:
                        break
                elif best.short or child_floor + floor["forbidden"] < best.cost - EPSILON:
                    child_held = dict(held)
                    for stock in (self.free[i], self.protected[i]):
                        for s, units in stock.items():
                            if s in child_held:
                                child_held[s] += units
                    explore(tuple(sorted((*chosen, i))), child_fixed, child_held, child_floor)
                forbidden.add(i)  # the next children are the sets without it
                floor["forbidden"] -= drops[i]
                added.append(i)
            forbidden.difference_update(added)
            floor["forbidden"] += sum(drops[i] for i in added)

        explore((), 0.0, dict.fromkeys(self.skus, 0), gain[BASE])
        if self.cut:
            # The budget stopped the search before it proved its best plan: HiGHS finds the
            # optimal set of locations among the same candidates, which is then filled as any
            # other set, so the plan and its explanation read the same either way.
            cutoff = None if best.short else best.cost - EPSILON
            chosen = self._optimal_set(cutoff)
            if chosen is not None:
                allocation = self.allocate(chosen)
                if allocation.better_than(best):
                    best = allocation
        return best

    def _optimal_set(self, cutoff: float | None) -> tuple[int, ...] | None:
        optimum = solve_sourcing_milp(
            self.need,
            [
                MilpLocation(
                    i,
                    self.fixed[i],
                    self.per_unit[i],
                    self.free[i],
                    self.protected[i],
                    self.capacity[i],
                )
                for i in sorted(self.pool)
            ],
            protected_penalty=self.costs.protected_unit_penalty,
            # Fewest units missing first, as plans rank: more than any plan's whole cost.
            unsourced_unit_cost=UNSOURCED_UNIT_COST,
            cutoff=cutoff,
        )
        return None if optimum is None else optimum.location_ids

    def _lagrangian_gains(self, best: Allocation) -> dict[int, float]:
        """Each location's term of the Lagrangian floor (bound.py), and the floor's base under
        BASE; all zero (no floor) until a complete plan is known."""
        if best.short:
            return dict.fromkeys([BASE, *self.pool], 0.0)
        bound = LagrangianBound(
            self.need,
            self.pool,
            {i: self.fixed[i] for i in self.pool},
            {i: self.per_unit[i] for i in self.pool},
            self.free,
            self.protected,
            {i: self.capacity[i] for i in self.pool},
            self.costs.protected_unit_penalty,
        )
        bound.fit(best.cost)
        return {BASE: bound.base, **bound.gain}

    def _branches(self, chosen: tuple[int, ...], allocation: Allocation) -> list[int]:
        """The locations worth adding to `chosen`, cheapest parcel first.

        Units missing that the chosen locations do not hold: the holders of the most
        constrained such SKU (every plan has one). Otherwise any location: one more may pick
        some line for less, spare another's last units, or free capacity for another line;
        the bound on parcels stops the loop early.
        """
        if allocation.short:
            sku = min(allocation.short, key=lambda s: (len(self.options[s]), s))
            held = sum(self.free[i].get(sku, 0) + self.protected[i].get(sku, 0) for i in chosen)
            if held < self.need[sku]:
                return self.options[sku]
        return self.pool_by_fixed

    def _greedy(self) -> Allocation:
        """A first complete plan: add the best-scored location until every unit is covered
        (free units first: a store's last units only when no free unit is left), then drop
        any location the plan does without for less."""
        ranked = sorted(self.pool, key=lambda i: (self.scores[i], i))
        chosen: list[int] = []
        allocation = self.allocate(chosen)
        for stocks in ((self.free,), (self.free, self.protected)):
            for i in ranked:
                wanting = set(allocation.short)
                if len(stocks) == 1:  # nor last units where free ones exist
                    wanting |= {
                        s for s, n in allocation.protected_used.items() if n > self.must_protect[s]
                    }
                if not wanting:
                    break
                if i not in chosen and any(stock[i].get(s) for stock in stocks for s in wanting):
                    chosen.append(i)
                    allocation = self.allocate(chosen)
        for i in sorted(chosen, key=lambda i: (-self.fixed[i], i)):
            without = self.allocate([k for k in chosen if k != i])
            if without.better_than(allocation):
                chosen.remove(i)
                allocation = without
        return allocation
