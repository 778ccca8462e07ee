"""The storefront's search: ranked results with their facets, and suggestions as one types."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from comptoir.catalog.search import SearchFilters, search_products, search_suggestions
from comptoir.inventory.selectors import product_ids_available_at
from comptoir.locations.selectors import nearest_locations

from .forms import place_of

CHANNEL = "web"
PAGE_SIZE = 24
PICKUP_STORES_NEAR = 5  # as the catalogue's "pickup near" filter
FACET_NAMES = {"brand": _("Brand"), "size": _("Size"), "colour": _("Colour"), "price": _("Price")}


def results(
    request: HttpRequest,
    data: dict[str, Any],
    *,
    category: str | None,
    location_ids: list[int] | None,
    favourite: Any,
) -> dict[str, Any]:
    """The context of a search: a page of ranked products and the facets of all of them, each
    choice a link that adds it to (or takes it off) the query."""
    counted = {}
    if favourite is not None and location_ids is None:
        # "In my store" and "pickup near me" (near the favourite store's postcode, as the
        # link that applies the filter says), each counted among the results.
        counted["mine"] = product_ids_available_at(location_ids=[favourite.pk], channel=CHANNEL)
        if favourite.postcode:
            near = nearest_locations(
                **place_of(favourite.postcode),
                limit=PICKUP_STORES_NEAR,
                service="click_and_collect",
            )
            counted["near"] = product_ids_available_at(
                location_ids=[item.id for item in near.items], channel=CHANNEL
            )
    found = search_products(
        query=data["q"] or "",
        channel=CHANNEL,
        filters=SearchFilters(
            category=category or "",
            brand=data["brand"],
            size=data["size"],
            colour=data["colour"],
            price=data["price"],
        ),
        among=(
            product_ids_available_at(location_ids=location_ids, channel=CHANNEL)
            if location_ids is not None
            else None
        ),
        counted_among=counted,
        page=data["page"] or 1,
        limit=PAGE_SIZE,
    )
    chosen = {"brand": data["brand"], "size": data["size"], "colour": data["colour"]}
    chosen["price"] = data["price"]
    for name in ("brand", "size", "colour", "price"):
        for choice in found["facets"][name]:
            choice["selected"] = chosen[name] == choice["value"]
            choice["query"] = _toggled(request.GET, name, choice["value"], choice["selected"])
    found["chosen"] = [
        {
            "facet": FACET_NAMES[name],
            "value": value,
            "query": _toggled(request.GET, name, value, True),
        }
        for name, value in chosen.items()
        if value
    ]
    found["base_query"] = _toggled(request.GET, "page", "", True)
    if found["page"] < found["pages"]:
        found["next_query"] = _toggled(request.GET, "page", str(found["page"] + 1), False)
    return found


def _toggled(query: QueryDict, name: str, value: str, selected: bool) -> str:
    """The query string with `name` set to `value` (or removed when it is selected), back on
    the first page."""
    changed = query.copy()
    changed.pop("page", None)
    changed.pop("cursor", None)
    if selected:
        changed.pop(name, None)
    else:
        changed[name] = value
    return changed.urlencode()


def suggestions(request: HttpRequest) -> HttpResponse:
    """The listbox under the search box: the products the shopper is probably typing."""
    query = request.GET.get("q", "")[:100]
    found = search_suggestions(query=query, channel=CHANNEL) if len(query.strip()) >= 2 else []
    return render(
        request, "web/shop/_suggestions.html", {"suggestions": found, "query": query.strip()}
    )
