"""The comparison partners of the hold benchmark, behind the same HTTP stack as comptoir's own.

Mounted at /bench/ only when the bench server runs with COMPTOIR_ROOT_URLCONF=bench.urls; they
are never part of the product. Each takes the same body as POST /api/v1/holds (one line).
- naive: reads the level, checks in Python, writes the new figure back (read-check-write).
  It races, and its oversell is the proof that the workload races.
- for_update: SELECT ... FOR UPDATE first, then the same writes as comptoir: the common pattern.
"""

from __future__ import annotations

import json
from datetime import timedelta

from django.db import transaction
from django.db.models import F, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce
from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt

from comptoir.actors import actor_for_token
from comptoir.catalog.models import Product, Variant
from comptoir.catalog.search import search_products
from comptoir.catalog.selectors import product_page
from comptoir.core import clock
from comptoir.core.access import authorize
from comptoir.core.outbox import record_event
from comptoir.inventory.models import Hold, StockLevel, StockMovement
from comptoir.inventory.selectors import resolve_skus
from comptoir.locations.models import Location
from comptoir.locations.selectors import location_by_code


def _line(request: HttpRequest) -> tuple[dict, dict]:
    """Parse, authenticate and resolve exactly as POST /api/v1/holds does, so that the peers
    differ from comptoir only in how they change the level."""
    actor = actor_for_token(request.headers["Authorization"].removeprefix("Bearer "))
    authorize(actor, "stock.hold")
    body = json.loads(request.body)
    line = body["lines"][0]
    line["variant_id"] = resolve_skus([line["sku"]])[line["sku"]]
    line["location_id"] = location_by_code(code=line["location"]).pk
    return body, line


def _write_hold_rows(level: StockLevel, body: dict, quantity: int) -> Hold:
    now = clock.now()
    hold = Hold.objects.create(
        variant_id=level.variant_id,
        location_id=level.location_id,
        quantity=quantity,
        channel=body["channel"],
        reference=body["reference"],
        expires_at=now + timedelta(minutes=30),
        created_at=now,
    )
    StockMovement.objects.create(
        variant_id=level.variant_id,
        location_id=level.location_id,
        kind="hold",
        held_delta=quantity,
        hold=hold,
        reference=body["reference"],
        created_at=now,
    )
    return hold


def _level(line: dict):
    return StockLevel.objects.filter(variant__sku=line["sku"], location__code=line["location"])


@csrf_exempt
def naive_hold(request: HttpRequest) -> JsonResponse:
    body, line = _line(request)
    quantity = line["quantity"]
    with transaction.atomic():
        level = _level(line).get()
        if level.on_hand - level.held < quantity:
            return JsonResponse({"code": "out-of-stock"}, status=409)
        _write_hold_rows(level, body, quantity)
        level.held = level.held + quantity  # computed in Python: a lost update under races
        level.save(update_fields=["held"])
    return JsonResponse({"status": "held"}, status=201)


@csrf_exempt
def for_update_hold(request: HttpRequest) -> JsonResponse:
    body, line = _line(request)
    quantity = line["quantity"]
    with transaction.atomic():
        level = _level(line).select_for_update().get()
        if level.on_hand - level.held < quantity:
            return JsonResponse({"code": "out-of-stock"}, status=409)
        _write_hold_rows(level, body, quantity)
        level.held += quantity
        level.save(update_fields=["held"])
        record_event(
            "stock.changed",
            aggregate=f"stock:{level.location_id}:{level.variant_id}",
            payload={"on_hand": level.on_hand, "held": level.held},
        )
    return JsonResponse({"status": "held"}, status=201)


def peer_listing(request: HttpRequest) -> JsonResponse:
    """GET /bench/peer-listing?store=X: the "available in store X" page as Saleor computes it.

    Saleor keeps no held figure on a stock row: availability is the stock quantity minus a
    SUM over its allocation rows, computed in a correlated subquery for every stock row the
    filter touches. Same page, same catalogue code; only the availability subquery differs.
    """
    location_id = location_by_code(code=request.GET["store"]).pk
    allocated = (
        Hold.objects.filter(
            variant_id=OuterRef("variant_id"), location_id=OuterRef("location_id"), status="active"
        )
        .values("variant_id")
        .annotate(total=Sum("quantity"))
        .values("total")
    )
    available = (
        StockLevel.objects.filter(location_id=location_id)
        .annotate(available=F("on_hand") - Coalesce(Subquery(allocated), 0))
        .filter(available__gt=0)
        .values("variant__product_id")
    )
    page = product_page(channel="web", limit=20, among=available, with_total=True)
    return JsonResponse({"total": page["total"], "items": [item["slug"] for item in page["items"]]})


def peer_search_like(request: HttpRequest) -> JsonResponse:
    """GET /bench/search-like?q=…: the storefront's search as `LIKE '%…%'` does it.

    Each word must appear, case-insensitively, in the name, brand, description or category
    name (`icontains`, one OR of four LIKEs per word), as the catalogue searched before the
    search documents. The page and the facets are then computed by the very code comptoir's
    search uses, so the two differ only in how they match: no ranking (id order), no accent,
    plural or typo tolerance.
    """
    matched = Product.objects.all()
    for word in request.GET.get("q", "").split():
        matched = matched.filter(
            Q(name__icontains=word)
            | Q(brand__icontains=word)
            | Q(description__icontains=word)
            | Q(category__name__icontains=word)
        )
    return JsonResponse(search_products(channel="web", among=matched.values("pk"), limit=24))


CEILING_COLUMNS = {
    "levels": (StockLevel, ("id", "variant_id", "location_id", "on_hand", "held")),
    "locations": (Location, ("id", "code", "name", "city", "latitude", "longitude")),
    "products": (Product, ("id", "slug", "name", "brand")),
    "variants": (Variant, ("id", "sku", "size", "colour")),
}


def ceiling_rows(request: HttpRequest) -> JsonResponse:
    """GET /bench/ceiling?levels=1,2&locations=3,4&…: the rows a hot read shows, read by primary
    key and sent as JSON, with nothing else: the most a Django view on this stack can do for
    that read (the storefront benchmark's ceiling). One query per table named."""
    answer = {}
    for table, (model, columns) in CEILING_COLUMNS.items():
        if ids := request.GET.get(table):
            pks = [int(pk) for pk in ids.split(",")]
            answer[table] = list(model.objects.filter(pk__in=pks).values(*columns))
    return JsonResponse(answer)
