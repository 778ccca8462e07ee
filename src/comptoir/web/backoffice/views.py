"""The back office: a dashboard and the lists operations work from. Read through selectors."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from comptoir.accounts.selectors import api_token_list, staff_list
from comptoir.catalog.selectors import product_page
from comptoir.inventory.selectors import (
    levels_at,
    locations_most_out_of_stock,
    recent_movements,
    stock_health,
)
from comptoir.locations.selectors import location_by_code, location_list

from ..access import actor_of, staff_actor
from .charts import bar_chart
from .kpis import dashboard_figures
from .stock import ADJUST as STOCK_ADJUST
from .stock import stock_forms

BACKOFFICE = "backoffice.read"
PAGE_SIZE = 50


def _page(request: HttpRequest, rows: Any) -> Any:
    return Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))


def dashboard(request: HttpRequest) -> HttpResponse:
    actor = staff_actor(request, BACKOFFICE)
    health = stock_health()
    worst = locations_most_out_of_stock()
    names = dict(location_list().filter(pk__in=[pk for pk, _ in worst]).values_list("pk", "name"))
    charts = [
        bar_chart(
            _("Stock availability now (SKU × store)"),
            [
                (_("Well stocked"), health.stocked, "ok"),
                (_("Low (1–2 left)"), health.low, "warn"),
                (_("Out of stock"), health.out, "bad"),
            ],
        ),
        bar_chart(
            _("Stores with the most out-of-stock SKUs"),
            [(names.get(pk, str(pk)), count, "bad") for pk, count in worst],
        ),
    ]
    context: dict[str, Any] = {"health": health, "charts": charts}
    context.update(dashboard_figures(actor))
    return render(request, "web/backoffice/dashboard.html", context)


def catalogue(request: HttpRequest) -> HttpResponse:
    staff_actor(request, BACKOFFICE)
    page = product_page(search=request.GET.get("q") or None, cursor=request.GET.get("cursor"))
    return render(request, "web/backoffice/catalogue.html", {"page": page})


def stores(request: HttpRequest) -> HttpResponse:
    staff_actor(request, BACKOFFICE)
    rows = location_list().order_by("kind", "city").prefetch_related("services", "opening_hours")
    return render(request, "web/backoffice/stores.html", {"stores": _page(request, rows)})


def stock(request: HttpRequest) -> HttpResponse:
    staff_actor(request, BACKOFFICE)
    chosen = request.GET.get("store") or ""
    store = location_by_code(code=chosen) if chosen else None
    context: dict[str, Any] = {
        "store": store,
        "choices": location_list().order_by("city").values_list("code", "name"),
        "writes": stock_forms() if actor_of(request).has(STOCK_ADJUST) else None,
    }
    if store is not None:
        context["levels"] = _page(request, levels_at(location_id=store.pk))
    context["movements"] = recent_movements(location_id=store.pk if store else None)[:30]
    return render(request, "web/backoffice/stock.html", context)


def team(request: HttpRequest) -> HttpResponse:
    staff_actor(request, BACKOFFICE)
    context = {"staff": staff_list(), "tokens": api_token_list()[:100]}
    return render(request, "web/backoffice/team.html", context)
