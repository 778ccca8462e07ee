"""The associate app's forms: a scan or a typed code, a till line, a customer search."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class ScanForm(forms.Form):
    code = forms.CharField(
        label=_("SKU or barcode"),
        max_length=40,
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "text"}),
    )


class TillScanForm(forms.Form):
    """A line for the basket: typed, from a keyboard-wedge scanner (it types, then Enter), or
    from the camera (`data-scan`)."""

    code = forms.CharField(
        label=_("SKU or barcode"),
        max_length=40,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "off",
                "autofocus": True,
                "enterkeyhint": "done",
                "data-scan": "",
            }
        ),
    )
    quantity = forms.IntegerField(
        label=_("Quantity"), min_value=1, max_value=99, initial=1, required=False
    )


class TillQuantityForm(forms.Form):
    quantity = forms.IntegerField(label=_("Quantity"), min_value=0, max_value=99)


class TillCustomerForm(forms.Form):
    q = forms.CharField(
        label=_("Loyalty card, phone or cart code"),
        max_length=120,
        widget=forms.TextInput(attrs={"autocomplete": "off", "data-scan": ""}),
    )


# What the customer does at the demo's card terminal (the fake PSP reads it from the token).
TERMINAL_CHOICES = [
    ("tok_terminal", _("The customer pays (approved)")),
    ("tok_declined_terminal", _("The card is declined")),
    ("tok_terminal_cancelled", _("The customer cancels")),
    ("tok_terminal_timeout", _("The terminal does not answer")),
]


class TillPaymentForm(forms.Form):
    card = forms.DecimalField(
        label=_("On the card"),
        min_value=0,
        max_digits=10,
        decimal_places=2,
        required=False,
        localize=True,  # "58,00" in French
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )
    cash_given = forms.DecimalField(
        label=_("Cash given"),
        min_value=0,
        max_digits=10,
        decimal_places=2,
        required=False,
        localize=True,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )
    terminal = forms.ChoiceField(label=_("Card terminal (demo)"), choices=TERMINAL_CHOICES)
    take_out_of_online_cart = forms.BooleanField(
        label=_("Remove the items bought from the customer's online cart"), required=False
    )
    ticket = forms.CharField(widget=forms.HiddenInput, max_length=20)


class CustomerSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Loyalty card, email, phone or name"),
        max_length=120,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )


class HandoffForm(forms.Form):
    handoff = forms.CharField(
        label=_("Cart code (on the customer's screen)"),
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
