"""The till when the network drops (ADR 0043): the price book it sells from, and where its
queued sales are sent when the network is back.

Both answer JSON to static/web/till_offline.js. The sync answers 200 for a sale recorded or
already recorded (the phone then forgets it), problem+json 4xx for a sale the server refuses
(the phone keeps it and says so: the money was taken), and anything else means "try later".
"""

from __future__ import annotations

import hashlib
import json
import re
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from comptoir.core import clock
from comptoir.core.errors import DomainError, ValidationFailed
from comptoir.core.problem import problem_response
from comptoir.orders.services.till_offline import OfflineLine, record_offline_sale
from comptoir.orders.services.till_price_book import price_book

from ..access import actor_of
from .views import _store

# What till_offline.js draws: "T-" and 16 hex digits from the phone's CSPRNG (64 bits).
TICKET = re.compile(r"T-[0-9A-F]{16}")
MOST_LINES = 50


@never_cache
@require_GET
def prices(request: HttpRequest, code: str) -> HttpResponse:
    """The store's price book, sealed now; `version` changes only when a price does."""
    store = _store(request, code, "stock.sell")
    entries = price_book(store_id=store.pk)
    version = hashlib.sha256(
        "|".join(f"{e.sku}={e.price}{e.currency}" for e in entries).encode()
    ).hexdigest()[:16]
    return JsonResponse(
        {
            "store": store.code,
            "version": version,
            "read_at": clock.now().isoformat(),
            "items": [
                {
                    "sku": e.sku,
                    "gtin": e.gtin,
                    "name": e.name,
                    "price": str(e.price),
                    "currency": e.currency,
                    "seal": e.seal,
                }
                for e in entries
            ],
        }
    )


@require_http_methods(["POST", "HEAD"])
def sync(request: HttpRequest, code: str) -> HttpResponse:
    """One queued sale. The same ticket again answers the sale it made, and records nothing.
    HEAD is the page's probe: is the server there (a store's Wi-Fi may be up and its line
    down, which `navigator.onLine` does not see), and is the associate still signed in?"""
    store = _store(request, code, "stock.sell")
    if request.method == "HEAD":
        return HttpResponse(status=204)
    try:
        sale = _parsed(request.body)
        recorded = record_offline_sale(
            store_id=store.pk, actor=actor_of(request).caller_key, **sale
        )
    except DomainError as error:
        return problem_response(
            status=error.status,
            code=error.code,
            title=error.title,
            detail=error.detail,
            errors=error.errors,
        )
    return JsonResponse(
        {
            "status": "replayed" if recorded.replayed else "recorded",
            "reference": recorded.order.reference,
            "total": str(recorded.order.total),
            "currency": recorded.order.currency,
            "short": [{"sku": sku, "quantity": n} for sku, n in recorded.short.items()],
        }
    )


def _parsed(body: bytes) -> dict[str, Any]:
    """The queued sale's fields, or a ValidationFailed naming the first one that is wrong."""
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise _bad("body", "a JSON object") from None
    if not isinstance(data, dict):
        raise _bad("body", "a JSON object")
    ticket = data.get("ticket")
    if not isinstance(ticket, str) or not TICKET.fullmatch(ticket):
        raise _bad("ticket", "T- and 16 hexadecimal digits")
    try:
        sold_at = datetime.fromisoformat(str(data.get("sold_at")).replace("Z", "+00:00"))
    except ValueError:
        raise _bad("sold_at", "an ISO 8601 time") from None
    if sold_at.tzinfo is None:
        raise _bad("sold_at", "a time with its offset")
    sold_at += _clock_gap(data.get("sent_at"))
    try:
        cash_given = Decimal(str(data.get("cash_given")))
    except InvalidOperation:
        raise _bad("cash_given", "an amount") from None
    if not cash_given.is_finite():
        raise _bad("cash_given", "an amount")
    lines = data.get("lines")
    if not isinstance(lines, list) or not 1 <= len(lines) <= MOST_LINES:
        raise _bad("lines", f"1 to {MOST_LINES} lines")
    parsed = []
    for line in lines:
        seal, quantity = (
            (line.get("seal"), line.get("quantity")) if isinstance(line, dict) else ("", 0)
        )
        if not isinstance(seal, str) or not seal or type(quantity) is not int:
            raise _bad("lines", "each a seal and a whole quantity")
        parsed.append(OfflineLine(seal, quantity))
    return {"ticket": ticket, "sold_at": sold_at, "cash_given": cash_given, "lines": parsed}


def _clock_gap(sent_at: object) -> timedelta:
    """How far the phone's clock is behind the server's, from the time it says it sent the
    sale: its sale time is put on the server's clock (no correction without it)."""
    try:
        sent = datetime.fromisoformat(str(sent_at).replace("Z", "+00:00"))
    except ValueError:
        return timedelta(0)
    if sent.tzinfo is None:
        return timedelta(0)
    return clock.now() - sent


def _bad(field: str, message: str) -> ValidationFailed:
    return ValidationFailed(
        f"The queued sale's {field} is not {message}.",
        errors=[{"field": field, "message": message}],
    )
