"""Checkout: the cart becomes an order through fulfilment's `check_out`, as from the API.

The page lists the delivery options GET /delivery-options computes for the cart and the
chosen store or postcode (`delivery.py`), each with its price and promise, or its reason when
it is not possible; htmx refreshes them when the store, the postcode or the choice changes
(without JavaScript, a button does). The service computes the options again, places the order
from the chosen one and closes the cart in one transaction; the page only parses the form.
"""

from __future__ import annotations

from datetime import datetime
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
from comptoir.locations.selectors import search_origin, store_choices
from comptoir.orders.services.placing import PaymentRequest

from ..access import actor_of
from ..plain_words import plain_words
from .cart import current_cart
from .delivery import choices, summary
from .forms import PICKUP_OPTIONS, POSTCODE, CheckoutForm

CHANNEL = "web"


def _shopper_cart(request: HttpRequest) -> tuple[Any, Any, Any] | HttpResponse:
    actor = actor_of(request)
    if actor.customer_id is None:
        return redirect(f"{reverse('shop:login')}?next={reverse('shop:checkout')}")
    authorize(actor, "orders.write", customer_id=actor.customer_id)
    cart = current_cart(request, create=False)
    view = cart_view(cart=cart) if cart else None
    if view is None or not view.lines:
        return redirect("shop:cart")
    return actor, cart, view


def stores() -> list[tuple[str, str]]:
    return store_choices()


def delivery_context(cart: Any, view: Any, data: Any) -> dict[str, Any]:
    """The options for the store and postcode in `data`, the chosen one and the summary."""
    store = data.get("store", "") or ""
    store = store if store in {code for code, _name in stores()} else ""
    postcode = (data.get("postcode", "") or "").strip()
    found = choices(cart=cart, store=store, postcode=postcode if POSTCODE.match(postcode) else "")
    if postcode and not POSTCODE.match(postcode):
        found.home_error = _("Five digits, such as 69003.")
    chosen = found.find(data.get("option", "") or "")
    return {
        "choices": found,
        "chosen": chosen,
        "chosen_slot": data.get("slot", "") or "",
        "asked_postcode": bool(postcode),
        "summary": summary(view, chosen, CHANNEL),
    }


def checkout(request: HttpRequest) -> HttpResponse:
    shopper = _shopper_cart(request)
    if isinstance(shopper, HttpResponse):
        return shopper
    actor, cart, view = shopper
    favourite = customer_by_id(customer_id=actor.customer_id).favourite_location
    initial = {"store": favourite.code if favourite else ""}
    refresh = request.method == "POST" and "refresh" in request.POST
    if refresh:  # no JavaScript: show the options for the place given, place nothing yet
        form = CheckoutForm(stores=stores(), initial=request.POST.dict())
        data: Any = request.POST
    else:
        form = CheckoutForm(request.POST or None, stores=stores(), initial=initial)
        data = request.POST if request.method == "POST" else initial
    if request.method == "POST" and not refresh and form.is_valid():
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
    context = {"form": form, "cart": view, **delivery_context(cart, view, data)}
    return render(request, "web/shop/checkout.html", context)


def checkout_options(request: HttpRequest) -> HttpResponse:
    """The options and the summary again, for htmx, when the place or the choice changes."""
    shopper = _shopper_cart(request)
    if isinstance(shopper, HttpResponse):
        return shopper
    _actor, cart, view = shopper
    context = {"cart": view, **delivery_context(cart, view, request.GET)}
    return render(request, "web/shop/_delivery_options.html", context)


def _slot_start(value: str) -> datetime | None:
    try:
        return datetime.fromisoformat(value) if value else None
    except ValueError:
        return None


def checkout_request(
    data: dict[str, Any], view: Any, *, customer_id: int, payment: PaymentRequest, created_by: str
) -> CheckoutRequest:
    """What the checkout form asks `check_out` for (the kiosk's form too, paid otherwise)."""
    option = data["option"]
    address: dict[str, Any] = {}
    if option not in PICKUP_OPTIONS:
        point = search_origin(postcode=data["postcode"]).point
        address = {key: data[key] for key in ("name", "line1", "postcode", "city")}
        address.update(country="FR", lat=point.latitude, lon=point.longitude)
    return CheckoutRequest(
        cart_id=view.id,
        customer_id=customer_id,
        option=option,
        payment=payment,
        channel=CHANNEL,
        store_code=data["store"] if option in PICKUP_OPTIONS else None,
        delivery_address=address,
        slot_starts_at=_slot_start(data.get("slot", "")),
        created_by=created_by,
    )


def _checkout_request(data: dict[str, Any], view: Any, actor: Any) -> CheckoutRequest:
    paid_at_pickup = data["option"] == "reserve_and_collect"
    return checkout_request(
        data,
        view,
        customer_id=actor.customer_id,
        payment=PaymentRequest("at_pickup" if paid_at_pickup else "card", data["card_token"]),
        created_by=actor.caller_key,
    )
