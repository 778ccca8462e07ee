"""The shopper's orders: the list, and one order with its lines, its state and its pickup code."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from comptoir.core.access import authorize
from comptoir.orders.domain import HOME_MODES, OrderStatus
from comptoir.orders.selectors import access_order_by_reference, orders_of_customer
from comptoir.returns.selectors import order_progress, returns_of_order
from comptoir.shipping.selectors import shipments_of_order

from ..access import actor_of


def orders(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    if actor.customer_id is None:
        return redirect(f"{reverse('shop:login')}?next={request.path}")
    authorize(actor, "orders.read", customer_id=actor.customer_id)
    mine = orders_of_customer(actor.customer_id)[:50]
    return render(request, "web/shop/orders.html", {"orders": mine})


def order(request: HttpRequest, reference: str) -> HttpResponse:
    """One order; a shopper asking for another's order is told it does not exist (404)."""
    actor = actor_of(request)
    if not actor.is_authenticated:
        return redirect(f"{reverse('shop:login')}?next={request.path}")
    found = access_order_by_reference(actor, reference)
    is_theirs = actor.customer_id is not None and found.customer_id == actor.customer_id
    progress = order_progress(found)
    lines = found.lines.select_related("variant__product").order_by("line_number")
    context = {
        "order": found,
        "status": progress.status,
        "delivered_home": found.fulfilment_mode in HOME_MODES,
        "lines": [(line, progress.line_statuses[line.line_number]) for line in lines],
        "returns": returns_of_order(found.pk),
        "parcels": shipments_of_order(order_id=found.pk),
        # The code is for collecting: once collected or cancelled it opens nothing.
        "can_return": is_theirs and progress.units_to_return > 0,
        "shows_pickup_code": is_theirs
        and found.status in {OrderStatus.PLACED, OrderStatus.READY_FOR_PICKUP},
    }
    return render(request, "web/shop/order.html", context)
