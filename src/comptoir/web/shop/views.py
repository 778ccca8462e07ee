"""The storefront: catalogue, product, stores, sign-in. Each view parses, asks, renders."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.views import LoginView
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from comptoir.catalog.memory import (
    product_detail_remembered,
    product_summaries_remembered,
    top_categories_remembered,
    variant_ids_remembered,
)
from comptoir.catalog.selectors import category_by_slug, product_page
from comptoir.core.access import authorize
from comptoir.core.errors import DomainError
from comptoir.customers.selectors import customer_by_id
from comptoir.customers.services import choose_favourite_store, register_shopper
from comptoir.fulfilment.offers import delivery_offers
from comptoir.inventory.selectors import (
    availability,
    product_ids_available_at,
    resolve_product,
)
from comptoir.locations.domain import GeoPoint
from comptoir.locations.selectors import (
    active_location_ids,
    location_by_code,
    location_detail,
    location_ids_of_kind,
    location_list,
    nearest_locations,
    store_choices,
)
from comptoir.returns.policy import return_policy

from ..access import actor_of, is_htmx
from ..plain_words import plain_words
from . import search, structured_data
from .forms import CatalogueFilters, SignUpForm, place_asked, place_of
from .promises import ready_times

CHANNEL = "web"
PICKUP_STORES_NEAR = 5
PAGE_SIZE = 24
COUNT_UP_TO = 100  # the catalogue says "more than 100 products" past it


def _favourite_store(request: HttpRequest) -> Any:
    actor = actor_of(request)
    if actor.customer_id is None:
        return None
    return customer_by_id(customer_id=actor.customer_id).favourite_location


def catalogue(request: HttpRequest, category: str | None = None) -> HttpResponse:
    """Products, searched (ranked, with facets) and filtered by "in this store", "in my store"
    or "pickup near me"."""
    chosen_category = category_by_slug(category) if category else None
    stores = store_choices()
    favourite = _favourite_store(request)
    form = CatalogueFilters(request.GET, stores=stores)
    context: dict[str, Any] = {
        "form": form,
        "category": chosen_category,
        "categories": top_categories_remembered(),
        "favourite": favourite,
    }
    if form.is_valid():
        data = form.cleaned_data
        try:
            location_ids, filtered_by = _stores_filtered_by(data, favourite, stores)
        except DomainError as error:  # an unknown postcode or town: say so on the form
            form.add_error("near", plain_words(error)[0])
            return render(request, _catalogue_template(request), context)
        context["filtered_by"] = filtered_by
        if data["q"] or form.facets_chosen():
            context["search"] = search.results(
                request, data, category=category, location_ids=location_ids, favourite=favourite
            )
            return render(request, _catalogue_template(request), context)
        among = (
            product_ids_available_at(location_ids=location_ids, channel=CHANNEL)
            if location_ids is not None
            else None
        )
        context["page"] = product_page(
            category=category,
            channel=CHANNEL,
            cursor=data["cursor"] or None,
            limit=PAGE_SIZE,
            among=among,
            count_up_to=COUNT_UP_TO,
            summarise=product_summaries_remembered,
        )
        context["next_query"] = _with_cursor(request, context["page"].get("next_cursor"))
    return render(request, _catalogue_template(request), context)


def _catalogue_template(request: HttpRequest) -> str:
    return "web/shop/_products.html" if is_htmx(request) else "web/shop/catalogue.html"


def _stores_filtered_by(
    data: dict[str, Any], favourite: Any, stores: list[tuple[str, str]]
) -> tuple[list[int] | None, list]:
    """The stores the filter keeps products available in (None: no filter), and their names."""
    if data["mine"] and favourite is not None:
        return [favourite.pk], [favourite.name]
    if data["store"]:  # one of the form's choices, so a store of the directory in memory
        code = data["store"]
        store_id = active_location_ids([code]).get(code) or location_by_code(code=code).pk
        return [store_id], [dict(stores)[code]]
    if data["near"]:
        near = nearest_locations(
            **place_of(data["near"]), limit=PICKUP_STORES_NEAR, service="click_and_collect"
        )
        return [item.id for item in near.items], [item.name for item in near.items]
    return None, []


def _with_cursor(request: HttpRequest, cursor: str | None) -> str | None:
    if not cursor:
        return None
    query = request.GET.copy()
    query["cursor"] = cursor
    return query.urlencode()


def product(request: HttpRequest, slug: str) -> HttpResponse:
    """Every variant's price, its stock in the nearest stores and when it can be collected."""
    detail = product_detail_remembered(slug=slug, channel=CHANNEL)
    place, near_form, around_me = place_asked(request.GET)
    favourite = _favourite_store(request)
    context: dict[str, Any] = {
        "product": detail,
        "near_form": near_form,
        "around_me": around_me,
        "favourite": favourite,
    }
    if place is None and favourite is not None:
        place = {"point": GeoPoint(float(favourite.latitude), float(favourite.longitude))}
    near = None
    if place is not None:
        try:
            near = nearest_locations(**place, limit=PICKUP_STORES_NEAR).items
        except DomainError as error:  # an unknown postcode or town: say so beside the form
            context["near_error"] = plain_words(error)[0]
    # One read of the product's stock: in the nearest stores (the table) and in the warehouses
    # (whether it ships online).
    warehouses = location_ids_of_kind("warehouse")
    rows = availability(
        variant_ids=variant_ids_remembered(slug) or resolve_product(slug),
        location_ids=[*(item.id for item in near or ()), *warehouses],
        channel=CHANNEL,
    )
    if near is not None:
        context["stores"] = _stock_near(near, rows, labels=_variant_labels(detail))
        context["promise"] = next(
            (row for row in context["stores"] if row["has_stock"] and row["ready_at"]), None
        )
    context["structured_data"] = structured_data.product_ld(
        detail,
        url=request.build_absolute_uri(reverse("shop:product", args=[slug])),
        absolute=request.build_absolute_uri,
        online=_online(rows, set(warehouses)),
        stores=context.get("stores", []),
        delivery=delivery_offers(),
        returns=return_policy(),
    )
    return render(request, "web/shop/product.html", context)


