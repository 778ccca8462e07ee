"""The local fake PSP's payment page: what a payment link opens in the customer's browser.

With a real PSP the link is the PSP's hosted page; with the fake one (`COMPTOIR_PSP=fake`) it
is this page, at the site's one public address (`PUBLIC_BASE_URL`). GET shows the order and a
pay form; POST pays through the fake, whose signed webhook is applied here as the PSP's own
call would be (`receive_payment_notification`, once per notification). A link that is not
the fake's, or has expired, or whose order no longer waits, gets a plain sentence.
"""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from comptoir.orders.payments.adapter import BadSignature
from comptoir.orders.payments.fake import FakePsp
from comptoir.orders.selectors import payment_by_provider_reference
from comptoir.orders.services.notifications import receive_payment_notification

CARD_TOKEN = re.compile(r"^tok_[A-Za-z0-9_]{1,100}$")
TEMPLATE = "web/pay.html"


class PayForm(forms.Form):
    card_token = forms.CharField(
        label=gettext_lazy("Card (a test card token: tok_visa)"),
        max_length=100,
        error_messages={"required": gettext_lazy("Give a test card token, such as tok_visa.")},
    )

    def clean_card_token(self) -> str:
        token = self.cleaned_data["card_token"].strip()
        if not CARD_TOKEN.match(token):
            raise forms.ValidationError(_("Give a test card token, such as tok_visa."))
        return token


def _refused(request: HttpRequest, message: str, status: int) -> HttpResponse:
    return render(request, TEMPLATE, {"refusal": message}, status=status)


def pay_by_link(request: HttpRequest, token: str) -> HttpResponse:
    psp = FakePsp()
    try:
        reference, amount, currency, expired = psp.read_link(token=token)
    except BadSignature:
        return _refused(request, _("This payment link is not valid: check the whole link."), 404)
    payment = payment_by_provider_reference("fake", reference)
    if payment is None:
        return _refused(request, _("This payment link is not valid: check the whole link."), 404)
    order = payment.order
    context: dict[str, Any] = {
        "order": order,
        "lines": [
            (line, line.unit_price * line.quantity)
            for line in order.lines.select_related("variant__product").order_by("line_number")
        ],
        "amount": amount,
        "currency": currency,
    }
    if order.status != "awaiting_payment":
        context["settled"] = True  # paid already, or cancelled: nothing to pay here
        return render(request, TEMPLATE, context)
    if expired:
        return _refused(request, _("This payment link has expired: ask us for a new one."), 410)
    form = PayForm(request.POST or None)
    context["form"] = form
    if request.method == "POST" and form.is_valid():
        body, signature = psp.pay_link(token=token, card_token=form.cleaned_data["card_token"])
        receive_payment_notification(provider_name="fake", body=body, signature=signature)
        order.refresh_from_db()
        context["settled"] = True
        if order.status == "cancelled":  # a declined link payment cancels the order (orders)
            context["declined"] = True
        else:
            context["just_paid"] = True
    return render(request, TEMPLATE, context, status=422 if form.errors else 200)
