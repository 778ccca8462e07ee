"""Floors on the cost of every plan in a branch of the search: the parcels still needed, and a
Lagrangian floor.

Give every unit of SKU s a price λ_s and drop the rule that each line is served exactly: the
cost of any plan is then at least Σ_s λ_s·q_s plus, for each location it uses, its parcel and
the cheapest fill of its own units at their cost minus λ (free units first when they are
cheaper, protected ones at their penalty, never beyond its capacity nor the quantity
ordered). That location's term, `gain[l]`, is fixed once λ is: a branch that must use the
chosen locations and may not use the forbidden ones costs at least

    base + Σ_{chosen} max(0, gain) − Σ_{forbidden} min(0, gain),

where `base` = Σ λ·q + Σ_{every location} min(0, gain). Any λ gives a true floor; a few
subgradient steps from the cheapest price per unit bring it close to the linear relaxation's.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping, Sequence

STEPS = 20


def parcels_floor(
    by_fixed: Mapping[str, Sequence[tuple[float, int]]],
    held: Mapping[int, frozenset[str]],
    chosen: Collection[int],
    forbidden: Collection[int],
    missing: Collection[str],
) -> float:
    """A floor on the parcels still to add for the missing SKUs.

    Each needs a holder neither chosen nor forbidden (`by_fixed[s]`: its holders as (parcel,
    id), cheapest first; `held[i]`: the SKUs i holds); a holder of k of them can share its
    parcel among k: each SKU costs at least its cheapest holder's parcel over the missing SKUs
    that holder has, and the sum of these shares is a floor on any set that covers them all.
    The cheapest single holder of the dearest SKU is another floor: the higher one counts.
    """
    single, shared = 0.0, 0.0
    count = len(missing)
    wanted = frozenset(missing)
    for s in missing:
        first, share = math.inf, math.inf
        for f, i in by_fixed[s]:
            if f / count >= share:
                break
            if i in chosen or i in forbidden:
                continue
            if f < first:
                first = f
            part = f / len(held[i] & wanted)
            if part < share:
                share = part
        if first > single:
            single = first
        shared += share
    return max(single, shared)


class LagrangianBound:
    def __init__(
        self,
        need: Mapping[str, int],
        location_ids: Sequence[int],
        fixed: Mapping[int, float],
        per_unit: Mapping[int, float],
        free: Mapping[int, Mapping[str, int]],
        protected: Mapping[int, Mapping[str, int]],
        capacity: Mapping[int, float],
        protected_penalty: float,
    ) -> None:
        self.need = need
        self.ids = list(location_ids)
        self.fixed = fixed
        self.capacity = {i: min(capacity[i], sum(need.values())) for i in self.ids}
        # Per location, its units as (sku, unit cost, units at most): free, then protected.
        self.units: dict[int, list[tuple[str, float, int]]] = {}
        for i in self.ids:
            pieces = []
            for s, quantity in need.items():
                held_free = min(free[i].get(s, 0), quantity)
                if held_free:
                    pieces.append((s, per_unit[i], held_free))
                held_protected = min(protected[i].get(s, 0), quantity - held_free)
                if held_protected:
                    pieces.append((s, per_unit[i] + protected_penalty, held_protected))
            self.units[i] = pieces
        self.capacity_binds = {
            i for i in self.ids if self.capacity[i] < sum(units for _, _, units in self.units[i])
        }
        self.gain: dict[int, float] = {}
        self.base = -math.inf

    def fit(self, upper: float) -> None:
        """Choose the prices by subgradient steps; `upper` is the cost of a known plan."""
        prices = {s: self._cheapest_price(s) for s in self.need}
        best_value, best_prices = -math.inf, prices
        step, stale = 1.0, 0
        for _ in range(STEPS):
            value, taken = self._evaluate(prices)
            if value > best_value + 1e-9:
                best_value, best_prices, stale = value, dict(prices), 0
            else:
                stale += 1
                if stale >= 3:
                    step, stale = step / 2, 0
            slack = {s: q - taken.get(s, 0) for s, q in self.need.items()}
            norm = sum(g * g for g in slack.values())
            if norm == 0 or upper - value <= 1e-9 or step < 1e-3:
                break
            move = step * (upper - value) / norm
            prices = {s: prices[s] + move * slack[s] for s in self.need}
        self._evaluate(best_prices)

    def floor(self, chosen: Sequence[int], forbidden: Sequence[int]) -> float:
        return (
            self.base
            + sum(max(0.0, self.gain[i]) for i in chosen)
            - sum(min(0.0, self.gain[i]) for i in forbidden)
        )

    def _cheapest_price(self, sku: str) -> float:
        """The lowest cost per unit of this SKU sent alone from one location."""
        prices = [
            self.fixed[i] / units + cost
            for i in self.ids
            for s, cost, units in self.units[i]
            if s == sku
        ]
        return min(prices, default=0.0)

    def _evaluate(self, prices: Mapping[str, float]) -> tuple[float, dict[str, int]]:
        """The floor for these prices; sets `gain` and `base`, returns the units taken."""
        value = sum(prices[s] * q for s, q in self.need.items())
        taken: dict[str, int] = {}
        binds = self.capacity_binds
        for i in self.ids:
            if i in binds:  # the most worth first, as far as capacity goes
                picks = sorted(
                    (cost - prices[s], s, units)
                    for s, cost, units in self.units[i]
                    if cost < prices[s]
                )
                room, kept = self.capacity[i], []
                for reduced, s, units in picks:
                    take = int(min(units, room))
                    if take <= 0:
                        break
                    room -= take
                    kept.append((reduced, s, take))
                picks = kept
            else:  # every unit worth its price, no list of them needed
                gain = self.fixed[i]
                for s, cost, units in self.units[i]:
                    price = prices[s]
                    if cost < price:
                        gain += (cost - price) * units
                self.gain[i] = gain
                if gain < 0:
                    value += gain
                    for s, cost, units in self.units[i]:
                        if cost < prices[s]:
                            taken[s] = taken.get(s, 0) + units
                continue
            gain = self.fixed[i]
            for reduced, _, units in picks:
                gain += reduced * units
            self.gain[i] = gain
            if gain < 0:
                value += gain
                for _, s, units in picks:
                    taken[s] = taken.get(s, 0) + units
        self.base = value
        return value, taken
