"""A store's edit page in the back office: address and phone, weekly hours, closures, services.

Each form posts to its own address and goes through the service the API uses, with the same
permission (`locations.write`), checked against the store: a member scoped to other stores is
refused as on the API.
"""

from __future__ import annotations

import re
from datetime import time
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from comptoir.core import clock
from comptoir.core.errors import DomainError
from comptoir.locations.domain import ServiceOffer, WeeklyRange
from comptoir.locations.selectors import location_by_code, location_detail, service_choices
from comptoir.locations.services import (
    declare_closures,
    set_location_services,
    set_opening_hours,
    update_location_details,
)

from ..access import staff_actor
from ..plain_words import plain_words
from ..templatetags.web_extras import weekday_name

WRITE = "locations.write"
_RANGE = re.compile(r"^\s*(\d{1,2})[:h](\d{2})\s*[-–]\s*(\d{1,2})[:h](\d{2})\s*$")


class DetailsForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=120)
    street = forms.CharField(label=gettext_lazy("Street address"), max_length=200, required=False)
    postcode = forms.CharField(label=gettext_lazy("Postcode"), max_length=10, required=False)
    city = forms.CharField(label=gettext_lazy("Town"), max_length=100)
    phone = forms.CharField(
        label=gettext_lazy("Phone"),
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
    )


def _ranges_text(ranges: list[tuple[time, time]]) -> str:
    return ", ".join(f"{o:%H:%M}-{c:%H:%M}" for o, c in ranges)


def _parse_ranges(text: str) -> list[tuple[time, time]]:
    ranges = []
    for part in filter(None, (p.strip() for p in text.split(","))):
        found = _RANGE.match(part)
        if not found:
            raise forms.ValidationError(_("Write ranges such as 09:00-12:00, 14:00-19:00."))
        oh, om, ch, cm = (int(n) for n in found.groups())
        if oh > 23 or ch > 23 or om > 59 or cm > 59:
            raise forms.ValidationError(_("A time runs from 00:00 to 23:59."))
        ranges.append((time(oh, om), time(ch, cm)))
    return ranges


class HoursForm(forms.Form):
    """One text field a weekday: its ranges, comma-separated; empty means closed."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for weekday in range(7):
            self.fields[f"day_{weekday}"] = forms.CharField(
                label=weekday_name(weekday).capitalize(),
                max_length=100,
                required=False,
                widget=forms.TextInput(attrs={"placeholder": "09:00-19:00"}),
            )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        self.ranges: list[WeeklyRange] = []
        for weekday in range(7):
            field = f"day_{weekday}"
            if field not in cleaned:
                continue
            try:
                for opens, closes in _parse_ranges(cleaned[field]):
                    self.ranges.append(WeeklyRange(weekday, opens, closes))
            except forms.ValidationError as error:
                self.add_error(field, error)
        return cleaned


class ClosureForm(forms.Form):
    first_day = forms.DateField(
        label=gettext_lazy("First day closed"), widget=forms.DateInput(attrs={"type": "date"})
    )
    last_day = forms.DateField(
        label=gettext_lazy("Last day closed"), widget=forms.DateInput(attrs={"type": "date"})
    )
    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=200, required=False)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        first, last = cleaned.get("first_day"), cleaned.get("last_day")
        if first and last and last < first:
            self.add_error("last_day", _("The last day comes on or after the first."))
        return cleaned


class ServicesForm(forms.Form):
    """A box a service the locations app knows, and its pickup lead time in minutes."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for value, label in service_choices():
            self.fields[value] = forms.BooleanField(label=label, required=False)
            self.fields[f"{value}_lead"] = forms.IntegerField(
                label=_("%(service)s: ready after (minutes)") % {"service": label},
                min_value=0,
                max_value=7 * 24 * 60,
                required=False,
                widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
            )

    def offers(self) -> list[ServiceOffer]:
        data = self.cleaned_data
        return [
            ServiceOffer(value, data.get(f"{value}_lead") or 0)
            for value in [value for value, _label in service_choices()]
            if data.get(value)
        ]


def _store(request: HttpRequest, code: str) -> Any:
    location = location_by_code(code=code)
    staff_actor(request, WRITE, store_id=location.pk)
    return location


