"""The pricing engine: one pure function prices a basket under the promotions that apply.

Money is counted in integer cents inside; each rule's discount is computed exactly (fractions),
its basket total rounded half to even to the cent, then split over the lines by largest
remainder, so every line's amount is whole cents and the lines add up to the total exactly.
Rules run in one fixed order whatever order they are given in: line offers, then spend tiers,
then free delivery; within each, priority (higher first) then id. ADR 0048.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal
from fractions import Fraction

from comptoir.pricing.domain.rules import (
    EXCLUSIVE,
    AmountOff,
    BasketLine,
    BundlePrice,
    BuyXGetY,
    FixedPrice,
    FreeDelivery,
    PercentOff,
    PricingContext,
    Promotion,
    Scope,
    TieredSpend,
)

CENT = Decimal("0.01")


@dataclass(frozen=True, slots=True)
class AppliedRule:
    rule_id: str
    amount: Decimal  # taken off by this rule


@dataclass(frozen=True, slots=True)
class PricedLine:
    sku: str
    quantity: int
    unit_price: Decimal
    amount_before: Decimal  # unit price × quantity
    amount: Decimal  # what the customer pays for the line
    rules: tuple[AppliedRule, ...]  # in the order they were applied


@dataclass(frozen=True, slots=True)
class PricedBasket:
    lines: tuple[PricedLine, ...]
    subtotal: Decimal  # before any discount
    line_discount: Decimal  # by line offers (percent, amount, fixed, buy X get Y, bundles)
    basket_discount: Decimal  # by spend tiers, shared over the lines they cover
    delivery_fee: Decimal  # charged: 0 when free delivery applies
    free_delivery: AppliedRule | None
    total: Decimal  # lines' amounts + delivery fee charged
    rule_totals: dict[str, Decimal]  # every rule that gave something, and how much


def scope_of(promotion: Promotion) -> Scope:
    """A bundle touches its components; any other rule its scope."""
    if isinstance(promotion.offer, BundlePrice):
        return Scope(skus=frozenset(sku for sku, _ in promotion.offer.components))
    return promotion.scope


class RuleBook:
    """The promotions sorted once and indexed by SKU, product, category and brand.

    Build it when the promotions change and keep it: a basket then only looks at the rules that
    can touch one of its lines.
    """

    def __init__(self, promotions: Iterable[Promotion]) -> None:
        self.promotions = _sorted_checked(promotions)
        self._everywhere: list[int] = []
        self._by: tuple[dict[str, list[int]], ...] = tuple(defaultdict(list) for _ in range(4))
        for position, promotion in enumerate(self.promotions):
            scope = scope_of(promotion)
            if scope.everything:
                self._everywhere.append(position)
                continue
            for index, keys in zip(
                self._by,
                (scope.skus, scope.products, scope.categories, scope.brands),
                strict=True,
            ):
                for key in keys:
                    index[key].append(position)

    def matches(self, lines: Sequence[BasketLine]) -> dict[int, list[int]]:
        """Rule position -> the positions of the lines it may touch (in basket order)."""
        found: dict[int, list[int]] = defaultdict(list)
        for i, line in enumerate(lines):
            seen: set[int] = set(self._everywhere)
            for index, key in zip(
                self._by, (line.sku, line.product, line.category, line.brand), strict=True
            ):
                seen.update(index.get(key, ()))
            for position in seen:
                found[position].append(i)
        return found


def price_basket(
    book: RuleBook, lines: Sequence[BasketLine], context: PricingContext
) -> PricedBasket:
    """Price a basket: the one call every channel makes (ADR 0048)."""
    found = book.matches(lines)
    # Rules with no line in scope still count for free delivery, which looks at no line.
    for position, promotion in enumerate(book.promotions):
        if isinstance(promotion.offer, FreeDelivery) and position not in found:
            found[position] = []
    return _price(book.promotions, found, lines, context)


def price_basket_naive(
    promotions: Iterable[Promotion], lines: Sequence[BasketLine], context: PricingContext
) -> PricedBasket:
    """The same result without the index: every rule tried on every line (the bench's peer)."""
    ordered = _sorted_checked(promotions)
    found = {
        position: [i for i, line in enumerate(lines) if scope_of(promotion).matches(line)]
        for position, promotion in enumerate(ordered)
    }
    return _price(ordered, found, lines, context)


def _sorted_checked(promotions: Iterable[Promotion]) -> tuple[Promotion, ...]:
    ordered = tuple(sorted(promotions, key=lambda p: p.sort_key))
    ids = [p.id for p in ordered]
    if len(set(ids)) != len(ids):
        raise ValueError("two promotions share an id")
    return ordered


def _phase(promotion: Promotion) -> int:
    if isinstance(promotion.offer, TieredSpend):
        return 1
    if isinstance(promotion.offer, FreeDelivery):
        return 2
    return 0


def _price(
    ordered: Sequence[Promotion],
    found: dict[int, list[int]],
    lines: Sequence[BasketLine],
    context: PricingContext,
) -> PricedBasket:
    state = _State(lines)
    runnable = sorted(
        (position for position in found if ordered[position].applies_to(context)),
        key=lambda position: (_phase(ordered[position]), position),
    )
    free_delivery: AppliedRule | None = None
    fee = _cents(context.delivery_fee)
    for position in runnable:
        promotion = ordered[position]
        if isinstance(promotion.offer, FreeDelivery):
            if free_delivery is None and fee > 0:
                free_delivery = _free_delivery(promotion, promotion.offer, state, fee)
            continue
        state.apply(promotion, found[position], context)
    line_discount = sum(
        (a for i in range(len(lines)) for rid, a in state.applied[i] if rid in state.line_rules),
        0,
    )
    discount = sum(state.base) - sum(state.current)
    fee_charged = 0 if free_delivery is not None else fee
    rule_totals: dict[str, int] = defaultdict(int)
    for applied in state.applied:
        for rule_id, amount in applied:
            rule_totals[rule_id] += amount
    if free_delivery is not None:
        rule_totals[free_delivery.rule_id] += fee
    priced = tuple(
        PricedLine(
            sku=line.sku,
            quantity=line.quantity,
            unit_price=line.unit_price,
            amount_before=_euros(state.base[i]),
            amount=_euros(state.current[i]),
            rules=tuple(AppliedRule(rid, _euros(a)) for rid, a in state.applied[i]),
        )
        for i, line in enumerate(lines)
    )
    return PricedBasket(
        lines=priced,
        subtotal=_euros(sum(state.base)),
        line_discount=_euros(line_discount),
        basket_discount=_euros(discount - line_discount),
        delivery_fee=_euros(fee_charged),
        free_delivery=free_delivery,
        total=_euros(sum(state.current) + fee_charged),
        rule_totals={rid: _euros(a) for rid, a in sorted(rule_totals.items())},
    )


def _free_delivery(
    promotion: Promotion, offer: FreeDelivery, state: _State, fee: int
) -> AppliedRule | None:
    if sum(state.current) < _cents(offer.minimum_spend):
        return None
    if promotion.budget_remaining is not None and _cents(promotion.budget_remaining) < fee:
        return None  # free delivery is whole or nothing
    return AppliedRule(promotion.id, _euros(fee))


class _State:
    """The lines' amounts in cents as rules take their share, and who took what."""

    def __init__(self, lines: Sequence[BasketLine]) -> None:
        self.lines = lines
        self.base = [_cents(line.unit_price) * line.quantity for line in lines]
        self.current = list(self.base)
        self.stacking: list[str | None] = [None] * len(lines)  # EXCLUSIVE, a group, or None
        self.applied: list[list[tuple[str, int]]] = [[] for _ in lines]
        self.line_rules: set[str] = set()

    def apply(self, promotion: Promotion, positions: list[int], context: PricingContext) -> None:
        eligible: dict[int, int] = {}
        for i in positions:
            if self.current[i] <= 0 or not self._open(i, promotion.stacking):
                continue
            units = self.lines[i].quantity
            if promotion.targeting.while_local_stock_lasts:
                units = min(units, max(0, context.local_stock.get(self.lines[i].sku, 0)))
            if units > 0:
                eligible[i] = units
        if not eligible:
            return
        raw: dict[int, Fraction | int] = {}
        for i, wanted in _wanted(promotion, eligible, self).items():
            if wanted > 0:
                raw[i] = wanted if wanted <= self.current[i] else self.current[i]
        if not raw:
            return
        total = round(sum(raw.values()))  # half to even, as Fraction rounds
        if promotion.budget_remaining is not None and total > _cents(promotion.budget_remaining):
            shares = allocate(_cents(promotion.budget_remaining), raw)
        else:
            shares = _split(total, raw)
        for i, share in shares.items():
            if share <= 0:
                continue
            self.current[i] -= share
            self.applied[i].append((promotion.id, share))
            if self.stacking[i] is None:
                self.stacking[i] = promotion.stacking
        if not isinstance(promotion.offer, TieredSpend):
            self.line_rules.add(promotion.id)

    def _open(self, i: int, stacking: str) -> bool:
        taken = self.stacking[i]
        return taken is None or (stacking != EXCLUSIVE and taken == stacking)

    def dearest_first(self, i: int) -> tuple[float, int]:
        """Sort key: the dearest unit first, ties in basket order. A float is exact enough:
        unit prices are cents over a small quantity, far apart at double precision."""
        return (-self.current[i] / self.lines[i].quantity, i)

    def unit(self, i: int) -> Fraction:
        return Fraction(self.current[i], self.lines[i].quantity)


def _wanted(
    promotion: Promotion, eligible: dict[int, int], state: _State
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
        off = _cents(offer.amount)
        wanted: dict[int, Fraction | int] = {}
        for i, units in eligible.items():
            quantity = lines[i].quantity
            if off * quantity <= current[i]:
                wanted[i] = off * units
            else:  # more than a unit's price: the units left at zero
                wanted[i] = _exact(current[i] * units, quantity)
        return wanted
    if isinstance(offer, FixedPrice):
        price = _cents(offer.price)
        wanted = {}
        for i, units in eligible.items():
            quantity = lines[i].quantity
            above = current[i] - price * quantity
            if above > 0:
                wanted[i] = _exact(above * units, quantity)
        return wanted
    if isinstance(offer, BuyXGetY):
        return _buy_x_get_y(offer, eligible, state)
    if isinstance(offer, BundlePrice):
        return _bundle(offer, eligible, state)
    if isinstance(offer, TieredSpend):
        spend = {i: state.unit(i) * units for i, units in eligible.items()}
        total_spend = sum(spend.values())
        met = [off for floor, off in offer.tiers if total_spend >= _cents(floor)]
        if not met or total_spend == 0:
            return {}
        off = min(Fraction(max(_cents(o) for o in met)), total_spend)
        return {i: off * s / total_spend for i, s in spend.items()}
    raise TypeError(f"no line rule for {type(offer).__name__}")


def _buy_x_get_y(offer: BuyXGetY, eligible: dict[int, int], state: _State) -> dict[int, Fraction]:
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


def _bundle(offer: BundlePrice, eligible: dict[int, int], state: _State) -> dict[int, Fraction]:
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
    saving = regular - bundles * _cents(offer.price)
    if saving <= 0:
        return {}
    return {i: saving * value / regular for i, value in used.items()}


def allocate(total: int, weights: dict[int, Fraction | int]) -> dict[int, int]:
    """Split `total` cents over the keys in proportion to `weights`, by largest remainder.

    Each key gets the floor of its exact quota; the cents left go one each to the largest
    remainders (ties to the lower key). The shares add up to `total` exactly.
    """
    weight = sum(weights.values())
    if total <= 0 or weight <= 0:
        return dict.fromkeys(weights, 0)
    quotas = {key: total * w / weight for key, w in weights.items()}
    shares = {key: int(q) for key, q in quotas.items()}  # quotas are >= 0: int() is floor
    left = total - sum(shares.values())
    for key in sorted(quotas, key=lambda k: (-(quotas[k] - shares[k]), k))[:left]:
        shares[key] += 1
    return shares


def _split(total: int, raw: dict[int, Fraction | int]) -> dict[int, int]:
    """`total`, the rounded sum of `raw`, split by largest remainder on the exact amounts: each
    line gets its amount's floor, and the cents left go one each to the largest fractions
    (ties to the first line). A line gets at most its amount rounded up."""
    shares = {i: int(r) for i, r in raw.items()}  # amounts are > 0: int() is floor
    left = total - sum(shares.values())
    if left > 0:
        ranked = sorted(
            (i for i, r in raw.items() if r != shares[i]), key=lambda i: (shares[i] - raw[i], i)
        )
        for i in ranked[:left]:
            shares[i] += 1
    return shares


def _exact(numerator: int, denominator: int) -> Fraction | int:
    whole, rest = divmod(numerator, denominator)
    return whole if rest == 0 else Fraction(numerator, denominator)


def _cents(amount: Decimal) -> int:
    return int((amount * 100).to_integral_value(rounding=ROUND_HALF_EVEN))


def _euros(cents: int) -> Decimal:
    return (Decimal(cents) / 100).quantize(CENT)
