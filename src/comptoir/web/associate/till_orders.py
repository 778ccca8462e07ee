"""Orders paid at the till when collected: reserve & collect, an endless-aisle pickup.

The associate finds the order (its reference, the customer's pickup code, or the list of
orders waiting here), the till shows its lines and what is due, takes card and/or cash as a
basket sale does, and the order is handed over: `orders.services.till_pickup.pay_at_pickup`,
once per ticket (the page's Idempotency-Key).
"""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

from django import forms
from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from comptoir.catalog.selectors import product_names_of_skus
from comptoir.core.errors import DomainError
from comptoir.core.idempotency import idempotent
from comptoir.core.retrying import DatabaseUnavailable
from comptoir.customers.selectors import customer_by_id
from comptoir.orders.selectors import (
    due_at_the_till,
    order_to_pay_at_till,
    orders_to_pay_at_till,
    tenders_taken,
)
from comptoir.orders.services.till_pickup import pay_at_pickup, pay_ordered_here

from ..access import actor_of, is_htmx, staff_actor
from ..plain_words import plain_words
from .forms import TillPaymentForm
from .views import _store

PERMISSION = "stock.sell"
# A refusal at this till leaves the order as it was: still ready, still to pay.
REFUSALS = {
    "payment-declined": gettext_lazy(
        "The card was declined: nothing was taken and the order is still to pay."
    ),
    "terminal-cancelled": gettext_lazy(
        "The payment was cancelled on the card terminal: nothing was taken."
    ),
    "terminal-not-answered": gettext_lazy(
        "The card terminal did not answer: nothing was taken. Try the card again."
    ),
    "tenders-do-not-cover": gettext_lazy(
        "Card and cash do not pay what is due (or the card part is more than it): nothing "
        "was taken."
    ),
}


class FindOrderForm(forms.Form):
    q = forms.CharField(
        label=gettext_lazy("Order reference or pickup code"),
        max_length=40,
        widget=forms.TextInput(attrs={"autocomplete": "off", "data-scan": ""}),
    )


