"""One order as the agent sees it — its lines with their status and where they come from,
its payment and link — and what the state machine still allows on it: cancel the order or
some lines, send the payment link again, each with the reason the agent gives."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from comptoir.core.access import authorize
from comptoir.core.errors import DomainError
from comptoir.orders.domain import CANCELLABLE
from comptoir.orders.selectors import access_order_by_reference
from comptoir.orders.services.lifecycle import cancel_lines, cancel_order
from comptoir.orders.services.payment_links import send_payment_link

from ..plain_words import plain_words
from .forms import CancelForm, ReasonForm
from .views import console_actor


def _lines(order: Any) -> list[Any]:
    return list(order.lines.select_related("variant__product", "location").order_by("line_number"))


def _context(order: Any, cancel: CancelForm, resend: ReasonForm) -> dict[str, Any]:
    payment = getattr(order, "payment", None)
    return {
        "order": order,
        "lines": _lines(order),
        "payment": payment,
        "may_cancel": order.status in CANCELLABLE,
        "may_resend": order.status == "awaiting_payment"
        and payment is not None
        and bool(payment.payment_link),
        "cancel_form": cancel,
        "resend_form": resend,
    }


def order(request: HttpRequest, reference: str) -> HttpResponse:
    actor = console_actor(request, "orders.read")
    found = access_order_by_reference(actor, reference)
    open_lines = [line for line in _lines(found) if line.status == "open"]
    action = request.POST.get("action") if request.method == "POST" else None
    cancel = CancelForm(request.POST if action == "cancel" else None, open_lines=open_lines)
    resend = ReasonForm(request.POST if action == "resend" else None, prefix="resend")
    if action == "cancel" and cancel.is_valid():
        authorize(actor, "orders.cancel", customer_id=found.customer_id)
        if _cancel(found, cancel):
            messages.success(request, _("Cancelled, with the reason recorded."))
            return redirect("service:order", reference=found.reference)
    elif action == "resend" and resend.is_valid():
        authorize(actor, "orders.write", customer_id=found.customer_id)
        try:
            send_payment_link(
                order_id=found.pk, reason=resend.cleaned_data["reason"], asked_by=actor.caller_key
            )
        except DomainError as error:
            resend.add_error(None, plain_words(error)[0])
        else:
            messages.success(request, _("The payment link is on its way to the customer again."))
            return redirect("service:order", reference=found.reference)
    elif action is not None and action not in ("cancel", "resend"):
        messages.error(request, _("That action is not one this page offers."))
    found = access_order_by_reference(actor, reference)
    status = 422 if (cancel.errors or resend.errors) else 200
    return render(request, "web/service/order.html", _context(found, cancel, resend), status=status)


def _cancel(order: Any, form: CancelForm) -> bool:
    reason = form.cleaned_data["reason"]
    try:
        if form.cleaned_data["lines"]:
            cancel_lines(order_id=order.pk, line_numbers=form.cleaned_data["lines"], reason=reason)
        else:
            cancel_order(order_id=order.pk, reason=reason)
    except DomainError as error:
        form.add_error(None, plain_words(error)[0])
        return False
    return True
