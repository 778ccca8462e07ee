"""Checkout: the shopper's cart and a chosen delivery option become one order.

The options are computed again at checkout (stock and the clock have moved since the shopper
looked), and the order is placed from the chosen one's pieces through `place_order`. The cart
row is locked first and closed in the same transaction as the order: two checkouts of one cart
never make two orders, and a declined card or a refused order leaves the cart open as it was.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import transaction

from comptoir.carts.selectors import cart_view
from comptoir.carts.services import mark_ordered, open_cart_for_update
from comptoir.core import clock
from comptoir.core.errors import Conflict, ValidationFailed
from comptoir.core.outbox import record_event
from comptoir.inventory.selectors import resolve_skus
from comptoir.locations.domain import GeoPoint
from comptoir.orders.services.placing import (
    LineRequest,
    OrderRequest,
    PaymentRequest,
    PlacedOrder,
    order_keys,
    place_order,
)

from .domain.sourcing import OrderLine
from .errors import CapacityFull
from .offers import (
    CLICK_AND_COLLECT,
    HOME_EXPRESS,
    HOME_OPTIONS,
    HOME_STANDARD,
    HOME_TIME_SLOT,
    RESERVE_AND_COLLECT,
    SAME_DAY,
    SHIP_FROM_STORE,
    SHIP_TO_STORE,
    STORE_OPTIONS,
    delivery_offers,
)
from .options import DeliveryOption, Piece, Place, Slot, delivery_options, home_place, store_place
from .selectors import full_slots

if TYPE_CHECKING:
    from comptoir.carts.models import Cart

CHECKOUT_COMPLETED = "checkout.completed"


class OptionUnavailable(Conflict):
    code = "delivery-option-unavailable"
    title = "This delivery option is not possible any more"


@dataclass(frozen=True)
class CheckoutRequest:
    cart_id: int
    customer_id: int | None
    option: str
    payment: PaymentRequest
    channel: str = "web"
    store_code: str | None = None
    delivery_address: dict[str, Any] = field(default_factory=dict)
    slot_starts_at: datetime | None = None
    created_by: str = ""


@dataclass(frozen=True)
class Checkout:
    placed: PlacedOrder
    option: DeliveryOption
    slot: Slot | None


def _invalid(message: str, field_name: str) -> ValidationFailed:
    return ValidationFailed(message, errors=[{"field": field_name, "message": message}])


def cart_lines(cart: Cart) -> list[OrderLine]:
    return [OrderLine(line.sku, line.quantity) for line in cart_view(cart=cart).lines]


def _place(request: CheckoutRequest) -> Place:
    if request.option in STORE_OPTIONS:
        if not request.store_code:
            raise _invalid("the store it is collected in", "store")
        return store_place(request.store_code, field_name="store")
    if request.option not in HOME_OPTIONS:
        raise _invalid(f"one of {', '.join((*HOME_OPTIONS, *STORE_OPTIONS))}", "option")
    address = request.delivery_address
    if not address:
        raise _invalid("a home delivery needs the address", "delivery_address")
    lat, lon = address.get("lat"), address.get("lon")
    point = GeoPoint(float(lat), float(lon)) if lat is not None and lon is not None else None
    return home_place(
        point=point,
        postcode=address.get("postcode"),
        point_field="delivery_address.lat",
        postcode_field="delivery_address.postcode",
    )


def _chosen_slot(option: DeliveryOption, starts_at: datetime | None) -> Slot | None:
    if option.code != HOME_TIME_SLOT:
        return None
    slot = next((s for s in option.slots if s.starts_at == starts_at), None)
    if slot is None:
        sources = {piece.location_id for piece in option.pieces}
        if starts_at is not None and full_slots(location_ids=sources, starts=[starts_at]):
            raise CapacityFull("This slot is full: choose another one.")
        raise _invalid("one of the slots GET /delivery-options offers", "slot_starts_at")
    return slot


def line_requests(pieces: tuple[Piece, ...]) -> list[LineRequest]:
    """One line per SKU: its location, or none when the plan splits it across locations
    (the order's own sourcing then places it)."""
    by_sku: dict[str, list[Piece]] = {}
    for piece in pieces:
        by_sku.setdefault(piece.sku, []).append(piece)
    return [
        LineRequest(
            sku,
            sum(p.quantity for p in same),
            same[0].location_id if len({p.location_id for p in same}) == 1 else None,
        )
        for sku, same in by_sku.items()
    ]


def check_out(request: CheckoutRequest, *, now: datetime | None = None) -> Checkout:
    """Turn the cart into an order with the chosen option. All or nothing: the order is placed
    (its stock held, its payment authorised or due at pickup) and the cart closed, or neither.

    Raises CartClosed for a cart already checked out, ValidationFailed for an empty cart or a
    missing store/address/slot, OptionUnavailable when the option is not possible now, and
    whatever `place_order` raises (PaymentDeclined: nothing written, nothing held).
    """
    now = now or clock.now()
    place = _place(request)
    # The PSP is asked inside this transaction, with only this cart's row locked: no stock row
    # waits on it, and a retry on another connection waits here instead of ordering twice.
    with transaction.atomic():
        cart = open_cart_for_update(
            cart_id=request.cart_id, closed="This cart was already checked out or merged."
        )
        lines = cart_lines(cart)
        if not lines:
            raise _invalid("the cart is empty", "cart")
        variant_ids = resolve_skus([line.sku for line in lines])
        options = delivery_options(
            lines=lines,
            variant_ids=variant_ids,
            place=place,
            offers=delivery_offers(),
            now=now,
            channel=request.channel,
        )
        option = next(o for o in options if o.code == request.option)
        if not option.available:
            raise OptionUnavailable(option.reason or "Not possible now.")
        slot = _chosen_slot(option, request.slot_starts_at)
        placed = place_order(
            OrderRequest(
                channel=request.channel,
                fulfilment_mode=option.fulfilment_mode,
                lines=line_requests(option.pieces),
                payment=request.payment,
                customer_id=request.customer_id,
                pickup_location_id=place.store_id,
                delivery_address=_address(request, place),
                created_by=request.created_by,
                delivery_fee=option.price,
                delivery_option=option.code,
                delivery_slot=(slot.starts_at, slot.ends_at) if slot is not None else None,
            ),
            now=now,
        )
        mark_ordered(cart)
        record_event(
            CHECKOUT_COMPLETED,
            aggregate=f"order:{placed.order.pk}",
            payload=_completed_payload(placed, cart.pk, option, slot),
            now=now,
        )
    return Checkout(placed, option, slot)


# The options each fulfilment mode offers, its usual one first (what an order placed without
# choosing one is charged: a call-centre home delivery pays the web's standard fee).
OPTIONS_OF_MODE: dict[str, tuple[str, ...]] = {
    "home_delivery": (HOME_STANDARD, HOME_EXPRESS, HOME_TIME_SLOT),
    "ship_from_store": (SHIP_FROM_STORE, SAME_DAY),
    "endless_aisle_home": (HOME_STANDARD, HOME_EXPRESS),
    "click_and_collect": (CLICK_AND_COLLECT,),
    "reserve_and_collect": (RESERVE_AND_COLLECT,),
    "ship_to_store": (SHIP_TO_STORE,),
}


def price_delivery(*, fulfilment_mode: str, option: str, currency: str) -> tuple[Decimal, str]:
    """The fee of an order placed outside checkout (the orders API): the retailer's price of
    the chosen option, or of the mode's usual one. Registered with orders at start-up
    (`placing.use_fee_pricer`, see apps.py); the client never sends an amount."""
    offered = OPTIONS_OF_MODE.get(fulfilment_mode, ())
    chosen = option or (offered[0] if offered else "")
    if chosen not in offered:
        raise _invalid(f"this mode offers {', '.join(offered)}", "delivery_option")
    offers = delivery_offers()
    if offers.currency != currency:
        raise _invalid(f"delivery is priced in {offers.currency}", "delivery_option")
    return offers[chosen].price, chosen


def _address(request: CheckoutRequest, place: Place) -> dict[str, Any]:
    if place.kind == "store":
        return {}
    return {
        **request.delivery_address,
        "lat": place.point.latitude,
        "lon": place.point.longitude,
    }


def _completed_payload(
    placed: PlacedOrder, cart_id: int, option: DeliveryOption, slot: Slot | None
) -> dict[str, Any]:
    """What was promised at checkout, so that the promise outlives the options page."""
    return {
        **order_keys(placed.order),
        "cart_id": cart_id,
        "option": option.code,
        "delivery_price": str(option.price),
        "currency": option.currency,
        "promised_date": option.promised_date.isoformat() if option.promised_date else None,
        "ready_by": option.ready_by.isoformat() if option.ready_by else None,
        "promise": option.promise,
        "slot": None
        if slot is None
        else {"starts_at": slot.starts_at.isoformat(), "ends_at": slot.ends_at.isoformat()},
    }
