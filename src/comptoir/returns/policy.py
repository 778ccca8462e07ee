"""The retailer's return policy: how long, where and at what cost a shopper may return.

Like the delivery offers (fulfilment/offers.py), a small table in settings
(`COMPTOIR_RETURN_POLICY`) merged over the defaults below, read when asked. Pages show it and
the product pages' structured data publish it (`hasMerchantReturnPolicy`).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings

from comptoir.core.money import Money

# Élan's policy, as French law and the sector's habit have it: 30 days, in any store or by
# post, free both ways. The legal minimum for a distance sale is 14 days (Code de la
# consommation, L221-18).
DEFAULT_RETURN_POLICY: dict[str, Any] = {
    "days": 30,
    "countries": ["FR"],
    "in_store": True,
    "by_post": True,
    "post_fee": "0.00",
    "currency": "EUR",
}


@dataclass(frozen=True)
class ReturnPolicy:
    days: int
    countries: tuple[str, ...]
    in_store: bool
    by_post: bool
    post_fee: Decimal
    currency: str

    @property
    def is_free(self) -> bool:
        return not self.by_post or self.post_fee == 0


def return_policy() -> ReturnPolicy:
    """The defaults with the retailer's settings over them."""
    table = {**DEFAULT_RETURN_POLICY, **(getattr(settings, "COMPTOIR_RETURN_POLICY", None) or {})}
    currency = str(table["currency"])
    return ReturnPolicy(
        days=int(table["days"]),
        countries=tuple(str(code) for code in table["countries"]),
        in_store=bool(table["in_store"]),
        by_post=bool(table["by_post"]),
        post_fee=Money(Decimal(str(table["post_fee"])), currency).amount,
        currency=currency,
    )
