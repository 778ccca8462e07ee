"""The shopper's orders: the list, and one order with its lines, its state and its pickup code."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from comptoir.core.access import authorize
from comptoir.orders.selectors import access_order_by_reference, orders_of_customer
from comptoir.returns.selectors import returns_of_order
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
    context = {
        "order": found,
        "lines": found.lines.order_by("line_number"),
        "returns": returns_of_order(found.pk),
        "parcels": shipments_of_order(order_id=found.pk),
        "is_theirs": is_theirs,
    }
    return render(request, "web/shop/order.html", context)
