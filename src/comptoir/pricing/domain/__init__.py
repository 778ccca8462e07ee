"""The pricing engine's pure core: no database, no Django (ADR 0048)."""

from comptoir.pricing.domain.cents import allocate
from comptoir.pricing.domain.engine import (
    AppliedRule,
    PricedBasket,
    PricedLine,
    RuleBook,
    price_basket,
    price_basket_naive,
)
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
    Targeting,
    TieredSpend,
)

__all__ = [
    "EXCLUSIVE",
    "AmountOff",
    "AppliedRule",
    "BasketLine",
    "BundlePrice",
    "BuyXGetY",
    "FixedPrice",
    "FreeDelivery",
    "PercentOff",
    "PricedBasket",
    "PricedLine",
    "PricingContext",
    "Promotion",
    "RuleBook",
    "Scope",
    "Targeting",
    "TieredSpend",
    "allocate",
    "price_basket",
    "price_basket_naive",
]
