"""The associate app's forms: a scan or a typed code, a till line, a customer search."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class ScanForm(forms.Form):
    code = forms.CharField(
        label=_("SKU or barcode"),
        max_length=40,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "inputmode": "text", "data-scan": True}
        ),
    )


class TillSaleForm(forms.Form):
    code = forms.CharField(
        label=_("SKU or barcode"), max_length=40, widget=forms.TextInput(attrs={"data-scan": True})
    )
    quantity = forms.IntegerField(label=_("Quantity"), min_value=1, max_value=99, initial=1)
    hold = forms.IntegerField(
        label=_("Set-aside number (if the customer reserved it)"), required=False, min_value=1
    )
    ticket = forms.CharField(widget=forms.HiddenInput, max_length=40)


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
