"""What each kind of line offer takes off the lines it may touch, exactly, before rounding."""

from __future__ import annotations

from collections import defaultdict
from fractions import Fraction
from typing import TYPE_CHECKING

from comptoir.pricing.domain.cents import cents, exact
from comptoir.pricing.domain.rules import (
    AmountOff,
    BundlePrice,
    BuyXGetY,
    FixedPrice,
    PercentOff,
    Promotion,
    TieredSpend,
)

if TYPE_CHECKING:
    from comptoir.pricing.domain.engine import State


def discounts_wanted(
    promotion: Promotion, eligible: dict[int, int], state: State
) -> dict[int, Fraction | int]:
    """Each eligible line's exact discount under the rule, before rounding and budget."""
    offer = promotion.offer
    # Kept in ints where the amount is whole cents: Fraction arithmetic is the engine's cost.
    current, lines = state.current, state.lines
    if isinstance(offer, PercentOff):
        rate = Fraction(offer.percent)
        top, bottom = rate.numerator, rate.denominator * 100
        return {
            i: Fraction(current[i] * units * top, lines[i].quantity * bottom)
            for i, units in eligible.items()
        }
    if isinstance(offer, AmountOff):
        off = cents(offer.amount)
        wanted: dict[int, Fraction | int] = {}
        for i, units in eligible.items():
            quantity = lines[i].quantity
            if off * quantity <= current[i]:
                wanted[i] = off * units
            else:  # more than a unit's price: the units left at zero
                wanted[i] = exact(current[i] * units, quantity)
        return wanted
    if isinstance(offer, FixedPrice):
        price = cents(offer.price)
        wanted = {}
        for i, units in eligible.items():
            quantity = lines[i].quantity
            above = current[i] - price * quantity
            if above > 0:
                wanted[i] = exact(above * units, quantity)
        return wanted
    if isinstance(offer, BuyXGetY):
        return _buy_x_get_y(offer, eligible, state)
    if isinstance(offer, BundlePrice):
        return _bundle(offer, eligible, state)
    if isinstance(offer, TieredSpend):
        spend = {i: state.unit(i) * units for i, units in eligible.items()}
        total_spend = sum(spend.values())
        met = [off for floor, off in offer.tiers if total_spend >= cents(floor)]
        if not met or total_spend == 0:
            return {}
        off = min(Fraction(max(cents(o) for o in met)), total_spend)
        return {i: off * s / total_spend for i, s in spend.items()}
    raise TypeError(f"no line rule for {type(offer).__name__}")


def _buy_x_get_y(offer: BuyXGetY, eligible: dict[int, int], state: State) -> dict[int, Fraction]:
    """Units laid out dearest first; in each full group of buy + get, the last `get` are free."""
    group = offer.buy + offer.get
    count = sum(eligible.values())
    limit = (count // group) * group

    def free_before(n: int) -> int:
        n = min(n, limit)
        return (n // group) * offer.get + max(0, n % group - offer.buy)

    wanted: dict[int, Fraction] = {}
    start = 0
    for i in sorted(eligible, key=state.dearest_first):
        end = start + eligible[i]
        free = free_before(end) - free_before(start)
        if free:
            wanted[i] = state.unit(i) * free
        start = end
    return wanted


def _bundle(offer: BundlePrice, eligible: dict[int, int], state: State) -> dict[int, Fraction]:
    """As many whole bundles as the lines make, from the dearest units; the saving is shared
    over the units used in proportion to their price."""
    by_sku: dict[str, list[int]] = defaultdict(list)
    for i in eligible:
        by_sku[state.lines[i].sku].append(i)
    bundles = min(
        (sum(eligible[i] for i in by_sku.get(sku, ())) // units for sku, units in offer.components),
        default=0,
    )
    if bundles == 0:
        return {}
    used: dict[int, Fraction] = defaultdict(Fraction)  # line -> value of its units used
    for sku, units in offer.components:
        needed = bundles * units
        for i in sorted(by_sku[sku], key=state.dearest_first):
            take = min(needed, eligible[i])
            used[i] += state.unit(i) * take
            needed -= take
            if needed == 0:
                break
    regular = sum(used.values())
    saving = regular - bundles * cents(offer.price)
    if saving <= 0:
        return {}
    return {i: saving * value / regular for i, value in used.items()}
