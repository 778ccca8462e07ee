"""Builders for feed tests: stores with their services, the Trail jacket on their shelves.

Everything goes through the services the API uses (catalog, locations, inventory).
"""

from __future__ import annotations

from decimal import Decimal

from comptoir.accounts.tests.factories import bearer, make_api_token
from comptoir.catalog.models import Variant
from comptoir.catalog.services.prices import set_price
from comptoir.catalog.tests.factories import make_product
from comptoir.inventory.services.holds import HoldRequestLine, place_hold
from comptoir.inventory.services.stock import receive_stock
from comptoir.locations.models import Location

TRAIL_JACKET_SKUS = ("TRAIL-JACKET-S", "TRAIL-JACKET-M")


def make_trail_jacket(*, price: str = "89.90") -> dict[str, Variant]:
    """The Trail jacket in S and M, both at `price` everywhere; SKU → variant."""
    make_product("veste-trail", skus=TRAIL_JACKET_SKUS, name="Veste de trail", price=price)
    return {variant.sku: variant for variant in Variant.objects.filter(sku__in=TRAIL_JACKET_SKUS)}


def put_on_shelf(variant: Variant, location: Location, quantity: int) -> None:
    receive_stock(
        variant_id=variant.pk,
        location_id=location.pk,
        sku=variant.sku,
        quantity=quantity,
        reference="delivery note 1",
    )


def hold_for_web(variant: Variant, store: Location, quantity: int, *, cart: str) -> None:
    """A web shopper's cart holds `quantity` units at `store`."""
    place_hold(
        lines=[HoldRequestLine(store.pk, variant.pk, variant.sku, quantity)],
        channel="web",
        reference=cart,
    )


def price_in_store(variant: Variant, store: Location, amount: str) -> None:
    set_price(
        sku=variant.sku,
        amount=Decimal(amount),
        store=store.code,
        reason="a sports shop opened across the street",
    )


# --- webhook subscriptions -------------------------------------------------------------------

CRM_URL = "http://127.0.0.1:9/hooks/comptoir"  # allowed by the test settings; nothing listens


def webhook_manager() -> dict[str, str]:
    """The headers of an integration allowed to manage webhooks."""
    _, raw = make_api_token("webhooks.manage", name="crm-connector")
    return bearer(raw)
