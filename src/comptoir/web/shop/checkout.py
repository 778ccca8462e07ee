"""Checkout: the cart becomes an order through fulfilment's `check_out`, as from the API.

The service computes the delivery options again, places the order from the chosen one and
closes the cart in one transaction; the page only parses the form (an address with the point
of its postcode) and says what went wrong.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from comptoir.carts.selectors import cart_view
from comptoir.core.access import authorize
from comptoir.core.errors import DomainError
from comptoir.customers.selectors import customer_by_id
from comptoir.fulfilment.checkout import CheckoutRequest, check_out
from comptoir.locations.selectors import location_list, search_origin
from comptoir.orders.services.placing import PaymentRequest

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
            done = check_out(_checkout_request(form.cleaned_data, view, actor))
        except DomainError as error:
            form.add_error(None, plain_words(error)[0])
        else:
            reference = done.placed.order.reference
            messages.success(
                request, _("Thank you: your order %(ref)s is placed.") % {"ref": reference}
            )
            return redirect("shop:order", reference=reference)
    return render(request, "web/shop/checkout.html", {"form": form, "cart": view})


# The page's choices and the checkout's delivery options (home delivery: the standard one).
OPTIONS = {"home_delivery": "home_standard"}


def _checkout_request(data: dict[str, Any], view: Any, actor: Any) -> CheckoutRequest:
    mode = data["mode"]
    address: dict[str, Any] = {}
    if mode not in PICKUP_MODES:
        point = search_origin(postcode=data["postcode"]).point
        address = {key: data[key] for key in ("name", "line1", "postcode", "city")}
        address.update(country="FR", lat=point.latitude, lon=point.longitude)
    return CheckoutRequest(
        cart_id=view.id,
        customer_id=actor.customer_id,
        option=OPTIONS.get(mode, mode),
        payment=PaymentRequest(
            "at_pickup" if mode == "reserve_and_collect" else "card", data["card_token"]
        ),
        channel=CHANNEL,
        store_code=data["store"] if mode in PICKUP_MODES else None,
        delivery_address=address,
        created_by=actor.caller_key,
    )
