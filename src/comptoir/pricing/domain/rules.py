"""What the engine reads: a basket, the shopper's context, and the promotion rules.

Plain frozen dataclasses, Decimal money in euros with at most two decimals (the catalogue's
prices are in cents). The caller gathers every input (stock at the chosen store, the stores
inside a promotion's radius, a customer's uses of a rule, a rule's budget left): the engine
decides, it reads nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

EXCLUSIVE = "exclusive"  # the stacking value of a rule that combines with no other


@dataclass(frozen=True, slots=True)
class BasketLine:
    sku: str
    product: str
    category: str
    brand: str
    quantity: int
    unit_price: Decimal  # the catalogue's price for one unit

    def __post_init__(self) -> None:
        if self.quantity < 1:
            raise ValueError(f"{self.sku}: a line has at least one unit")
        if self.unit_price < 0 or self.unit_price != self.unit_price.quantize(Decimal("0.01")):
            raise ValueError(f"{self.sku}: a unit price is a non-negative amount in cents")


@dataclass(frozen=True, slots=True)
class PricingContext:
    channel: str  # "web", "app", "till", "call_centre", "api", "feed"
    today: date
    store_id: str | None = None  # the chosen (collect) or favourite store
    segments: frozenset[str] = frozenset()
    tier: str | None = None  # loyalty tier
    local_stock: Mapping[str, int] = field(default_factory=dict)  # sku -> units at store_id
    coupon_codes: frozenset[str] = frozenset()  # as entered; compared case-insensitively
    customer_uses: Mapping[str, int] = field(default_factory=dict)  # rule id -> uses so far
    delivery_fee: Decimal = Decimal("0.00")  # 0 when collected in store


@dataclass(frozen=True, slots=True)
class Scope:
    """Which lines a rule may touch: a line matching any of the sets; all lines if all empty."""

    skus: frozenset[str] = frozenset()
    products: frozenset[str] = frozenset()
    categories: frozenset[str] = frozenset()
    brands: frozenset[str] = frozenset()

    @property
    def everything(self) -> bool:
        return not (self.skus or self.products or self.categories or self.brands)

    def matches(self, line: BasketLine) -> bool:
        return (
            self.everything
            or line.sku in self.skus
            or line.product in self.products
            or line.category in self.categories
            or line.brand in self.brands
        )


@dataclass(frozen=True, slots=True)
class Targeting:
    """Who gets the rule. An empty set means no condition on that dimension."""

    channels: frozenset[str] = frozenset()
    stores: frozenset[str] = frozenset()
    # The stores inside the promotion's radius, computed by the caller from the stores' places.
    radius_stores: frozenset[str] | None = None
    segments: frozenset[str] = frozenset()
    tiers: frozenset[str] = frozenset()
    # Only units the chosen store holds are discounted ("while its stock lasts").
    while_local_stock_lasts: bool = False


# --- the kinds of rule -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PercentOff:
    percent: Decimal  # 0 < percent <= 100

    def __post_init__(self) -> None:
        if not 0 < self.percent <= 100:
            raise ValueError("a percentage off is above 0 and at most 100")


@dataclass(frozen=True, slots=True)
class AmountOff:
    amount: Decimal  # off each unit, never below zero

    def __post_init__(self) -> None:
        _positive_cents(self.amount)


@dataclass(frozen=True, slots=True)
class FixedPrice:
    price: Decimal  # each unit at this price (a unit already cheaper is left alone)

    def __post_init__(self) -> None:
        _positive_cents(self.price, zero=True)


@dataclass(frozen=True, slots=True)
class BuyXGetY:
    buy: int
    get: int  # in each group of buy + get units, dearest first, the last `get` are free

    def __post_init__(self) -> None:
        if self.buy < 1 or self.get < 1:
            raise ValueError("buy X get Y takes at least one unit of each")


@dataclass(frozen=True, slots=True)
class BundlePrice:
    components: tuple[tuple[str, int], ...]  # (sku, units) in one bundle
    price: Decimal  # one whole bundle

    def __post_init__(self) -> None:
        if not self.components or any(units < 1 for _, units in self.components):
            raise ValueError("a bundle has components of at least one unit")
        _positive_cents(self.price, zero=True)


@dataclass(frozen=True, slots=True)
class TieredSpend:
    tiers: tuple[tuple[Decimal, Decimal], ...]  # (spend at least, amount off); the highest met

    def __post_init__(self) -> None:
        if not self.tiers:
            raise ValueError("a tiered spend has at least one tier")
        for floor, off in self.tiers:
            _positive_cents(floor, zero=True)
            _positive_cents(off)


@dataclass(frozen=True, slots=True)
class FreeDelivery:
    minimum_spend: Decimal = Decimal("0.00")  # merchandise after discounts


def _positive_cents(amount: Decimal, *, zero: bool = False) -> None:
    if amount != amount.quantize(Decimal("0.01")) or amount < 0 or (amount == 0 and not zero):
        raise ValueError(f"{amount} is not a{'' if zero else ' positive'} amount in cents")


Offer = PercentOff | AmountOff | FixedPrice | BuyXGetY | BundlePrice | TieredSpend | FreeDelivery
LINE_OFFERS = (PercentOff, AmountOff, FixedPrice, BuyXGetY, BundlePrice)


@dataclass(frozen=True, slots=True)
class Promotion:
    id: str
    offer: Offer
    scope: Scope = Scope()
    targeting: Targeting = Targeting()
    starts: date | None = None  # first day it applies
    ends: date | None = None  # last day it applies
    priority: int = 0  # higher first; ties by id
    stacking: str = EXCLUSIVE  # EXCLUSIVE, or the name of a group whose rules stack together
    coupon_code: str | None = None  # applies only when this code is entered
    per_customer_cap: int | None = None  # baskets per customer; uses come in the context
    budget_remaining: Decimal | None = None  # what the rule may still give away

    @property
    def sort_key(self) -> tuple[int, str]:
        return (-self.priority, self.id)

    def applies_to(self, context: PricingContext) -> bool:
        """Every condition that does not depend on the lines."""
        t = self.targeting
        if self.starts is not None and context.today < self.starts:
            return False
        if self.ends is not None and context.today > self.ends:
            return False
        if t.channels and context.channel not in t.channels:
            return False
        if t.stores and context.store_id not in t.stores:
            return False
        if t.radius_stores is not None and context.store_id not in t.radius_stores:
            return False
        if t.while_local_stock_lasts and context.store_id is None:
            return False
        if t.segments and not (t.segments & context.segments):
            return False
        if t.tiers and context.tier not in t.tiers:
            return False
        if self.coupon_code is not None and self.coupon_code.upper() not in {
            code.strip().upper() for code in context.coupon_codes
        }:
            return False
        if (
            self.per_customer_cap is not None
            and context.customer_uses.get(self.id, 0) >= self.per_customer_cap
        ):
            return False
        return self.budget_remaining is None or self.budget_remaining > 0
