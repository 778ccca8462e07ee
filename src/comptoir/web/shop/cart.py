"""The shopper's cart: the same server-side cart the app, the call centre and the store see.

A signed-in shopper has one open cart; a visitor's cart is named by a token kept in their
session and joins the shopper's cart when they sign in (carts.services.merge_anonymous_cart).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from comptoir.carts.domain import CartStatus, handoff_qr_svg
from comptoir.carts.selectors import cart_by_token, cart_view
from comptoir.carts.services import (
    add_line,
    cart_of_customer,
    issue_handoff_code,
    merge_anonymous_cart,
    open_anonymous_cart,
    set_line_quantity,
)
from comptoir.core.access import authorize

from ..access import actor_of

if TYPE_CHECKING:
    from comptoir.carts.models import Cart

CHANNEL = "web"
SESSION_KEY = "cart_token"


def current_cart(request: HttpRequest, *, create: bool) -> Cart | None:
    """The visitor's open cart: the shopper's own (with the session's anonymous cart merged
    in), else the session's anonymous cart; a new anonymous one if `create`."""
    actor = actor_of(request)
    token = request.session.get(SESSION_KEY, "")
    if actor.customer_id is not None:
        authorize(actor, "carts.write", customer_id=actor.customer_id)
        if token:
            request.session.pop(SESSION_KEY)
            return merge_anonymous_cart(token=token, customer_id=actor.customer_id, channel=CHANNEL)
        return cart_of_customer(customer_id=actor.customer_id, channel=CHANNEL)
    return session_cart(request, SESSION_KEY, create=create)


def session_cart(request: HttpRequest, key: str, *, create: bool) -> Cart | None:
    """The open anonymous cart whose token the session keeps under `key`; a new one if
    `create` (the storefront's visitor, the kiosk's shopper)."""
    token = request.session.get(key, "")
    cart = cart_by_token(token=token) if token else None
    if cart is not None and cart.status == CartStatus.OPEN:
        return cart
    if not create:
        return None
    cart = open_anonymous_cart(channel=CHANNEL)
    request.session[key] = cart.anonymous_token
    return cart


def show(request: HttpRequest) -> HttpResponse:
    cart = current_cart(request, create=False)
    context: dict[str, Any] = {"cart": cart_view(cart=cart) if cart else None}
    if context["cart"] and context["cart"].handoff_code:
        context["qr"] = mark_safe(handoff_qr_svg(context["cart"].handoff_code))  # noqa: S308
    return render(request, "web/shop/cart.html", context)


@require_POST
def add(request: HttpRequest) -> HttpResponse:
    cart = current_cart(request, create=True)
    sku = request.POST.get("sku", "")
    add_line(cart_id=cart.pk, sku=sku, quantity=_quantity(request, default=1), channel=CHANNEL)
    messages.success(request, _("%(sku)s is in your cart.") % {"sku": sku})
    return redirect("shop:cart")


@require_POST
def change(request: HttpRequest, sku: str) -> HttpResponse:
    cart = current_cart(request, create=False)
    if cart is not None:
        set_line_quantity(cart_id=cart.pk, sku=sku, quantity=_quantity(request, default=0))
    return redirect("shop:cart")


@require_POST
def hand_off(request: HttpRequest) -> HttpResponse:
    """A short code (and its QR) so that an associate or an agent opens this very cart."""
    cart = current_cart(request, create=True)
    issue_handoff_code(cart_id=cart.pk)
    return redirect("shop:cart")


def _quantity(request: HttpRequest, *, default: int) -> int:
    """The posted quantity; text that is not a whole number is the service's to refuse (-1)."""
    raw = request.POST.get("quantity", "").strip()
    if not raw:
        return default
    return int(raw) if re.fullmatch(r"-?[0-9]{1,6}", raw) else -1  # not isdigit(): "²" is one
