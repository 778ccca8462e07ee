"""The console's forms: each says what is wrong beside the field, in the agent's language."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from ..shop.forms import CheckoutForm

REASON_REQUIRED = _("Say why: the customer's words or the agent's.")


class FindCustomerForm(forms.Form):
    q = forms.CharField(
        label=_("Phone, email, loyalty card, order reference or name"),
        max_length=120,
        error_messages={"required": _("Type what the customer gives you.")},
        widget=forms.TextInput(attrs={"autocomplete": "off", "type": "search"}),
    )


class AddToCartForm(forms.Form):
    sku = forms.CharField(
        label=_("SKU"),
        max_length=40,
        error_messages={"required": _("Type the product's SKU.")},
    )
    quantity = forms.IntegerField(
        label=_("Quantity"),
        min_value=1,
        max_value=99,
        initial=1,
        error_messages={
            "required": _("How many?"),
            "invalid": _("A whole number, from 1 to 99."),
            "min_value": _("A whole number, from 1 to 99."),
            "max_value": _("A whole number, from 1 to 99."),
        },
    )


class OrderForCustomerForm(CheckoutForm):
    """The checkout's options and address; paid by a payment link sent to the customer (or in
    the store, for reserve & collect), never by a card read over the phone."""

    pays_by_card = False

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["card_token"]


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), max_length=200, error_messages={"required": REASON_REQUIRED}
    )


class CancelForm(ReasonForm):
    lines = forms.TypedMultipleChoiceField(
        label=_("Only these lines (none ticked: the whole order)"),
        required=False,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, open_lines: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["lines"].choices = [
            (line.line_number, f"{line.quantity} × {line.variant.product.name} ({line.sku})")
            for line in open_lines
        ]
