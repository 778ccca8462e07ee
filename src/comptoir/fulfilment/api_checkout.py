"""The storefront's two calls: the delivery options with their promise, then the checkout."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import HttpRequest
from ninja import Query, Router, Status
from ninja.decorators import decorate_view

from comptoir.carts import selectors as carts
from comptoir.carts.api import CART_TOKEN_HEADER, access_cart_by_id
from comptoir.carts.domain import CartStatus
from comptoir.carts.errors import CartNotFound
from comptoir.carts.services import cart_of_customer, merge_anonymous_cart
from comptoir.core import clock
from comptoir.core.access import Actor, authorize
from comptoir.core.errors import NotAuthenticated, PermissionDenied, ValidationFailed
from comptoir.core.idempotency import idempotent
from comptoir.core.problem import problem_answer
from comptoir.inventory.errors import UnknownSku
from comptoir.inventory.selectors import resolve_skus
from comptoir.locations.domain import GeoPoint
from comptoir.orders.api import order_out
from comptoir.orders.services.placing import PaymentRequest

from .checkout import CheckoutRequest, cart_lines, check_out
from .domain.sourcing import OrderLine
from .offers import delivery_offers
from .options import DeliveryOption, Place, delivery_options, home_place, store_place
from .schemas_checkout import CheckoutIn, CheckoutOut, DeliveryOptionsOut

if TYPE_CHECKING:
    from comptoir.carts.models import Cart

router = Router(tags=["checkout"])
MAX_LINES = 50


def _invalid(message: str, field_name: str) -> ValidationFailed:
    return ValidationFailed(message, errors=[{"field": field_name, "message": message}])


def _cart_asked(request: HttpRequest, cart: str) -> Cart:
    """`current`: the signed-in shopper's open cart, or the anonymous one X-Cart-Token names;
    an id: as GET /carts/{id} allows (its owner, or staff)."""
    actor: Actor = request.auth
    if cart != "current":
        if not (cart.isascii() and cart.isdigit()) or len(cart) > 18:
            raise _invalid("current, or a cart id", "query.cart")
        return access_cart_by_id(actor, int(cart), "carts.read")
    found: Cart | None
    if actor.customer_id is not None:
        authorize(actor, "carts.read", customer_id=actor.customer_id)
        found = carts.open_cart_of(customer_id=actor.customer_id)
    else:
        found = carts.cart_by_token(token=request.headers.get(CART_TOKEN_HEADER, ""))
    if found is None or found.status != CartStatus.OPEN:
        raise CartNotFound(f"No open cart: sign in, or send {CART_TOKEN_HEADER}.")
    return found


def _lines_asked(
    request: HttpRequest, cart: str | None, skus: list[str], quantities: list[int]
) -> list[OrderLine]:
    if (cart is None) == (not skus):
        raise ValidationFailed(
            "Ask for a cart, or for sku and quantity pairs.",
            errors=[{"field": f, "message": "a cart or SKUs"} for f in ("query.cart", "query.sku")],
        )
    if cart is not None:
        lines = cart_lines(_cart_asked(request, cart))
        if not lines:
            raise _invalid("the cart is empty", "query.cart")
        return lines
    if len(skus) != len(quantities) or len(skus) > MAX_LINES:
        raise _invalid(f"one quantity per sku, at most {MAX_LINES}", "query.quantity")
    if len(set(skus)) != len(skus):
        raise _invalid("each sku once", "query.sku")
    if any(not 1 <= quantity <= 100 for quantity in quantities):
        raise _invalid("from 1 to 100", "query.quantity")
    return [OrderLine(sku, quantity) for sku, quantity in zip(skus, quantities, strict=True)]


def _place_asked(
    store: str | None, postcode: str | None, lat: float | None, lon: float | None
) -> Place:
    if (lat is None) != (lon is None):
        raise ValidationFailed(
            "Give lat and lon together.",
            errors=[
                {"field": f"query.{f}", "message": "lat and lon together"} for f in ["lat", "lon"]
            ],
        )
    given = [
        f for f, v in (("store", store), ("postcode", postcode), ("lat", lat)) if v is not None
    ]
    if len(given) != 1:
        message = "one of store, postcode, lat and lon"
        raise ValidationFailed(
            "Say where it goes: a store, a postcode, or lat and lon.",
            errors=[{"field": f"query.{f}", "message": message} for f in given or ["store"]],
        )
    if store:
        return store_place(store, field_name="query.store")
    point = GeoPoint(lat, lon) if lat is not None and lon is not None else None
    return home_place(
        point=point, postcode=postcode, point_field="query.lat", postcode_field="query.postcode"
    )


def _option_out(option: DeliveryOption) -> dict:
    return {
        **{k: v for k, v in option.__dict__.items() if k not in {"pieces", "store_code"}},
        "price": str(option.price),
        "store": option.store_code,
        "slots": [slot.__dict__ for slot in option.slots],
    }


@router.get("/delivery-options", response=DeliveryOptionsOut, operation_id="list_delivery_options")
def list_delivery_options(
    request: HttpRequest,
    cart: str | None = Query(None, max_length=20, description="current, or a cart id"),  # noqa: B008
    sku: list[str] = Query([], description="instead of a cart: repeat with quantity"),  # noqa: B008
    quantity: list[int] = Query([]),  # noqa: B008
    store: str | None = Query(None, max_length=40, description="collect at this store"),  # noqa: B008
    postcode: str | None = Query(None, max_length=10, description="a French postcode"),  # noqa: B008
    lat: float | None = Query(None, ge=-90, le=90),  # noqa: B008
    lon: float | None = Query(None, ge=-180, le=180),  # noqa: B008
) -> dict:
    """What is possible now for these lines and this place, each with its price and promise;
    what is not possible is listed with its reason. Anonymous shoppers may ask (their cart
    through X-Cart-Token)."""
    lines = _lines_asked(request, cart, sku, quantity)
    place = _place_asked(store, postcode, lat, lon)
    try:
        variant_ids = resolve_skus([line.sku for line in lines])
    except UnknownSku as error:
        raise ValidationFailed(
            error.detail, errors=[{**e, "field": "query.sku"} for e in error.errors]
        ) from None
    options = delivery_options(
        lines=lines,
        variant_ids=variant_ids,
        place=place,
        offers=delivery_offers(),
        now=clock.now(),
    )
    return {
        "destination": {
            "kind": place.kind,
            "label": place.label,
            "store": store if place.kind == "store" else None,
            "lat": place.point.latitude,
            "lon": place.point.longitude,
        },
        "lines": [{"sku": line.sku, "quantity": line.quantity} for line in lines],
        "options": [_option_out(option) for option in options],
    }


def _checkout_cart(request: HttpRequest, channel: str) -> Cart:
    """The signed-in shopper's cart, with the X-Cart-Token cart they filled before signing in."""
    actor: Actor = request.auth
    if not actor.is_authenticated:
        raise NotAuthenticated("Sign in to check out: the cart you filled comes with you.")
    if actor.customer_id is None or actor.is_staff_member:
        raise PermissionDenied("A shopper checks out their own cart; staff use POST /orders.")
    authorize(actor, "orders.write", customer_id=actor.customer_id)
    token = request.headers.get(CART_TOKEN_HEADER, "")
    if token:
        return merge_anonymous_cart(token=token, customer_id=actor.customer_id, channel=channel)
    return cart_of_customer(customer_id=actor.customer_id, channel=channel)


@router.post(
    "/checkouts",
    response={201: CheckoutOut},
    operation_id="check_out",
    openapi_extra={"responses": {"402": problem_answer("The payment was declined")}},
)
@decorate_view(idempotent)
def check_out_endpoint(request: HttpRequest, payload: CheckoutIn) -> Status:
    """The signed-in shopper's cart becomes an order with the option chosen from GET
    /delivery-options. Send an `Idempotency-Key`: a retry returns the same order. A declined
    card is a 402: nothing is held and the cart stays as it was."""
    actor: Actor = request.auth
    cart = _checkout_cart(request, payload.channel)
    done = check_out(
        CheckoutRequest(
            cart_id=cart.pk,
            customer_id=actor.customer_id,
            option=payload.option,
            payment=PaymentRequest(payload.payment.method, payload.payment.card_token or ""),
            channel=payload.channel,
            store_code=payload.store,
            delivery_address=payload.delivery_address.dict() if payload.delivery_address else {},
            slot_starts_at=payload.slot_starts_at,
            created_by=actor.caller_key,
        )
    )
    return Status(
        201,
        {
            "order": order_out(done.placed.order, actor),
            "option": _option_out(done.option),
            "slot": done.slot.__dict__ if done.slot else None,
        },
    )
