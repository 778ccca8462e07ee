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
from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt

from comptoir.actors import actor_for_token
from comptoir.core import clock
from comptoir.core.access import authorize
from comptoir.core.outbox import record_event
from comptoir.inventory.models import Hold, StockLevel, StockMovement
from comptoir.inventory.selectors import resolve_skus
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
