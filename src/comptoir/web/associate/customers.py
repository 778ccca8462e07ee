"""The associate finds a customer (a scanned card, an email, a phone, a name) and sees the same
profile as every channel: first what serving them needs (clienteling.what_to_know), then their
history in every channel, by day, in the reader's language."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from comptoir.core.access import authorize
from comptoir.customers.selectors import (
    consent_choices,
    customer_by_id,
    customer_id_by_identity,
    customers_named,
    identities_of,
    timeline_of,
)
from comptoir.locations.selectors import location_by_code, location_list

from ..access import staff_actor
from .clienteling import what_to_know
from .forms import CustomerSearchForm
from .timeline import by_day_and_channel

# What a search box's text may be, most precise first: a card scanned, then typed contacts.
IDENTITY_KINDS = ("loyalty_card", "email", "phone", "store_record")
TIMELINE_PAGE = 25


def find(request: HttpRequest, code: str) -> HttpResponse:
    store = location_by_code(code=code)
    staff_actor(request, "customers.read", store_id=store.pk)
    form = CustomerSearchForm(request.GET or None)
    context: dict[str, Any] = {"store": store, "form": form}
    if form.is_valid():
        text = form.cleaned_data["q"].strip()
        for kind in IDENTITY_KINDS:
            customer_id = customer_id_by_identity(kind=kind, value=text)
            if customer_id is not None:
                return redirect("associate:customer", code=code, customer_id=customer_id)
        context["found"] = customers_named(text=text)
    return render(request, "web/associate/customers.html", context)


def store_names(entries: Any) -> dict[str, str]:
    """The names of the stores the page's check-ins happened at, in one query."""
    codes = {entry.details.get("location_code") for entry in entries if entry.details}
    codes.discard(None)
    if not codes:
        return {}
    return dict(location_list().filter(code__in=codes).values_list("code", "name"))


def profile(request: HttpRequest, code: str, customer_id: int) -> HttpResponse:
    store = location_by_code(code=code)
    actor = staff_actor(request, "customers.read", store_id=store.pk)
    authorize(actor, "customers.read", customer_id=customer_id)
    customer = customer_by_id(customer_id=customer_id)
    timeline = Paginator(timeline_of(customer_id=customer_id), TIMELINE_PAGE).get_page(
        request.GET.get("page")
    )
    context = {
        "store": store,
        "customer": customer,
        "identities": identities_of(customer_id=customer_id),
        "timeline": timeline,
        "days": by_day_and_channel(timeline.object_list, store_names(timeline.object_list)),
        "consents": consent_choices(customer_id=customer_id),
        **what_to_know(customer_id=customer_id, store=store),
    }
    return render(request, "web/associate/customer.html", context)