class PickupPaymentForm(TillPaymentForm):
    """The till's tenders, and the pickup code the customer shows (checked again)."""

    pickup_code = forms.CharField(
        label=gettext_lazy("Pickup code the customer shows"),
        max_length=12,
        required=False,  # an order paid ahead (the endless aisle) is not handed over here
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    field_order = ["pickup_code", "card", "cash_given", "terminal", "ticket"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["take_out_of_online_cart"]


def _ticket() -> str:
    return f"P-{uuid.uuid4().hex[:12].upper()}"


def to_pay(request: HttpRequest, code: str) -> HttpResponse:
    """The orders ready here and due at the till, and a box to find one by reference or code."""
    store = _store(request, code, PERMISSION)
    form = FindOrderForm(request.GET or None)
    if form.is_valid():
        found = order_to_pay_at_till(location_id=store.pk, text=form.cleaned_data["q"])
        if found is not None and found.reference.lower() == form.cleaned_data["q"].lower():
            return redirect("associate:till-order", code=code, reference=found.reference)
        if found is not None:
            # Found by the code the customer shows: it is the code to check, typed once. (Not
            # in a redirect's URL: a pickup code is personal data, kept out of access logs.)
            form = PickupPaymentForm(initial={"pickup_code": form.cleaned_data["q"]})
            return render(request, "web/associate/till_order.html", _context(store, found, form))
        form.add_error("q", _("No order waiting here has this reference or pickup code."))
    waiting = [
        {"order": order, "due": _due(order)}
        for order in orders_to_pay_at_till(location_id=store.pk)
    ]
    context = {"store": store, "form": form, "waiting": waiting}
    return render(request, "web/associate/till_orders.html", context)


def order(request: HttpRequest, code: str, reference: str) -> HttpResponse:
    store = _store(request, code, PERMISSION)
    found = _order_here(store, reference)
    form = PickupPaymentForm()
    return render(request, "web/associate/till_order.html", _context(store, found, form))


@require_POST
@idempotent  # the page sends its ticket as Idempotency-Key: a double tap pays once
def pay(request: HttpRequest, code: str, reference: str) -> HttpResponse:
    store = _store(request, code, PERMISSION)
    staff_actor(request, "fulfilment.work", store_id=store.pk)
    found = _order_here(store, reference)
    form = PickupPaymentForm(request.POST)
    if not form.is_valid():
        return _again(request, store, found, form)
    data = form.cleaned_data
    tenders = {
        "order_id": found.pk,
        "location_id": store.pk,
        "ticket": data["ticket"],
        "card": data["card"] or Decimal("0"),
        "cash_given": data["cash_given"] or Decimal("0"),
        "card_token": data["terminal"],
        "actor": actor_of(request).caller_key,
    }
    try:
        if _paid_ahead(found):
            paid = pay_ordered_here(**tenders)
        else:
            paid = pay_at_pickup(pickup_code=data["pickup_code"], **tenders)
    except DomainError as error:
        refusal, translated = _refusal(error)
        if not isinstance(error, DatabaseUnavailable):
            form = PickupPaymentForm(
                initial={**data, "ticket": _ticket()}  # nothing taken: the next try is new
            )
        return _again(request, store, found, form, refusal=refusal, translated=translated)
    context = {
        "store": store,
        "order": paid.order,
        "lines": list(paid.order.lines.order_by("line_number")),
        "tenders": tenders_taken(paid.order.pk),
        "change": paid.split.change,
        "customer": _customer(paid.order),
        "replayed": paid.replayed,
        "handed_over": paid.order.status == "collected",
    }
    template = "web/associate/_till_order_paid.html"
    if not is_htmx(request):
        template = "web/associate/till_order_paid.html"
    return render(request, template, context)


def _refusal(error: DomainError) -> tuple[str, bool]:
    message = REFUSALS.get(error.code)
    return (str(message), True) if message is not None else plain_words(error)


def _order_here(store: Any, reference: str) -> Any:
    found = order_to_pay_at_till(location_id=store.pk, text=reference)
    if found is None or found.reference != reference:
        raise Http404("No order collected here has this reference.")
    return found


def _paid_ahead(order: Any) -> bool:
    """An endless-aisle order placed here, paid at the till before anything leaves."""
    return order.status == "awaiting_payment"


def _due(order: Any) -> Decimal | None:
    return order.total if _paid_ahead(order) else due_at_the_till(order.pk)


def _customer(order: Any) -> Any:
    return customer_by_id(customer_id=order.customer_id) if order.customer_id else None


def _context(store: Any, order: Any, form: PickupPaymentForm, **extra: Any) -> dict[str, Any]:
    due = _due(order)
    lines = list(order.lines.order_by("line_number"))
    names = product_names_of_skus({line.sku: line.variant_id for line in lines})
    if not form.is_bound and not form.initial.get("ticket"):
        form.initial.update(card=due, cash_given=Decimal("0.00"), ticket=_ticket())
    return {
        "store": store,
        "order": order,
        "lines": [
            {
                "line": line,
                "name": names.get(line.sku, ""),
                "amount": line.unit_price * line.quantity,
            }
            for line in lines
        ],
        "due": due,
        "payable": order.status in {"ready_for_pickup", "awaiting_payment"} and due is not None,
        "paid_ahead": _paid_ahead(order),
        "customer": _customer(order),
        "pay_form": form,
        "fake_terminal": getattr(settings, "COMPTOIR_PSP", "fake") == "fake",
        **extra,
    }


def _again(
    request: HttpRequest, store: Any, order: Any, form: PickupPaymentForm, **extra: Any
) -> HttpResponse:
    template = "web/associate/_till_order.html"
    if not is_htmx(request):
        template = "web/associate/till_order.html"
    return render(request, template, _context(store, order, form, **extra))
