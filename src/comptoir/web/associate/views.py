"""The associate app, phone first: stock at my store (the till is in till.py).

Every page is scoped to one store, checked by core.access like the API (an associate sees only
the stores they are assigned to).
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from comptoir.catalog.selectors import variant_by_scan, variants_of_product
from comptoir.core.errors import DomainError
from comptoir.inventory.selectors import (
    active_holds_at,
    availability,
    locations_with_available,
)
from comptoir.locations.domain import GeoPoint
from comptoir.locations.selectors import location_by_code, location_list, nearest_locations

from ..access import is_htmx, staff_actor
from ..plain_words import plain_words
from .forms import ScanForm

STORE_CHANNEL = "store"


def _store(request: HttpRequest, code: str, permission: str = "stock.read") -> Any:
    store = location_by_code(code=code)
    staff_actor(request, permission, store_id=store.pk)
    return store


def home(request: HttpRequest) -> HttpResponse:
    """The stores this person works in; straight to the store when there is only one."""
    actor = staff_actor(request, "stock.read")
    stores = location_list(kind="store").order_by("city")
    if actor.store_ids is not None:
        stores = stores.filter(pk__in=actor.store_ids)
    stores = list(stores)
    if len(stores) == 1:
        return redirect("associate:store", code=stores[0].code)
    return render(request, "web/associate/home.html", {"stores": stores})


def store_home(request: HttpRequest, code: str) -> HttpResponse:
    store = _store(request, code)
    holds = list(active_holds_at(location_id=store.pk)[:50])
    return render(request, "web/associate/store.html", {"store": store, "holds": holds})


def stock(request: HttpRequest, code: str) -> HttpResponse:
    """Every size of the scanned product here, and the nearest stores that have this one."""
    store = _store(request, code)
    form = ScanForm(request.GET or None)
    context: dict[str, Any] = {"store": store, "form": form}
    if form.is_valid():
        try:
            variant = variant_by_scan(form.cleaned_data["code"])
        except DomainError as error:
            form.add_error("code", plain_words(error)[0])
        else:
            context.update(_stock_of(variant, store))
    template = "web/associate/_stock.html" if is_htmx(request) else "web/associate/stock.html"
    return render(request, template, context)


def _stock_of(variant: Any, store: Any) -> dict[str, Any]:
    sizes = variants_of_product(variant.product.slug)
    here = availability(variant_ids=sizes, location_ids=[store.pk], channel=STORE_CHANNEL)
    elsewhere = locations_with_available(variant_ids=[variant.pk], channel=STORE_CHANNEL)
    elsewhere.discard(store.pk)
    nearby = nearest_locations(
        point=GeoPoint(float(store.latitude), float(store.longitude)),
        limit=5,
        only_ids=elsewhere,
    ).items
    figures = availability(
        variant_ids={variant.sku: variant.pk},
        location_ids=[item.id for item in nearby],
        channel=STORE_CHANNEL,
    )
    by_store = {row.location_id: row.figures for row in figures}
    return {
        "variant": variant,
        "here": here,
        "nearby": [{"store": item, "figures": by_store[item.id]} for item in nearby],
    }
