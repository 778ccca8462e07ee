"""What the storefront's forms accept: checked here, at the edge, before any selector is asked."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

POSTCODE = re.compile(r"^\d{5}$")


def place_of(near: str) -> dict[str, Any]:
    """A French postcode ("69003") or a town ("Lyon"), as the store locator's keywords."""
    near = near.strip()
    return {"postcode": near} if POSTCODE.match(near) else {"city": near}


class CatalogueFilters(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    store = forms.ChoiceField(label=_("Available in store"), required=False)
    mine = forms.BooleanField(label=_("Available in my store"), required=False)
    near = forms.CharField(
        label=_("Available for pickup near (postcode or town)"), required=False, max_length=100
    )
    cursor = forms.CharField(required=False, max_length=200, widget=forms.HiddenInput)

    def __init__(self, *args: Any, stores: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["store"].choices = [("", _("Any store")), *stores]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        chosen = [bool(data.get("store")), bool(data.get("mine")), bool(data.get("near"))]
        if sum(chosen) > 1:
            raise forms.ValidationError(
                _("Filter by one store, by your store, or by a place near you: one at a time.")
            )
        return data


class NearForm(forms.Form):
    near = forms.CharField(label=_("Postcode or town"), max_length=100)


class SignUpForm(forms.Form):
    first_name = forms.CharField(label=_("First name"), max_length=100)
    last_name = forms.CharField(label=_("Last name"), max_length=100)
    email = forms.EmailField(label=_("Email"))
    password = forms.CharField(
        label=_("Password (at least 8 characters)"),
        min_length=8,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
