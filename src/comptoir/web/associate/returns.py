"""A return at the till: any order from any channel, taken back in this store and refunded."""

from __future__ import annotations

import uuid
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from comptoir.core.errors import DomainError
from comptoir.core.idempotency import idempotent
from comptoir.locations.selectors import location_by_code
from comptoir.orders.selectors import access_order_by_reference, returnable_lines
from comptoir.returns.services import ReturnLineRequest, receive_return

from ..access import actor_of, is_htmx, staff_actor
from ..plain_words import plain_words

REASONS = ["too_small", "too_big", "not_as_described", "damaged", "changed_mind", "other"]


def take_return(request: HttpRequest, code: str) -> HttpResponse:
    store = location_by_code(code=code)
    staff_actor(request, "returns.write", store_id=store.pk)
    if request.method == "POST":
        return _receive(request, store)
    context: dict[str, Any] = {"store": store, "reference": request.GET.get("order", "").strip()}
    if context["reference"]:
        try:
            _with_order(context, request, context["reference"])
        except DomainError as error:
            context["refusal"] = plain_words(error)[0]
    return render(request, "web/associate/returns.html", context)


def _with_order(context: dict[str, Any], request: HttpRequest, reference: str) -> None:
    order = access_order_by_reference(actor_of(request), reference, permission="returns.write")
    context["order"] = order
    # Only what the rules take back: units of received lines not yet returned.
    context["lines"] = [
        line
        for line in returnable_lines(order.pk).values()
        if line.returned_quantity < line.quantity
    ]
    for line in context["lines"]:
        line.units_left = line.quantity - line.returned_quantity
    context["reasons"] = REASONS
    context["key"] = uuid.uuid4().hex
    if not context["lines"]:
        context["refusal"] = _("Nothing of this order has reached the customer yet.")


@idempotent  # the form's key rides in Idempotency-Key: a double tap takes one return
def _receive(request: HttpRequest, store: Any) -> HttpResponse:
    context: dict[str, Any] = {"store": store, "reference": request.POST.get("order", "")}
    try:
        order = access_order_by_reference(
            actor_of(request), context["reference"], permission="returns.write"
        )
        lines = [
            ReturnLineRequest(
                line_number=line.line_number,
                quantity=_count(request.POST.get(f"quantity-{line.line_number}")),
                reason=request.POST.get(f"reason-{line.line_number}", "changed_mind"),
                sellable=request.POST.get(f"sellable-{line.line_number}") == "on",
            )
            for line in returnable_lines(order.pk).values()
        ]
        lines = [line for line in lines if line.quantity]
        context["taken"] = receive_return(
            order_id=order.pk,
            location_id=store.pk,
            method="store",
            lines=lines,
            actor=actor_of(request).caller_key,
        )
    except DomainError as error:
        context["refusal"] = plain_words(error)[0]
        _with_order(context, request, context["reference"])
    template = "web/associate/_returns.html" if is_htmx(request) else "web/associate/returns.html"
    return render(request, template, context)


def _count(raw: str | None) -> int:
    raw = (raw or "").strip()
    return int(raw) if raw.isdigit() else 0