def _online(rows: list[Any], warehouses: set[int]) -> dict[str, bool]:
    """SKU → whether the web channel can ship a unit from a warehouse."""
    online: dict[str, bool] = {}
    for row in rows:
        if row.location_id in warehouses:
            online[row.sku] = online.get(row.sku, False) or row.figures.available > 0
    return online


def _variant_labels(detail: dict[str, Any]) -> dict[str, str]:
    """SKU → what a stock cell is headed with on a phone: the size, with the colour when the
    product comes in several."""
    several_colours = len({variant["colour"] for variant in detail["variants"]}) > 1
    labels = {}
    for variant in detail["variants"]:
        parts = [variant["size"], variant["colour"] if several_colours else ""]
        labels[variant["sku"]] = " ".join(part for part in parts if part) or variant["sku"]
    return labels


def _stock_near(near: list[Any], rows: list[Any], *, labels: dict[str, str]) -> list[dict]:
    ready = ready_times(location_ids=[item.id for item in near])
    by_store: dict[int, list[Any]] = {}
    for row in rows:
        by_store.setdefault(row.location_id, []).append(row)
    return [
        {
            "store": item,
            "stock": by_store.get(item.id, []),
            "cells": [(labels.get(row.sku, row.sku), row) for row in by_store.get(item.id, [])],
            "has_stock": any(row.figures.available > 0 for row in by_store.get(item.id, [])),
            "offers_pickup": item.id in ready,
            "ready_at": ready.get(item.id),
        }
        for item in near
    ]


def stores(request: HttpRequest) -> HttpResponse:
    """The store locator: nearest first from a postcode or a town, on a map and as a list."""
    place, form, around_me = place_asked(request.GET)
    context: dict[str, Any] = {
        "form": form,
        "around_me": around_me,
        "favourite": _favourite_store(request),
    }
    found = None
    if place is not None:
        try:
            context["near"] = nearest_locations(**place, limit=10)
            found = context["near"].items
        except DomainError as error:  # an unknown postcode or town: say so on the form
            form.add_error("near", plain_words(error)[0])
    if found is None:
        found = list(location_list(kind="store").order_by("city"))
        context["all_stores"] = found
    context["markers"] = [
        {
            "name": store.name,
            "city": store.city,
            "lat": float(store.latitude),
            "lon": float(store.longitude),
            "url": reverse("shop:store", args=[store.code]),
        }
        for store in found
    ]
    return render(request, "web/shop/stores.html", context)


def store(request: HttpRequest, code: str) -> HttpResponse:
    location = location_detail(code=code)
    context = {
        "store": location,
        "favourite": _favourite_store(request),
        "structured_data": structured_data.store_ld(
            location, url=request.build_absolute_uri(reverse("shop:store", args=[code]))
        ),
    }
    return render(request, "web/shop/store.html", context)


@require_POST
def choose_store(request: HttpRequest, code: str) -> HttpResponse:
    """Make this store the shopper's favourite (the same service as the API)."""
    actor = actor_of(request)
    if actor.customer_id is None:
        return redirect(f"{reverse('shop:login')}?next={reverse('shop:store', args=[code])}")
    authorize(actor, "customers.write", customer_id=actor.customer_id)
    chosen = choose_favourite_store(customer_id=actor.customer_id, location_code=code)
    messages.success(
        request, _("%(store)s is now your store.") % {"store": chosen.favourite_location.name}
    )
    return redirect("shop:store", code=code)


class SignInView(LoginView):
    template_name = "web/shop/login.html"
    redirect_authenticated_user = True

    def get_default_redirect_url(self) -> str:
        """Staff to their tool, shoppers to their account, unless `next` says otherwise."""
        actor = actor_of(self.request)
        if actor.has("backoffice.read"):
            return reverse("backoffice:dashboard")
        if actor.has("stock.sell"):
            return reverse("associate:home")
        if actor.has("service.console"):
            return reverse("service:home")
        return reverse("shop:account")


def sign_up(request: HttpRequest) -> HttpResponse:
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            customer = register_shopper(
                channel=CHANNEL, language=request.LANGUAGE_CODE, **form.cleaned_data
            )
        except DomainError as error:  # the email is taken: say so on the form
            form.add_error("email", plain_words(error)[0])
        else:
            login(request, customer.user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, _("Welcome, %(name)s.") % {"name": customer.first_name})
            return redirect("shop:account")
    return render(request, "web/shop/signup.html", {"form": form})


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    logout(request)
    return redirect("shop:catalogue")
