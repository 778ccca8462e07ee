"""Checkout: the cart becomes an order through orders.services.place_order, as from the API.

Like any client of the API, the page says where each line's units are: the pickup store for
click & collect and reserve & collect; for the modes that ship, the location the sourcing
engine chooses (fulfilment's candidates and `source_order`).
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
from comptoir.catalog.selectors import variant_ids_for_skus
from comptoir.core.access import authorize
from comptoir.core.errors import DomainError, ValidationFailed
from comptoir.customers.selectors import customer_by_id
from comptoir.fulfilment.domain.sourcing import Destination, OrderLine, source_order
from comptoir.fulfilment.selectors import sourcing_candidates
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
    lines = [(line.sku, line.quantity) for line in view.lines]
    if mode in {"reserve_and_collect", "click_and_collect"}:
        located = [LineRequest(sku, quantity, store.pk) for sku, quantity in lines]
    else:
        located = _sourced(lines, _destination(data, store))
    address = {}
    if mode not in PICKUP_MODES:
        address = {key: data[key] for key in ("name", "line1", "postcode", "city")}
        address["country"] = "FR"
    return OrderRequest(
        channel=CHANNEL,
        fulfilment_mode=mode,
        lines=located,
        payment=PaymentRequest(
            "at_pickup" if mode == "reserve_and_collect" else "card", data["card_token"]
        ),
        customer_id=actor.customer_id,
        pickup_location_id=store.pk if store else None,
        delivery_address=address,
        created_by=actor.caller_key,
    )


def _destination(data: dict[str, Any], store: Any) -> Destination:
    if store is not None:
        return Destination.pickup(store.pk, float(store.latitude), float(store.longitude))
    point = search_origin(postcode=data["postcode"]).point
    return Destination.home(point.latitude, point.longitude)


def _sourced(lines: list[tuple[str, int]], destination: Destination) -> list[LineRequest]:
    """Each line from the one location the sourcing engine picks for it."""
    plan = source_order(
        [OrderLine(sku, quantity) for sku, quantity in lines],
        destination,
        sourcing_candidates(
            variant_ids=variant_ids_for_skus([s for s, _ in lines]), channel=CHANNEL
        ),
    )
    where = {assignment.sku: assignment.location_id for assignment in plan.assignments}
    split = len(plan.assignments) != len({a.sku for a in plan.assignments})
    if plan.unsourced or split:
        raise ValidationFailed(
            "Not enough stock to send every line from one place: "
            + ", ".join(line.sku for line in plan.unsourced or lines),
            errors=[{"field": "lines", "message": "not enough stock"}],
        )
    return [LineRequest(sku, quantity, where[sku]) for sku, quantity in lines]
