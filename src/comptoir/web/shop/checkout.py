"""Checkout: the cart becomes an order through orders.services.place_order, as from the API.

Where each line's units come from is the order service's to decide: the pickup store for the
collect modes, else the sourcing engine. The page only sends the address with its point
(found from the postcode), which the engine measures distances from.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from comptoir.carts.selectors import cart_view
from comptoir.carts.services import set_line_quantity
from comptoir.core.access import authorize
from comptoir.core.errors import DomainError
from comptoir.customers.selectors import customer_by_id
from comptoir.locations.selectors import location_by_code, location_list, search_origin
from comptoir.orders.services.placing import (
    LineRequest,
    OrderRequest,
    PaymentRequest,
    place_order,
)

from ..access import actor_of
from ..plain_words import plain_words
from .cart import current_cart
from .forms import PICKUP_MODES, CheckoutForm

CHANNEL = "web"


def checkout(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    if actor.customer_id is None:
        return redirect(f"{reverse('shop:login')}?next={request.path}")
    authorize(actor, "orders.write", customer_id=actor.customer_id)
    cart = current_cart(request, create=False)
    view = cart_view(cart=cart) if cart else None
    if view is None or not view.lines:
        return redirect("shop:cart")
    favourite = customer_by_id(customer_id=actor.customer_id).favourite_location
    stores = list(location_list(kind="store").order_by("city").values_list("code", "name"))
    form = CheckoutForm(
        request.POST or None,
        stores=stores,
        initial={"mode": "reserve_and_collect", "store": favourite.code if favourite else ""},
    )
    if request.method == "POST" and form.is_valid():
        try:
            placed = place_order(_order_request(form.cleaned_data, view, actor))
        except DomainError as error:
            form.add_error(None, plain_words(error)[0])
        else:
            for line in view.lines:  # ordered: the cart is empty again
                set_line_quantity(cart_id=view.id, sku=line.sku, quantity=0)
            messages.success(
                request,
                _("Thank you: your order %(ref)s is placed.") % {"ref": placed.order.reference},
            )
            return redirect("shop:order", reference=placed.order.reference)
    return render(request, "web/shop/checkout.html", {"form": form, "cart": view})


def _order_request(data: dict[str, Any], view: Any, actor: Any) -> OrderRequest:
    mode = data["mode"]
    store = location_by_code(code=data["store"]) if mode in PICKUP_MODES else None
    address: dict[str, Any] = {}
    if mode not in PICKUP_MODES:
        point = search_origin(postcode=data["postcode"]).point
        address = {key: data[key] for key in ("name", "line1", "postcode", "city")}
        address.update(country="FR", lat=point.latitude, lon=point.longitude)
    return OrderRequest(
        channel=CHANNEL,
        fulfilment_mode=mode,
        lines=[LineRequest(line.sku, line.quantity) for line in view.lines],
        payment=PaymentRequest(
            "at_pickup" if mode == "reserve_and_collect" else "card", data["card_token"]
        ),
        customer_id=actor.customer_id,
        pickup_location_id=store.pk if store else None,
        delivery_address=address,
        created_by=actor.caller_key,
    )
