"""What the attack tests share: a small retailer (two Lyon stores, a warehouse, the trail
jacket in three sizes), orders placed through the services, and the invariants they check."""

from __future__ import annotations

from decimal import Decimal

from comptoir.customers.tests.factories import make_shopper
from comptoir.inventory.models import StockLevel
from comptoir.orders.services.placing import (
    LineRequest,
    OrderRequest,
    PaymentRequest,
    PlacedOrder,
    place_order,
)
from comptoir.orders.tests.factories import (
    CARD_OK,
    HOME,
    JACKET_SKUS,
    make_jackets,
    make_location,
    stock,
)
from comptoir.reconciliation import reconcile

STORE, OTHER_STORE, WAREHOUSE = "lyon-bellecour", "lyon-part-dieu", "entrepot-lyon"
FEE = Decimal("4.90")


def open_the_shop(units: int = 6) -> dict:
    """The stores, the jackets, `units` of each size everywhere, and Jean."""
    places = {
        STORE: make_location(STORE, city="Lyon"),
        OTHER_STORE: make_location(OTHER_STORE, city="Lyon"),
        WAREHOUSE: make_location(WAREHOUSE, city="Saint-Priest", kind="warehouse"),
    }
    make_jackets()
    for location in places.values():
        for sku in JACKET_SKUS:
            stock(sku, location, units)
    return {"places": places, "jean": make_shopper()}


def place_pickup(world: dict, *, sku: str = "JACKET-TRAIL-S", quantity: int = 1) -> PlacedOrder:
    """A web click & collect at Bellecour, paid by card."""
    return place_order(
        OrderRequest(
            channel="web",
            fulfilment_mode="click_and_collect",
            lines=[LineRequest(sku, quantity)],
            payment=PaymentRequest("card", CARD_OK),
            customer_id=world["jean"].pk,
            pickup_location_id=world["places"][STORE].pk,
        )
    )


def place_home(world: dict, *, sku: str = "JACKET-TRAIL-M", quantity: int = 1) -> PlacedOrder:
    """A web home delivery from the warehouse, with its delivery fee."""
    return place_order(
        OrderRequest(
            channel="web",
            fulfilment_mode="home_delivery",
            lines=[LineRequest(sku, quantity, world["places"][WAREHOUSE].pk)],
            payment=PaymentRequest("card", CARD_OK),
            customer_id=world["jean"].pk,
            delivery_address=HOME,
            delivery_fee=FEE,
            delivery_option="home_standard",
        )
    )


def level(sku: str, location) -> tuple[int, int]:
    row = StockLevel.objects.get(variant__sku=sku, location=location)
    return row.on_hand, row.held


def assert_reconciles() -> None:
    found = reconcile()
    assert found == [], "\n".join(str(d) for d in found)
