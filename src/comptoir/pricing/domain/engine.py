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
from decimal import Decimal
from fractions import Fraction

from comptoir.pricing.domain.cents import allocate, cents, euros, split
from comptoir.pricing.domain.offers import discounts_wanted
from comptoir.pricing.domain.rules import (
    EXCLUSIVE,
    BasketLine,
    BundlePrice,
    FreeDelivery,
    PricingContext,
    Promotion,
    Scope,
    TieredSpend,
)


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
        # Free delivery looks at no line: it is tried whatever the basket holds.
        self.delivery = [
            n for n, p in enumerate(self.promotions) if isinstance(p.offer, FreeDelivery)
        ]
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
    for position in book.delivery:
        found.setdefault(position, [])
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
    state = State(lines)
    runnable = sorted(
        (position for position in found if ordered[position].applies_to(context)),
        key=lambda position: (_phase(ordered[position]), position),
    )
    free_delivery: AppliedRule | None = None
    fee = cents(context.delivery_fee)
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
            amount_before=euros(state.base[i]),
            amount=euros(state.current[i]),
            rules=tuple(AppliedRule(rid, euros(a)) for rid, a in state.applied[i]),
        )
        for i, line in enumerate(lines)
    )
    return PricedBasket(
        lines=priced,
        subtotal=euros(sum(state.base)),
        line_discount=euros(line_discount),
        basket_discount=euros(discount - line_discount),
        delivery_fee=euros(fee_charged),
        free_delivery=free_delivery,
        total=euros(sum(state.current) + fee_charged),
        rule_totals={rid: euros(a) for rid, a in sorted(rule_totals.items())},
    )


def _free_delivery(
    promotion: Promotion, offer: FreeDelivery, state: State, fee: int
) -> AppliedRule | None:
    if sum(state.current) < cents(offer.minimum_spend):
        return None
    if promotion.budget_remaining is not None and cents(promotion.budget_remaining) < fee:
        return None  # free delivery is whole or nothing
    return AppliedRule(promotion.id, euros(fee))


class State:
    """The lines' amounts in cents as rules take their share, and who took what."""

    def __init__(self, lines: Sequence[BasketLine]) -> None:
        self.lines = lines
        self.base = [cents(line.unit_price) * line.quantity for line in lines]
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
        for i, wanted in discounts_wanted(promotion, eligible, self).items():
            if wanted > 0:
                raw[i] = wanted if wanted <= self.current[i] else self.current[i]
        if not raw:
            return
        total = round(sum(raw.values()))  # half to even, as Fraction rounds
        if promotion.budget_remaining is not None and total > cents(promotion.budget_remaining):
            shares = allocate(cents(promotion.budget_remaining), raw)
        else:
            shares = split(total, raw)
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
