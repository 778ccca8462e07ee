"""The storefront on an in-store screen: /kiosk/<store>/, stock here first, no account.

A kiosk is a screen that boots to its store's URL (ADR 0037): every page is scoped to that
store, shows what this store has before what stores near it or the web can send, and keeps
nothing of the shopper but a cart in a session that "start over" (or a minute idle) flushes.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from comptoir.catalog.search import SearchFilters, search_products
from comptoir.catalog.selectors import category_list, product_detail, product_list, product_page
from comptoir.core.errors import DomainError
from comptoir.customers.selectors import customer_by_identity
from comptoir.customers.services import check_in
from comptoir.inventory.selectors import availability, product_ids_available_at, resolve_product
from comptoir.locations.domain import GeoPoint
from comptoir.locations.errors import LocationNotFound
from comptoir.locations.selectors import location_by_code, location_ids_of_kind, nearest_locations

from .views import _online, _variant_labels

CHANNEL = "web"
PAGE_SIZE = 24
STORES_NEAR = 3  # beside this one, on a product page


def kiosk_store(code: str) -> Any:
    """The open store this kiosk stands in; a plain 404 for any other code."""
    store = location_by_code(code=code)
    if store.kind != store.Kind.STORE or not store.is_active:
        raise LocationNotFound(f"No open store has the code {code!r}.")
    return store


def kiosk_context(store: Any, **extra: Any) -> dict[str, Any]:
    return {
        "store": store,
        "idle_seconds": settings.KIOSK_IDLE_SECONDS,
        **extra,
    }


def home(request: HttpRequest, code: str) -> HttpResponse:
    store = kiosk_store(code)
    categories = category_list().filter(parent__isnull=True).order_by("name")
    # Nothing of a shopper here (no basket, no language chosen): the idle countdown can rest.
    pristine = request.session.is_empty() and not request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    context = kiosk_context(store, categories=categories, pristine=pristine)
    return render(request, "web/kiosk/home.html", context)


def products(request: HttpRequest, code: str) -> HttpResponse:
    """Products found by words or a category, those in stock in this store first."""
    store = kiosk_store(code)
    query = request.GET.get("q", "").strip()[:100]
    category = request.GET.get("category", "").strip()[:100] or None
    if query:
        found = search_products(
            query=query,
            channel=CHANNEL,
            filters=SearchFilters(category=category or ""),
            limit=PAGE_SIZE,
        )
    else:
        found = product_page(category=category, channel=CHANNEL, limit=PAGE_SIZE)
    items = found["items"]
    here = _slugs_here(store, [item["slug"] for item in items])
    for item in items:
        item["here"] = item["slug"] in here
    items.sort(key=lambda item: not item["here"])  # stable: the ranking holds within each
    context = kiosk_context(store, items=items, query=query, category=category)
    return render(request, "web/kiosk/products.html", context)


def _slugs_here(store: Any, slugs: list[str]) -> set[str]:
    here = product_ids_available_at(location_ids=[store.pk], channel=CHANNEL)
    return set(
        product_list(channel=CHANNEL)
        .filter(slug__in=slugs, pk__in=here)
        .values_list("slug", flat=True)
    )


def product(request: HttpRequest, code: str, slug: str) -> HttpResponse:
    """Stock here, per size, first; then the stores nearest this one; then online."""
    store = kiosk_store(code)
    detail = product_detail(slug=slug, channel=CHANNEL)
    variant_ids = resolve_product(slug)
    labels = _variant_labels(detail)
    near = nearest_locations(
        point=GeoPoint(float(store.latitude), float(store.longitude)), limit=STORES_NEAR + 1
    )
    others = [item for item in near.items if item.id != store.pk][:STORES_NEAR]
    warehouses = location_ids_of_kind("warehouse")
    rows = availability(  # one read: here, the stores near, the warehouses (online)
        variant_ids=variant_ids,
        location_ids=[store.pk, *(item.id for item in others), *warehouses],
        channel=CHANNEL,
    )
    here = [(labels.get(row.sku, row.sku), row) for row in rows if row.location_id == store.pk]
    nearby = [
        {
            "store": item,
            "sizes": [
                labels.get(row.sku, row.sku)
                for row in rows
                if row.location_id == item.id and row.figures.available > 0
            ],
        }
        for item in others
    ]
    online = _online(rows, set(warehouses))
    context = kiosk_context(
        store,
        product=detail,
        here=here,
        in_stock_here=any(row.figures.available > 0 for _label, row in here),
        nearby=nearby,
        online=[labels.get(sku, sku) for sku, yes in online.items() if yes],
    )
    return render(request, "web/kiosk/product.html", context)


# The profile that checked in by loyalty card on this screen: the only one its orders may go
# to (kiosk_cart). Forgotten by start over (the session is flushed).
CHECKED_IN_KEY = "kiosk_customer_id"


def checked_in_customer_id(request: HttpRequest) -> int | None:
    value = request.session.get(CHECKED_IN_KEY)
    return value if isinstance(value, int) else None


def _check_in(card: str, store: Any) -> tuple[str, int | None]:
    """Check the holder of a loyalty card in at this store: the greeting to show, and the
    profile that checked in (None when the visit was not recorded).

    The visit goes through the one check-in service (`customers.services.check_in`), as the
    entrance QR and the associate's card check do. It is recorded only with the holder's
    consent to be recognised in store; without it they are still greeted, and their
    associates are not told.
    """
    customer = customer_by_identity(kind="loyalty_card", value=card)
    if customer is None:
        return "", None
    try:
        check_in(customer_id=customer.pk, location_code=store.code, method="loyalty_card")
    except DomainError:
        # No consent to be recognised in store, or a closed profile: nothing recorded, and
        # the screen does not say whose card it is to whoever typed the number.
        return _("Welcome!"), None
    return _("Welcome, %(name)s!") % {"name": customer.first_name}, customer.pk


@require_POST
def check_in_by_card(request: HttpRequest, code: str) -> HttpResponse:
    store = kiosk_store(code)
    card = request.POST.get("card", "").strip()[:40]
    greeting, customer_id = _check_in(card, store) if card else ("", None)
    if customer_id is not None:
        request.session[CHECKED_IN_KEY] = customer_id
    if greeting:
        messages.success(request, greeting)
    else:
        messages.error(request, _("We do not know this card: ask an associate."))
    return redirect("kiosk:home", code=store.code)


@require_POST
def start_over(request: HttpRequest, code: str) -> HttpResponse:
    """The next shopper's screen: the session (cart, messages) and the language forgotten."""
    store = kiosk_store(code)
    request.session.flush()
    response = redirect("kiosk:home", code=store.code)
    response.delete_cookie(settings.LANGUAGE_COOKIE_NAME)
    return response
