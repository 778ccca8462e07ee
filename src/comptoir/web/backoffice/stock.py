"""Stock writes in the back office: a receipt, an adjustment, a count file and its progress.

Each form goes through the inventory service the API uses, with the API's permission
(`stock.adjust`, checked against the location). The forms post through htmx with an
Idempotency-Key, so a double tap receives once; without JavaScript they post plainly.
A count file starts the same background job as POST /api/v1/stock-snapshots; its page shows
the job's progress, polled by htmx until it is done, then the rejected lines.
"""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from comptoir.core.errors import DomainError
from comptoir.core.idempotency import idempotent
from comptoir.inventory.selectors import SNAPSHOT_CSV, resolve_skus, snapshot_is_finished
from comptoir.inventory.services.snapshots import (
    apply_stock_snapshot,
    read_snapshot,
    snapshot_job,
    start_stock_snapshot,
)
from comptoir.inventory.services.stock import adjust_stock, receive_stock
from comptoir.locations.selectors import location_by_code, location_list

from ..access import actor_of, is_htmx, staff_actor
from ..plain_words import plain_words

ADJUST = "stock.adjust"
MAX_UNITS = 1_000_000
MAX_COUNT_FILE_BYTES = 2 * 1024 * 1024


def _locations() -> list[tuple[str, str]]:
    return [("", "—"), *location_list().order_by("city").values_list("code", "name")]


class _AtALocation(forms.Form):
    id_prefix = "stock"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # The three forms share one page: their ids must not collide (a label names one input).
        super().__init__(*args, auto_id=f"{self.id_prefix}_%s", **kwargs)
        self.fields["location"] = forms.ChoiceField(
            label=gettext_lazy("Store or warehouse"), choices=_locations()
        )
        self.order_fields(["location"])


