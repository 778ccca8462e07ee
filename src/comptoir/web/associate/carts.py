"""The associate opens a customer's cart with its hand-off code and goes on with it."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from comptoir.carts.selectors import cart_by_handoff_code, cart_by_id, cart_view
from comptoir.carts.services import add_line
from comptoir.catalog.selectors import variant_by_scan
from comptoir.core.errors import DomainError
from comptoir.locations.selectors import location_by_code

from ..access import staff_actor
from ..plain_words import plain_words
from .forms import HandoffForm, ScanForm

CHANNEL = "store"


def open_cart(request: HttpRequest, code: str) -> HttpResponse:
    store = location_by_code(code=code)
    staff_actor(request, "carts.read", store_id=store.pk)
    form = HandoffForm(request.GET or None)
    context: dict[str, Any] = {"store": store, "form": form}
    if form.is_valid():
        try:
            cart = cart_by_handoff_code(code=form.cleaned_data["handoff"])
        except DomainError as error:
            form.add_error("handoff", plain_words(error)[0])
        else:
            return redirect("associate:cart", code=code, cart_id=cart.pk)
    return render(request, "web/associate/open_cart.html", context)


def cart(request: HttpRequest, code: str, cart_id: int) -> HttpResponse:
    """A cart opened by its code: its lines with this store's stock; add what the customer picks.

    The cart id in the address was reached through a live hand-off code; staff with
    `carts.read` may open any customer's cart, as the API allows."""
    store = location_by_code(code=code)
    actor = staff_actor(request, "carts.read", store_id=store.pk)
    form = ScanForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        staff_actor(request, "carts.write", store_id=store.pk)
        try:
            variant = variant_by_scan(form.cleaned_data["code"])
            add_line(
                cart_id=cart_id,
                sku=variant.sku,
                quantity=1,
                channel=CHANNEL,
                added_by_id=actor.user_id,
            )
        except DomainError as error:
            form.add_error("code", plain_words(error)[0])
        else:
            return redirect(reverse("associate:cart", args=[code, cart_id]))
    view = cart_view(cart=cart_by_id(cart_id=cart_id))
    return render(request, "web/associate/cart.html", {"store": store, "cart": view, "form": form})
