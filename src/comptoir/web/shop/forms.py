"""What the storefront's forms accept: checked here, at the edge, before any selector is asked."""

from __future__ import annotations

import html
import re
from typing import Any

from django import forms
from django.urls import reverse
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeData, SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from comptoir.catalog.search import MAX_PAGE, PRICE_BANDS
from comptoir.core.lookups import LookupCache
from comptoir.customers.domain import InvalidIdentity, normalise_phone
from comptoir.locations.domain import GeoPoint

POSTCODE = re.compile(r"^\d{5}$")


class LongSelect(forms.Select):
    """A flat `<select>` written out in Python: the same HTML as Django's `Select`, which
    renders every option through two templates, about 0.1 ms an option, so 45 ms of each
    catalogue page for the 500 stores of the big demo (bench/results, storefront section).
    Plain f-strings and `html.escape`: `format_html` cost another 5 ms for those 500.

    The options are written once per list and language, then kept by the process: a page
    only marks the chosen one."""

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        options, first_of = _written_options([(str(o), str(label)) for o, label in self.choices])
        chosen = [first_of[code] for code in self.format_value(value) if code in first_of]
        parts = [
            format_html(
                '<select name="{}"{}>', name, _attributes(self.build_attrs(self.attrs, attrs))
            ),
            *options,
            "\n</select>",
        ]
        if chosen:  # one option selected at most, the first that matches, as Django's Select
            at = min(chosen)
            parts[1 + at] = _option(*self.choices[at], selected=True)
        return mark_safe("".join(parts))  # noqa: S308 - every part escaped


_options = LookupCache("long select options", ttl_seconds=300.0, max_entries=32)


def _written_options(choices: list[tuple[str, str]]) -> tuple[list[str], dict[str, int]]:
    """Each option written out, none selected, and the index of each value's first option."""
    key = tuple(choices)
    found = _options.get(key)
    if found is None:
        first_of: dict[str, int] = {}
        for at, (option, _label) in enumerate(choices):
            first_of.setdefault(option, at)
        found = ([_option(option, label) for option, label in choices], first_of)
        _options.put_many({key: found})
    return found


def _option(option: Any, label: Any, *, selected: bool = False) -> str:
    return (
        f'\n  <option value="{_escaped(option)}"{" selected" if selected else ""}>'
        f"{_escaped(label)}</option>\n"
    )


class FlatChoiceField(forms.ChoiceField):
    """A `ChoiceField` over a long flat list of (value, label) pairs, such as 500 stores:
    Django normalises the choices three times as they are set (about 7 ms for 500) and checks
    a value by scanning them; here they are set as given and a value is found in a set."""

    def _set_flat_choices(self, value: Any) -> None:
        self._choices = self.widget._choices = list(value)
        self._values = {str(option) for option, _label in self._choices}

    choices = property(forms.ChoiceField.choices.fget, _set_flat_choices)

    def valid_value(self, value: Any) -> bool:
        return str(value) in self._values


def _escaped(value: Any) -> str:
    """As conditional_escape, without its lazy wrapper's cost on each of 500 options."""
    return str(value) if isinstance(value, SafeData) else html.escape(str(value))


def _attributes(attrs: dict[str, Any]) -> SafeString:
    """As django/forms/widgets/attrs.html writes them: False left out, True bare."""
    return mark_safe(  # noqa: S308 - names are the widget's own, values escaped
        "".join(
            f" {name}" if value is True else f' {name}="{conditional_escape(str(value))}"'
            for name, value in attrs.items()
            if value is not False
        )
    )


def place_of(near: str) -> dict[str, Any]:
    """A French postcode ("69003") or a town ("Lyon"), as the store locator's keywords."""
    near = near.strip()
    return {"postcode": near} if POSTCODE.match(near) else {"city": near}


