"""The agent orders for the customer on the line: products go into the customer's own cart
(the one that follows them from web to store to call centre), then the checkout's options —
home delivery with its options, click & collect or reserve & collect in a store with stock,
ship to store — and fulfilment's `check_out` places it on the call-centre channel. It is paid
by a payment link sent to the customer (`send_payment_link`: email, and SMS where they want
it), or in the store for reserve & collect.

A double submit is one order: `check_out` locks the cart and closes it with the order, so the
second request finds it closed and says so.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from comptoir.carts.selectors import cart_view, open_cart_of
from comptoir.carts.services import add_line, cart_of_customer
from comptoir.core.errors import DomainError
from comptoir.fulfilment.checkout import check_out
from comptoir.orders.services.payment_links import send_payment_link
from comptoir.orders.services.placing import PaymentRequest

from ..plain_words import plain_words
from ..shop.checkout import checkout_request, delivery_context, stores
from .forms import AddToCartForm, OrderForCustomerForm
from .views import console_actor, customer_context

CHANNEL = "call_centre"


@require_POST
def add_to_cart(request: HttpRequest, customer_id: int) -> HttpResponse:
    """POST: a product into the customer's cart; the 360 page again, with the form's errors."""
    actor = console_actor(request, "carts.write", customer_id=customer_id)
    form = AddToCartForm(request.POST)
    if form.is_valid():
        cart = cart_of_customer(customer_id=customer_id, channel=CHANNEL)
        try:
            add_line(
                cart_id=cart.pk,
                sku=form.cleaned_data["sku"].strip().upper(),
                quantity=form.cleaned_data["quantity"],
                channel=CHANNEL,
                added_by_id=actor.user_id,
            )
        except DomainError as error:
            form.add_error("sku", plain_words(error)[0])
        else:
            messages.success(request, _("Added to the customer's cart."))
            return redirect("service:customer", customer_id=customer_id)
    context = customer_context(customer_id, None)
    context["add_form"] = form
    return render(request, "web/service/customer.html", context, status=422)


def _payment(option: str) -> PaymentRequest:
    return PaymentRequest("at_pickup" if option == "reserve_and_collect" else "payment_link")


def place_for_customer(request: HttpRequest, customer_id: int) -> HttpResponse:
    """GET: the options for the place asked (htmx swaps them in); POST: the order."""
    actor = console_actor(request, "orders.write", customer_id=customer_id)
    context = customer_context(customer_id, None)
    cart = open_cart_of(customer_id=customer_id)
    view = cart_view(cart=cart) if cart is not None else None
    if view is None or not view.lines:
        messages.error(request, _("The customer's cart is empty: add a product first."))
        return redirect("service:customer", customer_id=customer_id)
    posted = request.method == "POST" and "refresh" not in request.POST
    data: Any = request.POST if request.method == "POST" else request.GET
    form = OrderForCustomerForm(data if posted else None, stores=stores(), initial=data.dict())
    if posted and form.is_valid():
        option = form.cleaned_data["option"]
        order_request = checkout_request(
            form.cleaned_data,
            view,
            customer_id=customer_id,
            payment=_payment(option),
            created_by=actor.caller_key,
        )
        try:
            placed = check_out(replace(order_request, channel=CHANNEL)).placed.order
            if placed.status == "awaiting_payment":
                # After the order's COMMIT: if this fails, the order page sends it again.
                send_payment_link(order_id=placed.pk)
        except DomainError as error:
            form.add_error(None, plain_words(error)[0])
        else:
            messages.success(
                request, _("Order %(ref)s placed for the customer.") % {"ref": placed.reference}
            )
            return redirect("service:order", reference=placed.reference)
    context.update({"form": form, "cart_view": view, **delivery_context(cart, view, data)})
    status = 422 if form.errors else 200
    return render(request, "web/service/place.html", context, status=status)
