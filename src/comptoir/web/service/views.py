"""The call centre's console: find the customer on the line from whatever they give (a phone
in any format, an email, a loyalty card, an order reference, a name) and see them whole — the
same profile, consents, orders, parcels, returns and cart the store app shows.

Every page asks `core.access.authorize` for "service.console" first (the agent's, and the
administrator's), then for the permission of what it touches, with the customer it is about.
"""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from comptoir.core.access import Actor, authorize
from comptoir.core.errors import DomainError
from comptoir.customers.selectors import (
    consent_choices,
    customer_by_id,
    customer_by_identity,
    customers_by_ids,
    customers_named,
    identities_of,
    timeline_of,
)
from comptoir.orders.selectors import order_by_reference, orders_of_customer

from ..access import staff_actor
from ..associate.clienteling import known_everywhere
from ..associate.customers import IDENTITY_KINDS, TIMELINE_PAGE, store_names
from ..associate.timeline import by_day_and_channel
from .forms import AddToCartForm, FindCustomerForm

CONSOLE = "service.console"
ORDERS_SHOWN = 30


def console_actor(
    request: HttpRequest, permission: str, *, customer_id: int | None = None
) -> Actor:
    """The agent, if the console and `permission` (on this customer) are theirs: else the
    login page, or the plain refusal the API would give (core.access)."""
    actor = staff_actor(request, CONSOLE)
    authorize(actor, permission, customer_id=customer_id)
    return actor


def matching_customer_ids(text: str) -> list[int]:
    """Who `text` names, most precise first: an order's reference, then a card, an email or a
    phone (each normalised, so 06 12 34 56 78 and +33612345678 are one), then names."""
    text = text.strip()
    try:
        order = order_by_reference(text.upper())
    except DomainError:
        pass
    else:
        return [order.customer_id] if order.customer_id else []
    for kind in IDENTITY_KINDS:
        customer = customer_by_identity(kind=kind, value=text)
        if customer is not None:
            return [customer.pk]
    return [customer.pk for customer in customers_named(text=text)]


def home(request: HttpRequest) -> HttpResponse:
    console_actor(request, "customers.read")
    form = FindCustomerForm(request.GET or None)
    context: dict[str, Any] = {"form": form}
    if form.is_valid():
        context["found"] = customers_by_ids(
            customer_ids=matching_customer_ids(form.cleaned_data["q"])
        )
    return render(request, "web/service/home.html", context, status=422 if form.errors else 200)


def customer_context(customer_id: int, page: str | None) -> dict[str, Any]:
    timeline = Paginator(timeline_of(customer_id=customer_id), TIMELINE_PAGE).get_page(page)
    return {
        "customer": customer_by_id(customer_id=customer_id),
        "identities": identities_of(customer_id=customer_id),
        "consents": consent_choices(customer_id=customer_id),
        "orders": list(orders_of_customer(customer_id)[:ORDERS_SHOWN]),
        "timeline": timeline,
        "days": by_day_and_channel(timeline.object_list, store_names(timeline.object_list)),
        **known_everywhere(customer_id=customer_id),
    }


def customer(request: HttpRequest, customer_id: int) -> HttpResponse:
    console_actor(request, "customers.read", customer_id=customer_id)
    context = customer_context(customer_id, request.GET.get("page"))
    context["add_form"] = AddToCartForm()
    return render(request, "web/service/customer.html", context)
