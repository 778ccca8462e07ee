"""Carts over HTTP: the shopper's own (session) or an anonymous one (X-Cart-Token), and the
same cart opened by an associate or an agent with its hand-off code."""

from django.http import HttpRequest
from ninja import Router, Status
from ninja.decorators import decorate_view

from comptoir.core.access import Actor, authorize
from comptoir.core.channels import channel_of
from comptoir.core.errors import NotFound
from comptoir.core.idempotency import idempotent

from . import selectors, services
from .domain import handoff_qr_svg
from .errors import CartNotFound
from .models import Cart
from .schemas import (
    AnonymousCartOut,
    CartIn,
    CartLineIn,
    CartLineQuantityIn,
    CartOut,
    HandoffOut,
)

router = Router(tags=["carts"])
CART_TOKEN_HEADER = "X-Cart-Token"


def access_cart_by_id(actor: Actor, cart_id: int, permission: str) -> Cart:
    """The one access check for a cart by id. A shopper asking for a cart not theirs, or an
    anonymous one, is told it does not exist, exactly as for an unknown id."""
    cart = selectors.cart_by_id(cart_id=cart_id)
    if cart.customer_id is None and not actor.is_staff_member:
        raise CartNotFound("No such cart.")
    try:
        authorize(actor, permission, customer_id=cart.customer_id)
    except NotFound:
        raise CartNotFound("No such cart.") from None
    return cart


def _current_cart(request: HttpRequest, channel: str) -> Cart:
    """A signed-in shopper's open cart, with the anonymous cart they filled before signing in
    (X-Cart-Token) merged into it; otherwise the anonymous cart the token names."""
    actor: Actor = request.auth
    token = request.headers.get(CART_TOKEN_HEADER, "")
    if actor.customer_id is not None:
        authorize(actor, "carts.write", customer_id=actor.customer_id)
        if token:
            return services.merge_anonymous_cart(
                token=token, customer_id=actor.customer_id, channel=channel
            )
        return services.cart_of_customer(customer_id=actor.customer_id, channel=channel)
    cart = selectors.cart_by_token(token=token)
    if cart is None or cart.status != Cart.Status.OPEN:
        raise CartNotFound(
            f"No open cart: start one with POST /carts and send {CART_TOKEN_HEADER}."
        )
    return cart


def _view(cart: Cart) -> selectors.CartView:
    return selectors.cart_view(cart=selectors.cart_by_id(cart_id=cart.pk))


@router.post("", response={201: AnonymousCartOut}, operation_id="start_cart", auth=None)
def start_cart(request: HttpRequest, payload: CartIn) -> Status[object]:
    """A new anonymous cart and its token, to send back as X-Cart-Token. A signed-in shopper
    needs none: GET /carts/current is their cart, and merges this one into it."""
    cart = services.open_anonymous_cart(channel=payload.channel)
    view = selectors.cart_view(cart=cart)
    return Status(201, {**_out(view), "token": cart.anonymous_token})


def _out(view: selectors.CartView) -> dict:
    return {**view.__dict__, "item_count": view.item_count}


@router.get("/current", response=CartOut, operation_id="get_current_cart")
def get_current_cart(request: HttpRequest, channel: str = "web") -> dict:
    """The caller's cart: a signed-in shopper's (merging the X-Cart-Token cart into it, which
    is how signing in keeps what was added before), or the anonymous one the token names."""
    return _out(_view(_current_cart(request, channel)))


@router.post("/current/lines", response=CartOut, operation_id="add_to_current_cart")
@decorate_view(idempotent)
def add_to_current_cart(request: HttpRequest, payload: CartLineIn) -> dict:
    cart = _current_cart(request, payload.channel)
    services.add_line(
        cart_id=cart.pk,
        sku=payload.sku,
        quantity=payload.quantity,
        channel=channel_of(request.auth, payload.channel),
    )
    return _out(_view(cart))


@router.put("/current/lines/{sku}", response=CartOut, operation_id="set_current_cart_line")
def set_current_cart_line(request: HttpRequest, sku: str, payload: CartLineQuantityIn) -> dict:
    cart = _current_cart(request, "web")
    services.set_line_quantity(cart_id=cart.pk, sku=sku, quantity=payload.quantity)
    return _out(_view(cart))


def _handoff(cart: Cart) -> dict:
    cart = services.issue_handoff_code(cart_id=cart.pk)
    return {
        "cart_id": cart.pk,
        "code": cart.handoff_code,
        "expires_at": cart.handoff_expires_at,
        "qr_svg": handoff_qr_svg(cart.handoff_code or ""),
    }


@router.post("/current/handoff", response=HandoffOut, operation_id="hand_off_current_cart")
def hand_off_current_cart(request: HttpRequest) -> dict:
    """A short code and its QR (SVG): shown to an associate or read to an agent, it opens this
    very cart for them for half an hour."""
    return _handoff(_current_cart(request, "web"))


@router.get("/handoff/{code}", response=CartOut, operation_id="open_cart_by_handoff_code")
def open_cart_by_handoff_code(request: HttpRequest, code: str) -> dict:
    """An associate or agent opens the customer's cart with the code they were shown or told."""
    authorize(request.auth, "carts.read")
    cart = selectors.cart_by_handoff_code(code=code)
    return _out(selectors.cart_view(cart=cart))


@router.get("/{cart_id}", response=CartOut, operation_id="get_cart")
def get_cart(request: HttpRequest, cart_id: int) -> dict:
    cart = access_cart_by_id(request.auth, cart_id, "carts.read")
    return _out(selectors.cart_view(cart=cart))


@router.post("/{cart_id}/lines", response=CartOut, operation_id="add_to_cart")
@decorate_view(idempotent)
def add_to_cart(request: HttpRequest, cart_id: int, payload: CartLineIn) -> dict:
    """Add a line to a cart by id: its owner, or the associate or agent serving them (the line
    records their channel and who added it)."""
    actor: Actor = request.auth
    cart = access_cart_by_id(actor, cart_id, "carts.write")
    services.add_line(
        cart_id=cart.pk,
        sku=payload.sku,
        quantity=payload.quantity,
        channel=channel_of(actor, payload.channel),
        added_by_id=actor.user_id if actor.is_staff_member else None,
    )
    return _out(_view(cart))


@router.post("/{cart_id}/handoff", response=HandoffOut, operation_id="hand_off_cart")
def hand_off_cart(request: HttpRequest, cart_id: int) -> dict:
    """Staff hand a cart on (an agent to a store, an associate to the web)."""
    return _handoff(access_cart_by_id(request.auth, cart_id, "carts.write"))
