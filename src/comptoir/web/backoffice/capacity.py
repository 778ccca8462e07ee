"""A location's capacity in the back office: its limits, and what today's orders took.

The form sets the same limits as `PUT /api/v1/locations/{code}/capacity`, through the same
service; an empty field means no limit.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from comptoir.core import clock
from comptoir.core.errors import DomainError
from comptoir.fulfilment.capacity import MAX_LIMIT, set_capacity
from comptoir.fulfilment.selectors import capacity_of
from comptoir.locations.selectors import location_by_code

from ..access import staff_actor
from ..plain_words import plain_words

WRITE = "locations.write"


def _limit(label: str) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        min_value=0,
        max_value=MAX_LIMIT,
        required=False,
        help_text=gettext_lazy("Empty: no limit."),
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )


class CapacityForm(forms.Form):
    picking_units_per_day = _limit(gettext_lazy("Units picked a day"))
    picking_units_per_cut_off = _limit(gettext_lazy("Units picked per carrier collection"))
    same_day_orders_per_day = _limit(gettext_lazy("Same-day orders a day"))
    deliveries_per_slot = _limit(gettext_lazy("Deliveries per time slot"))


def store_capacity(request: HttpRequest, code: str) -> HttpResponse:
    """GET: the limits and today's use. POST: set them, then back to the page."""
    location = location_by_code(code=code)
    staff_actor(request, WRITE, store_id=location.pk)
    figures = capacity_of(location_id=location.pk, now=clock.now())
    if request.method != "POST":
        form = CapacityForm(initial={name: figures[name] for name in CapacityForm.base_fields})
        return _page(request, location, form, figures)
    form = CapacityForm(request.POST)
    if not form.is_valid():
        return _page(request, location, form, figures)
    try:
        set_capacity(location_id=location.pk, limits=form.cleaned_data, now=clock.now())
    except DomainError as error:
        form.add_error(None, plain_words(error)[0])
        return _page(request, location, form, figures)
    messages.success(request, _("The capacity of %(name)s is saved.") % {"name": location.name})
    return redirect("backoffice:store-capacity", code)


def _page(request: HttpRequest, location: Any, form: CapacityForm, figures: dict) -> HttpResponse:
    context = {"location": location, "form": form, "figures": figures}
    return render(request, "web/backoffice/capacity.html", context)
