"""An exchange at the till: an item of any order (any channel) comes back, another size or
colour leaves this store's shelf, and the till takes or gives back the price difference
(`returns.till_exchange`, ADR 0042). One ticket per screen, sent as the Idempotency-Key."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

from django import forms
from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from comptoir.catalog.selectors import other_variants_of, product_names_of_skus
from comptoir.core.errors import DomainError
from comptoir.core.idempotency import idempotent
from comptoir.core.retrying import DatabaseUnavailable
from comptoir.locations.selectors import location_by_code
from comptoir.orders.selectors import access_order_by_reference, returnable_lines, tenders_taken
from comptoir.returns.till_exchange import ExchangeRequest, exchange_at_till, quote_exchange

from ..access import actor_of, is_htmx, staff_actor
from ..plain_words import plain_words
from .forms import TillPaymentForm
from .till_orders import REFUSALS

PERMISSION = "returns.write"


class ExchangePaymentForm(TillPaymentForm):
    """The till's tenders for the difference (none when the customer gets money back)."""

    sku = forms.CharField(widget=forms.HiddenInput, max_length=40)
    quantity = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=99)
    field_order = ["card", "cash_given", "terminal", "ticket", "sku", "quantity"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["take_out_of_online_cart"]


def _store(request: HttpRequest, code: str) -> Any:
    store = location_by_code(code=code)
    staff_actor(request, PERMISSION, store_id=store.pk)
    staff_actor(request, "stock.sell", store_id=store.pk)
    return store


def find(request: HttpRequest, code: str) -> HttpResponse:
    """The order by its reference (any channel, any store) and its lines that can come back."""
    store = _store(request, code)
    reference = request.GET.get("order", "").strip()[:40]
    context: dict[str, Any] = {"store": store, "reference": reference}
    if reference:
        try:
            order = access_order_by_reference(actor_of(request), reference, permission=PERMISSION)
        except DomainError as error:
            context["refusal"] = plain_words(error)[0]
        else:
            lines = [
                line
                for line in returnable_lines(order.pk).values()
                if line.returned_quantity < line.quantity
            ]
            names = product_names_of_skus(line.sku for line in lines)
            context.update(
                order=order,
                lines=[{"line": line, "name": names.get(line.sku, "")} for line in lines],
            )
            if not lines:
                context["refusal"] = _("Nothing of this order can come back.")
    return render(request, "web/associate/till_exchange.html", context)


def line(request: HttpRequest, code: str, reference: str, line_number: int) -> HttpResponse:
    """The line, the sizes and colours it can become, and with one chosen, the difference."""
    store = _store(request, code)
    order, returned = _line(request, reference, line_number)
    sku = request.GET.get("sku", "")[:40]
    form = ExchangePaymentForm(
        initial={"sku": sku, "quantity": 1, "ticket": _ticket(), "cash_given": Decimal("0.00")}
    )
    return _render(request, store, order, returned, sku, form)


@require_POST
@idempotent  # the page's ticket rides in Idempotency-Key: a double tap exchanges once
def exchange(request: HttpRequest, code: str, reference: str, line_number: int) -> HttpResponse:
    store = _store(request, code)
    order, returned = _line(request, reference, line_number)
    form = ExchangePaymentForm(request.POST)
    if not form.is_valid():
        return _render(request, store, order, returned, request.POST.get("sku", ""), form)
    data = form.cleaned_data
    try:
        done = exchange_at_till(
            store_id=store.pk,
            ticket=data["ticket"],
            request=ExchangeRequest(order.pk, line_number, data["quantity"], data["sku"]),
            card=data["card"] or Decimal("0"),
            cash_given=data["cash_given"] or Decimal("0"),
            card_token=data["terminal"],
            actor=actor_of(request).caller_key,
        )
    except DomainError as error:
        message = REFUSALS.get(error.code)
        refusal, translated = (str(message), True) if message else plain_words(error)
        if not isinstance(error, DatabaseUnavailable):
            form = ExchangePaymentForm(initial={**data, "ticket": _ticket()})
        return _render(
            request,
            store,
            order,
            returned,
            data["sku"],
            form,
            refusal=refusal,
            translated=translated,
        )
    context = {
        "store": store,
        "order": done.sale,
        "lines": list(done.sale.lines.order_by("line_number")),
        "tenders": {k: v for k, v in tenders_taken(done.sale.pk).items() if k != "exchange"},
        "credit": tenders_taken(done.sale.pk).get("exchange"),
        "change": done.split.change,
        "difference": done.difference,
        "refunded": -done.difference if done.difference < 0 else None,
        "returned": done.returned,
        "replayed": done.replayed,
        "old": order,
    }
    template = "web/associate/_till_exchanged.html"
    if not is_htmx(request):
        template = "web/associate/till_exchanged.html"
    return render(request, template, context)


def _ticket() -> str:
    return f"X-{uuid.uuid4().hex[:12].upper()}"


def _line(request: HttpRequest, reference: str, line_number: int) -> tuple[Any, Any]:
    order = access_order_by_reference(actor_of(request), reference, permission=PERMISSION)
    returned = returnable_lines(order.pk).get(line_number)
    if returned is None or returned.returned_quantity >= returned.quantity:
        raise Http404("Nothing of this line can come back.")
    return order, returned


def _render(
    request: HttpRequest,
    store: Any,
    order: Any,
    returned: Any,
    sku: str,
    form: ExchangePaymentForm,
    **extra: Any,
) -> HttpResponse:
    context: dict[str, Any] = {
        "store": store,
        "order": order,
        "line": returned,
        "name": product_names_of_skus([returned.sku]).get(returned.sku, ""),
        "choices": other_variants_of(returned.sku),
        "sku": sku,
        "pay_form": form,
        "fake_terminal": getattr(settings, "COMPTOIR_PSP", "fake") == "fake",
        **extra,
    }
    if sku:
        try:
            quote = quote_exchange(
                store_id=store.pk,
                request=ExchangeRequest(order.pk, returned.line_number, 1, sku),
            )
        except DomainError as error:
            if "refusal" not in context:
                context["refusal"], context["translated"] = plain_words(error)
        else:
            context["quote"] = quote
            if not form.is_bound:
                form.initial["card"] = max(quote.difference, Decimal("0"))
    template = "web/associate/_till_exchange_line.html"
    if not (is_htmx(request) and request.method == "POST"):
        template = "web/associate/till_exchange_line.html"
    return render(request, template, context)
