"""The associate finds a customer (a scanned card, an email, a phone, a name) and sees the same
profile as every channel: history, wishlist with this store's stock, consents, who is in now."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from comptoir.core import clock
from comptoir.core.access import authorize
from comptoir.customers.selectors import (
    IN_STORE_HOURS,
    consent_choices,
    customer_by_id,
    customer_id_by_identity,
    customers_named,
    identities_of,
    in_store_now,
    timeline_of,
    wishlist_with_stock,
)
from comptoir.locations.selectors import location_by_code

from ..access import staff_actor
from .forms import CustomerSearchForm

# What a search box's text may be, most precise first: a card scanned, then typed contacts.
IDENTITY_KINDS = ("loyalty_card", "email", "phone", "store_record")


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


def profile(request: HttpRequest, code: str, customer_id: int) -> HttpResponse:
    store = location_by_code(code=code)
    actor = staff_actor(request, "customers.read", store_id=store.pk)
    authorize(actor, "customers.read", customer_id=customer_id)
    context = {
        "store": store,
        "customer": customer_by_id(customer_id=customer_id),
        "identities": identities_of(customer_id=customer_id),
        "timeline": timeline_of(customer_id=customer_id)[:30],
        "wishlist": wishlist_with_stock(customer_id=customer_id, location_id=store.pk),
        "consents": consent_choices(customer_id=customer_id),
    }
    return render(request, "web/associate/customer.html", context)


def in_store(request: HttpRequest, code: str) -> HttpResponse:
    store = location_by_code(code=code)
    staff_actor(request, "customers.check_in", store_id=store.pk)
    since = clock.now() - timedelta(hours=IN_STORE_HOURS)
    shoppers = in_store_now(location_id=store.pk, since=since)
    return render(request, "web/associate/in_store.html", {"store": store, "shoppers": shoppers})