class ReceiptForm(_AtALocation):
    id_prefix = "receipt"

    sku = forms.CharField(label="SKU", max_length=40)
    quantity = forms.IntegerField(
        label=gettext_lazy("Units received"),
        min_value=1,
        max_value=MAX_UNITS,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    reference = forms.CharField(label=gettext_lazy("Delivery note"), max_length=80, required=False)


class AdjustmentForm(_AtALocation):
    id_prefix = "adjustment"

    sku = forms.CharField(label="SKU", max_length=40)
    counted = forms.IntegerField(
        label=gettext_lazy("New count"),
        min_value=0,
        max_value=MAX_UNITS,
        required=False,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    delta = forms.IntegerField(
        label=gettext_lazy("Or change by (+/-)"),
        min_value=-MAX_UNITS,
        max_value=MAX_UNITS,
        required=False,
    )
    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=200)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        counted, delta = cleaned.get("counted"), cleaned.get("delta")
        if "counted" in cleaned and "delta" in cleaned and (counted is None) == (delta is None):
            self.add_error("counted", _("Give the new count or the change, not both."))
        elif delta == 0:
            self.add_error("delta", _("A change adds or removes at least one unit."))
        return cleaned


class CountFileForm(_AtALocation):
    id_prefix = "count"

    file = forms.FileField(
        label=gettext_lazy("Count file (CSV: sku,quantity)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )


def stock_forms() -> dict[str, Any]:
    """The empty forms of the stock page, each with a fresh key for its first submission."""
    return {
        "receipt": ReceiptForm(),
        "adjustment": AdjustmentForm(),
        "count": CountFileForm(),
        "key": uuid.uuid4().hex,
    }


def _refuse(form: forms.Form, error: DomainError) -> None:
    field = "sku" if error.code == "unknown-sku" else None
    form.add_error(field, plain_words(error)[0])


def _answer(request: HttpRequest, template: str, form: forms.Form, **extra: Any) -> HttpResponse:
    context = {"form": form, "key": uuid.uuid4().hex, **extra}
    if is_htmx(request):
        return render(request, f"web/backoffice/_stock_{template}.html", context)
    if extra.get("done"):
        messages.success(request, extra["done"])
        return redirect("backoffice:stock")
    return render(request, "web/backoffice/stock_form.html", {**context, "template": template})


def _place(request: HttpRequest, form: forms.Form) -> Any:
    """The location the form names, once the caller may adjust stock there."""
    location = location_by_code(code=form.cleaned_data["location"])
    staff_actor(request, ADJUST, store_id=location.pk)
    return location


@idempotent  # the form's key rides in Idempotency-Key: a double tap receives once
def _receive(request: HttpRequest) -> HttpResponse:
    form = ReceiptForm(request.POST)
    if not form.is_valid():
        return _answer(request, "receipt", form)
    location = _place(request, form)
    data = form.cleaned_data
    try:
        figures = receive_stock(
            variant_id=resolve_skus([data["sku"]])[data["sku"]],
            location_id=location.pk,
            sku=data["sku"],
            quantity=data["quantity"],
            reference=data["reference"],
            actor=actor_of(request).caller_key,
        )
    except DomainError as error:
        _refuse(form, error)
        return _answer(request, "receipt", form)
    done = _("%(units)s × %(sku)s received at %(place)s: %(on_hand)s on hand.") % {
        "units": data["quantity"],
        "sku": data["sku"],
        "place": location.name,
        "on_hand": figures.on_hand,
    }
    return _answer(request, "receipt", ReceiptForm(), done=done)


def stock_receipt(request: HttpRequest) -> HttpResponse:
    staff_actor(request, ADJUST)
    if request.method != "POST":
        return redirect("backoffice:stock")
    return _receive(request)


@idempotent
def _adjust(request: HttpRequest) -> HttpResponse:
    form = AdjustmentForm(request.POST)
    if not form.is_valid():
        return _answer(request, "adjustment", form)
    location = _place(request, form)
    data = form.cleaned_data
    actor = actor_of(request).caller_key
    try:
        variant_id = resolve_skus([data["sku"]])[data["sku"]]
        if data["counted"] is not None:
            # A count is a one-line snapshot: the level becomes the count in one statement,
            # never below what is held, without reading it first.
            result = apply_stock_snapshot(
                location_id=location.pk,
                rows=[(data["sku"], data["counted"])],
                reference=f"count: {data['reason']}",
                actor=actor,
            )
            if result.rejected:
                form.add_error("counted", str(result.report[0]["reason"]))
                return _answer(request, "adjustment", form)
        else:
            adjust_stock(
                variant_id=variant_id,
                location_id=location.pk,
                sku=data["sku"],
                delta=data["delta"],
                reason=data["reason"],
                actor=actor,
            )
    except DomainError as error:
        _refuse(form, error)
        return _answer(request, "adjustment", form)
    done = _("The stock of %(sku)s at %(place)s is adjusted.") % {
        "sku": data["sku"],
        "place": location.name,
    }
    return _answer(request, "adjustment", AdjustmentForm(), done=done)


def stock_adjustment(request: HttpRequest) -> HttpResponse:
    staff_actor(request, ADJUST)
    if request.method != "POST":
        return redirect("backoffice:stock")
    return _adjust(request)


@idempotent
def _load_count(request: HttpRequest) -> HttpResponse:
    form = CountFileForm(request.POST, request.FILES)
    if not form.is_valid():
        return _answer(request, "count", form)
    location = _place(request, form)
    upload = form.cleaned_data["file"]
    try:
        if upload.size > MAX_COUNT_FILE_BYTES:
            form.add_error("file", _("A count file holds at most 2 MB."))
            return _answer(request, "count", form)
        text = upload.read().decode("utf-8-sig")
        snapshot = read_snapshot(text, SNAPSHOT_CSV)
        job = start_stock_snapshot(
            location_id=location.pk, snapshot=snapshot, actor=actor_of(request).caller_key
        )
    except UnicodeDecodeError:
        form.add_error("file", _("The file is not UTF-8 text: export it as CSV UTF-8."))
        return _answer(request, "count", form)
    except DomainError as error:
        form.add_error("file", plain_words(error)[0])
        return _answer(request, "count", form)
    if is_htmx(request):
        return _progress(request, snapshot_job(job_id=job.pk))
    return redirect("backoffice:stock-count", job.pk)


def stock_count_upload(request: HttpRequest) -> HttpResponse:
    staff_actor(request, ADJUST)
    if request.method != "POST":
        return redirect("backoffice:stock")
    return _load_count(request)


def _progress(request: HttpRequest, job: Any) -> HttpResponse:
    done = snapshot_is_finished(job)
    context = {
        "job": job,
        "done": done,
        "processed": job.total_rows if done else job.processed_rows,
        "total": max(job.total_rows, 1),
    }
    if is_htmx(request):
        return render(request, "web/backoffice/_stock_count_progress.html", context)
    return render(request, "web/backoffice/stock_count.html", context)


def stock_count(request: HttpRequest, job_id: int) -> HttpResponse:
    """A count file's load: a progress bar that htmx refreshes until done, then its report."""
    staff_actor(request, ADJUST)
    job = snapshot_job(job_id=job_id)
    staff_actor(request, ADJUST, store_id=job.location_id)
    return _progress(request, job)
