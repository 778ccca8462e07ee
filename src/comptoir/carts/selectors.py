"""Reads about carts: by token, by owner, by hand-off code; lines with a store's stock."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from comptoir.core import clock
from comptoir.customers.selectors import customer_by_id
from comptoir.inventory.selectors import availability

from .domain import normalise_handoff_code
from .errors import CartNotFound, HandoffCodeNotFound
from .models import Cart


def cart_by_id(*, cart_id: int) -> Cart:
    try:
        return Cart.objects.get(pk=cart_id)
    except Cart.DoesNotExist:
        raise CartNotFound("No such cart.") from None


def cart_for_update(*, cart_id: int) -> Cart:
    try:
        return Cart.objects.select_for_update().get(pk=cart_id)
    except Cart.DoesNotExist:
        raise CartNotFound("No such cart.") from None


def cart_by_token(*, token: str) -> Cart | None:
    return Cart.objects.filter(anonymous_token=token).first() if token else None


def open_cart_of(*, customer_id: int) -> Cart | None:
    return Cart.objects.filter(customer_id=customer_id, status=Cart.Status.OPEN).first()


def cart_by_handoff_code(*, code: str, now: datetime | None = None) -> Cart:
    """The open cart a live hand-off code names; an expired or unknown code is a 404."""
    cart = Cart.objects.filter(
        handoff_code=normalise_handoff_code(code),
        handoff_expires_at__gt=now or clock.now(),
        status=Cart.Status.OPEN,
    ).first()
    if cart is None:
        raise HandoffCodeNotFound("No open cart has this hand-off code; it may have expired.")
    return cart


@dataclass(frozen=True)
class CartLineView:
    sku: str
    product: str
    quantity: int
    channel: str
    available_at_store: int | None


@dataclass(frozen=True)
class CartView:
    id: int
    customer_id: int | None
    status: str
    channel: str
    store: str | None  # the store whose stock the lines show: the customer's favourite
    lines: list[CartLineView]
    handoff_code: str | None
    handoff_expires_at: datetime | None

    @property
    def item_count(self) -> int:
        return sum(line.quantity for line in self.lines)


def cart_view(*, cart: Cart, now: datetime | None = None) -> CartView:
    """The cart as every channel shows it; lines carry the stock of the customer's favourite
    store. Three queries whatever the number of lines."""
    store = None
    if cart.customer_id is not None:
        store = customer_by_id(customer_id=cart.customer_id).favourite_location
    lines = list(cart.lines.select_related("variant__product").order_by("added_at", "id"))
    stock: dict[str, int] = {}
    if store is not None and lines:
        stock = {
            row.sku: row.figures.available
            for row in availability(
                variant_ids={line.variant.sku: line.variant_id for line in lines},
                location_ids=[store.pk],
                channel="store",
            )
        }
    live = cart.handoff_expires_at is not None and cart.handoff_expires_at > (now or clock.now())
    return CartView(
        id=cart.pk,
        customer_id=cart.customer_id,
        status=cart.status,
        channel=cart.channel,
        store=store.code if store else None,
        lines=[
            CartLineView(
                sku=line.variant.sku,
                product=line.variant.product.name,
                quantity=line.quantity,
                channel=line.channel,
                available_at_store=stock.get(line.variant.sku) if store else None,
            )
            for line in lines
        ],
        handoff_code=cart.handoff_code if live else None,
        handoff_expires_at=cart.handoff_expires_at if live else None,
    )


def carts_export(customer_id: int) -> list[dict[str, Any]]:
    """The person's carts for the GDPR export."""
    return [
        {
            "id": cart.pk,
            "status": cart.status,
            "channel": cart.channel,
            "created_at": cart.created_at.isoformat(),
            "lines": [
                {"sku": line.variant.sku, "quantity": line.quantity, "channel": line.channel}
                for line in cart.lines.select_related("variant").order_by("id")
            ],
        }
        for cart in Cart.objects.filter(customer_id=customer_id).order_by("id")
    ]