class CatalogueFilters(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=100,
        widget=forms.TextInput(
            attrs={
                "type": "search",
                "role": "combobox",
                "autocomplete": "off",
                "aria-autocomplete": "list",
                "aria-expanded": "false",
                "aria-controls": "search-suggestions",
            }
        ),
    )
    store = FlatChoiceField(label=_("Available in store"), required=False, widget=LongSelect)
    mine = forms.BooleanField(label=_("Available in my store"), required=False)
    near = forms.CharField(
        label=_("Available for pickup near (postcode or town)"), required=False, max_length=100
    )
    cursor = forms.CharField(required=False, max_length=200, widget=forms.HiddenInput)
    # The facets a shopper chose on the results (links, so hidden in the form).
    brand = forms.CharField(required=False, max_length=80, widget=forms.HiddenInput)
    size = forms.CharField(required=False, max_length=20, widget=forms.HiddenInput)
    colour = forms.CharField(required=False, max_length=40, widget=forms.HiddenInput)
    price = forms.ChoiceField(
        required=False,
        choices=[("", "")] + [(b, b) for b, _, _ in PRICE_BANDS],
        widget=forms.HiddenInput,
    )
    page = forms.IntegerField(
        required=False, min_value=1, max_value=MAX_PAGE, widget=forms.HiddenInput
    )

    def __init__(self, *args: Any, stores: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["store"].choices = [("", _("Any store")), *stores]
        # Suggestions as one types: the listbox under the box (search.js moves through it).
        self.fields["q"].widget.attrs.update(
            {
                "hx-get": reverse("shop:search-suggestions"),
                "hx-trigger": "input changed delay:200ms, search",
                "hx-target": "#search-suggestions",
                "hx-swap": "innerHTML",
                "hx-push-url": "false",
                "hx-sync": "this:replace",
            }
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        chosen = [bool(data.get("store")), bool(data.get("mine")), bool(data.get("near"))]
        if sum(chosen) > 1:
            raise forms.ValidationError(
                _("Filter by one store, by your store, or by a place near you: one at a time.")
            )
        return data

    def facets_chosen(self) -> bool:
        """True when the shopper chose a facet: the results are a search, with facets."""
        return any(self.cleaned_data.get(name) for name in ("brand", "size", "colour", "price"))


class NearForm(forms.Form):
    near = forms.CharField(label=_("Postcode or town"), max_length=100)


class AroundMeForm(forms.Form):
    """The shopper's position as the browser's geolocation gave it ("around me"), in degrees."""

    lat = forms.FloatField(min_value=-90, max_value=90)
    lon = forms.FloatField(min_value=-180, max_value=180)

    def point(self) -> GeoPoint:
        return GeoPoint(self.cleaned_data["lat"], self.cleaned_data["lon"])


def place_asked(data: Any) -> tuple[dict[str, Any] | None, NearForm, bool]:
    """Where the shopper asked from, the postcode form to show, and whether it was "around me".

    A position (`lat` and `lon`, sent by the "around me" button) wins over a postcode or a town;
    a position that does not parse falls back to the form, as if none had been sent."""
    if "lat" in data or "lon" in data:
        around_me = AroundMeForm(data)
        if around_me.is_valid():
            return {"point": around_me.point()}, NearForm(), True
    form = NearForm(data if "near" in data else None)
    if form.is_valid():
        return place_of(form.cleaned_data["near"]), form, False
    return None, form, False


class SignUpForm(forms.Form):
    first_name = forms.CharField(label=_("First name"), max_length=100)
    last_name = forms.CharField(label=_("Last name"), max_length=100)
    email = forms.EmailField(label=_("Email"))
    password = forms.CharField(
        label=_("Password (at least 8 characters)"),
        min_length=8,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )


PICKUP_OPTIONS = {"reserve_and_collect", "click_and_collect", "ship_to_store"}
ADDRESS_FIELDS = ("name", "line1", "postcode", "city")


class CheckoutForm(forms.Form):
    """The options offered are those computed for this cart and place (`delivery.choices`);
    the page renders them itself, with their price, promise or reason."""

    pays_by_card = True  # False: paid by a payment link (the kiosk: no card typed on a screen)

    option = forms.CharField(
        label=_("How do you want it?"),
        max_length=40,
        error_messages={"required": _("Choose how you want it.")},
    )
    slot = forms.CharField(label=_("Time slot"), required=False, max_length=40)
    store = forms.ChoiceField(label=_("Store"), required=False)
    name = forms.CharField(label=_("Name on the parcel"), required=False, max_length=100)
    line1 = forms.CharField(label=_("Street and number"), required=False, max_length=200)
    postcode = forms.CharField(label=_("Postcode"), required=False, max_length=5)
    city = forms.CharField(label=_("Town"), required=False, max_length=100)
    card_token = forms.CharField(
        label=_("Card (a test card token: tok_visa)"), required=False, max_length=60
    )

    def __init__(self, *args: Any, stores: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["store"].choices = [("", _("Choose a store")), *stores]

    def clean_postcode(self) -> str:
        postcode = self.cleaned_data.get("postcode", "").strip()
        if postcode and not POSTCODE.match(postcode):
            raise forms.ValidationError(_("Five digits, such as 69003."))
        return postcode

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        option = data.get("option")
        if option in PICKUP_OPTIONS and not data.get("store"):
            self.add_error("store", _("Choose the store you collect in."))
        if option and option not in PICKUP_OPTIONS:
            for name in ADDRESS_FIELDS:
                if not data.get(name) and name not in self.errors:
                    self.add_error(name, _("Needed for a delivery."))
        if option == "home_time_slot" and not data.get("slot"):
            self.add_error("slot", _("Choose a time slot."))
        needs_card = self.pays_by_card and option and option != "reserve_and_collect"
        if needs_card and not data.get("card_token"):
            self.add_error("card_token", _("Needed to pay now."))
        return data


class KioskCheckoutForm(CheckoutForm):
    """The kiosk's checkout: the same options and address, no card, and an email or a phone
    where the confirmation and the payment link go (the shopper has no account here)."""

    pays_by_card = False

    first_name = forms.CharField(label=_("First name (optional)"), required=False, max_length=100)
    email = forms.EmailField(label=_("Your email"), required=False)
    phone = forms.CharField(
        label=_("Mobile phone"),
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={"type": "tel"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["card_token"]
        self.fields["email"].widget.attrs.update(autocomplete="off", inputmode="email")
        self.fields["phone"].widget.attrs.update(autocomplete="off", inputmode="tel")
        self.fields["first_name"].widget.attrs.update(autocomplete="off")

    def clean_phone(self) -> str:
        """The number as the customers app keeps it (+33…), by its own rule."""
        phone = self.cleaned_data.get("phone", "").strip()
        if not phone:
            return ""
        try:
            return normalise_phone(phone)
        except InvalidIdentity:
            raise forms.ValidationError(_("A mobile number, such as 06 12 34 56 78.")) from None

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not data.get("email") and not data.get("phone") and "email" not in self.errors:
            self.add_error("email", _("Give an email or a phone number for your receipt."))
        return data
