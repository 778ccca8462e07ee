"""The till's price book for a network cut (ADR 0043): this store's SKUs at the till's price,
each price sealed by the server with the store and the time it was read, so that a sale made
offline is recorded at a price the server gave and at no price typed in on the phone."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation

from django.core import signing

from comptoir.catalog.errors import PriceNotFound, VariantNotFound
from comptoir.catalog.selectors import prices_for_skus, product_names_of_skus
from comptoir.core import clock
from comptoir.core.errors import ValidationFailed
from comptoir.inventory.selectors import skus_stocked_at

CHANNEL = "store"
SEAL_SALT = "comptoir.till.offline-price"
# How long a price read online may still be sold at offline: a weekend's outage, not a season.
PRICE_KEPT_FOR = timedelta(days=3)
CLOCK_SKEW = timedelta(minutes=10)  # a phone's clock ahead of the server's
PRICE_BOOK_SIZE = 5000


@dataclass(frozen=True)
class SealedPrice:
    sku: str
    name: str
    gtin: str
    price: Decimal
    currency: str
    seal: str


def price_book(*, store_id: int, now: datetime | None = None) -> list[SealedPrice]:
    """This store's SKUs (those it stocks) at the till's price now, each price sealed with the
    store and the time it was read: what the till may sell at while it is offline."""
    now = now or clock.now()
    gtins = dict(skus_stocked_at(location_id=store_id, limit=PRICE_BOOK_SIZE))
    prices = _prices(list(gtins), store_id)
    names = product_names_of_skus(list(prices))
    return [
        SealedPrice(
            sku,
            names.get(sku, ""),
            gtins.get(sku) or "",
            price,
            currency,
            _seal(store_id, sku, price, currency, now),
        )
        for sku, (price, currency) in prices.items()
    ]


def _prices(skus: list[str], store_id: int) -> dict[str, tuple[Decimal, str]]:
    """Each SKU's till price; a SKU with no price that applies here is left out of the book."""
    try:
        found = prices_for_skus(skus=skus, channel=CHANNEL, location_id=store_id)
    except (VariantNotFound, PriceNotFound):  # one unpriced SKU: price them one by one
        found = {}
        for sku in skus:
            try:
                found.update(prices_for_skus(skus=[sku], channel=CHANNEL, location_id=store_id))
            except (VariantNotFound, PriceNotFound):  # not sold here: not in the book
                continue
    return {sku: (price.amount, price.currency) for sku, (_, price) in found.items()}


def _seal(store_id: int, sku: str, price: Decimal, currency: str, now: datetime) -> str:
    return signing.dumps(
        {
            "store": store_id,
            "sku": sku,
            "price": str(price),
            "currency": currency,
            "read": now.isoformat(),
        },
        salt=SEAL_SALT,
        compress=False,
    )


def unseal(seal: str, *, store_id: int, sold_at: datetime) -> tuple[str, Decimal, str]:
    """The (sku, price, currency) the server sealed for this store, read before the sale and
    at most PRICE_KEPT_FOR before it."""
    try:
        entry = signing.loads(seal, salt=SEAL_SALT)
        read = datetime.fromisoformat(entry["read"])
        price = Decimal(entry["price"])
        sku, currency, store = str(entry["sku"]), str(entry["currency"]), int(entry["store"])
    except (signing.BadSignature, KeyError, TypeError, ValueError, InvalidOperation):
        raise queued_sale_refused("lines.seal", "not a price this till was given") from None
    if store != store_id:
        raise queued_sale_refused("lines.seal", "a price of another store")
    if not read - CLOCK_SKEW <= sold_at <= read + PRICE_KEPT_FOR:
        raise queued_sale_refused("lines.seal", "the price was too old when the sale was made")
    return sku, price, currency


def queued_sale_refused(field: str, message: str) -> ValidationFailed:
    return ValidationFailed(
        f"This queued sale cannot be recorded: {message}.",
        errors=[{"field": field, "message": message}],
    )
