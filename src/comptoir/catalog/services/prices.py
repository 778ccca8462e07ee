"""Price lists: one price per SKU everywhere, unless an explicit override says otherwise."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db import IntegrityError, transaction

from comptoir.core.money import MINOR_UNITS, Money
from comptoir.core.outbox import record_event

from .. import events
from ..domain import MAX_PRICE, PriceRule
from ..errors import InvalidPrice
from ..models import Price
from ..selectors import check_channel, store_id_for_code, variant_by_sku
from .search import refresh_search_documents


def price_field_problem(amount: Decimal, currency: str) -> str | None:
    """Why `amount` in `currency` cannot be a price, or None."""
    if currency not in MINOR_UNITS:
        return f"unknown currency {currency!r}; one of {', '.join(sorted(MINOR_UNITS))}"
    if not amount.is_finite() or amount < 0:
        return "a price is zero or more"
    if amount > MAX_PRICE:
        return f"a price is at most {MAX_PRICE}"
    if Money(amount, currency).amount != amount:
        return f"{currency} has {MINOR_UNITS[currency]} decimals"
    return None


@dataclass(frozen=True)
class PriceRuleSet:
    """A rule of a SKU's price list as it stands after set_price."""

    sku: str
    channel: str
    store: str
    amount: Decimal
    currency: str
    reason: str
    source: str
    created: bool


def set_price(
    *,
    sku: str,
    amount: Decimal,
    currency: str = "EUR",
    channel: str = "",
    store: str = "",
    reason: str = "",
) -> PriceRuleSet:
    """Set the base price of a SKU (no channel, no store) or an override for a channel, a
    store (its code) or both; replaces the rule that was there.

    An override must say why (a local competitor, a clearance): the price is the same
    everywhere unless a rule explicitly differs, and the rule carries its reason.
    Records `price.set`.
    """
    if problem := price_field_problem(amount, currency):
        raise InvalidPrice(problem, errors=[{"field": "amount", "message": problem}])
    if channel:
        check_channel(channel)
    if (channel or store) and not reason.strip():
        raise InvalidPrice(
            "An override needs a reason.",
            errors=[{"field": "reason", "message": "say why this price differs"}],
        )
    with transaction.atomic():
        variant = variant_by_sku(sku)
        location_id = store_id_for_code(store) if store else None
        rule = {"variant": variant, "channel": channel, "location_id": location_id}
        values = {"amount": amount, "currency": currency, "reason": reason}
        # Saved row by row, not with .update(): the model's save signal fires, so a
        # per-process cache of prices forgets this one.
        created = False
        price = Price.objects.select_for_update().filter(**rule).first()
        if price is None:
            try:
                with transaction.atomic():  # a concurrent writer may have created it
                    Price.objects.create(**rule, **values)
                created = True
            except IntegrityError:
                price = Price.objects.select_for_update().get(**rule)
        if price is not None:
            for name, value in values.items():
                setattr(price, name, value)
            price.save(update_fields=list(values))
        if not channel and not store:  # the price a search filters and counts by
            refresh_search_documents(product_ids=[variant.product_id])
        source = PriceRule(amount, currency, channel=channel, store=store).source
        record_event(
            events.PRICE_SET,
            aggregate=f"variant:{variant.pk}",
            payload={
                "variant_id": variant.pk,
                "sku": sku,
                "channel": channel,
                "store": store,
                "amount": str(amount),
                "currency": currency,
                "source": source,
                "reason": reason,
            },
        )
    return PriceRuleSet(sku, channel, store, amount, currency, reason, source, created)