def _initial_forms(location: Any) -> dict[str, forms.Form]:
    days: dict[int, list[tuple[time, time]]] = {}
    for hours in location.opening_hours.order_by("weekday", "opens"):
        days.setdefault(hours.weekday, []).append((hours.opens, hours.closes))
    offered = {offer.service: offer.pickup_lead_minutes for offer in location.services.all()}
    services_initial: dict[str, Any] = {}
    for value in [value for value, _label in service_choices()]:
        services_initial[value] = value in offered
        services_initial[f"{value}_lead"] = offered.get(value, 0)
    return {
        "details": DetailsForm(initial={f: getattr(location, f) for f in DetailsForm.base_fields}),
        "hours": HoursForm(initial={f"day_{d}": _ranges_text(r) for d, r in days.items()}),
        "closure": ClosureForm(),
        "services": ServicesForm(initial=services_initial),
    }


def _page(request: HttpRequest, location: Any, **bound: forms.Form) -> HttpResponse:
    location = location_detail(code=location.code, now=clock.now())  # fresh, closures to come
    context: dict[str, Any] = {**_initial_forms(location), **bound, "location": location}
    context["closures"] = list(location.closures.all())
    return render(request, "web/backoffice/store.html", context)


def _saved(request: HttpRequest, location: Any, what: str) -> HttpResponse:
    messages.success(request, what % {"name": location.name})
    return redirect("backoffice:store", location.code)


# What the service's refusal means on this page, by the field it names.
REFUSALS = {
    "phone": gettext_lazy("A phone number that exists, such as +33 4 72 00 00 00."),
    "name": gettext_lazy("This field is required."),
    "city": gettext_lazy("This field is required."),
    "opening_hours": gettext_lazy("Two ranges overlap, or a range opens when it closes."),
    "last_day": gettext_lazy("A closure lasts from one day to a year."),
    "services": gettext_lazy("Only stores offer services to customers."),
}


def _refused(form: forms.Form, error: DomainError) -> None:
    named = [e.get("field") for e in error.errors if e.get("field") in REFUSALS]
    if not named:
        form.add_error(None, plain_words(error)[0])
    for field in named:
        form.add_error(field if field in form.fields else None, str(REFUSALS[field]))


def store(request: HttpRequest, code: str) -> HttpResponse:
    """GET: the edit page. POST: the name, address and phone."""
    location = _store(request, code)
    if request.method != "POST":
        return _page(request, location)
    form = DetailsForm(request.POST)
    if form.is_valid():
        try:
            saved = update_location_details(location_code=code, **form.cleaned_data)
        except DomainError as error:
            _refused(form, error)
        else:  # under its new name, if it has one
            return _saved(request, saved, _("The address and phone of %(name)s are saved."))
    return _page(request, location, details=form)


def store_hours(request: HttpRequest, code: str) -> HttpResponse:
    location = _store(request, code)
    if request.method != "POST":
        return redirect("backoffice:store", code)
    form = HoursForm(request.POST)
    if form.is_valid():
        try:
            set_opening_hours(location_code=code, opening_hours=form.ranges)
        except DomainError as error:
            _refused(form, error)
        else:
            return _saved(request, location, _("The opening hours of %(name)s are saved."))
    return _page(request, location, hours=form)


def store_closures(request: HttpRequest, code: str) -> HttpResponse:
    location = _store(request, code)
    if request.method != "POST":
        return redirect("backoffice:store", code)
    form = ClosureForm(request.POST)
    if form.is_valid():
        try:
            declare_closures(location_code=code, **form.cleaned_data)
        except DomainError as error:
            _refused(form, error)
        else:
            first = formats.date_format(form.cleaned_data["first_day"])
            messages.success(
                request,
                _("%(name)s is closed from %(first)s.") % {"name": location.name, "first": first},
            )
            return redirect("backoffice:store", code)
    return _page(request, location, closure=form)


def store_services(request: HttpRequest, code: str) -> HttpResponse:
    location = _store(request, code)
    if request.method != "POST":
        return redirect("backoffice:store", code)
    form = ServicesForm(request.POST)
    if form.is_valid():
        try:
            set_location_services(location_code=code, services=form.offers())
        except DomainError as error:
            _refused(form, error)
        else:
            return _saved(request, location, _("The services of %(name)s are saved."))
    return _page(request, location, services=form)
