"""The endless aisle from the counter: an associate orders for a customer what this store
lacks — delivered home, sent to this store, or collected in another store — with each
option's promise and where it would come from, paid by a link sent to the customer or at
this counter's till.

The options and the order are fulfilment's (`counter.py`: the checkout's options, placed by
`place_order`); this module reads the form, finds or records the customer, and names things
in the associate's language.
"""

from __future__ import annotations

import time
import uuid
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from comptoir.catalog.selectors import product_list, variant_by_scan, variant_by_sku
from comptoir.core.errors import DomainError, ValidationFailed
from comptoir.core.idempotency import idempotent
from comptoir.customers.selectors import customer_by_id, customer_id_by_identity
from comptoir.customers.services import record_customer_profile
from comptoir.fulfilment.checkout import OptionUnavailable
from comptoir.fulfilment.counter import (
    CounterOrder,
    order_at_counter,
)
from comptoir.fulfilment.domain.sourcing import OrderLine
from comptoir.inventory.selectors import availability
from comptoir.locations.selectors import location_by_code, location_list
from comptoir.orders.selectors import order_by_reference
from comptoir.orders.services.payment_links import send_payment_link

from ..access import actor_of, staff_actor
from ..plain_words import plain_words
from .aisle_options import FIELD_OF, choices_for, options_for, other_stores
from .customers import IDENTITY_KINDS
from .forms import AisleOrderForm, AislePlaceForm, AisleSearchForm
from .views import STORE_CHANNEL, _stock_of

IN_PROGRESS_WAITS = 50  # a double tap's second request waits for the first (0.1 s each)


UNAVAILABLE = gettext_lazy(
    "This delivery is not possible now: choose another one. Nothing was ordered and nothing"
    " is held."
)


def _store(request: HttpRequest, code: str, permission: str = "orders.write") -> Any:
    store = location_by_code(code=code)
    staff_actor(request, permission, store_id=store.pk)
    return store


def find(request: HttpRequest, code: str) -> HttpResponse:
    """A code scanned or typed goes straight to its product; words list the products."""
    store = _store(request, code)
    form = AisleSearchForm(request.GET or None)
    context: dict[str, Any] = {"store": store, "form": form}
    if form.is_valid():
        text = form.cleaned_data["q"].strip()
        try:
            variant = variant_by_scan(text)
        except DomainError:
            products = product_list(channel="store", search=text).prefetch_related("variants")
            context["products"] = list(products.order_by("name")[:20])
        else:
            return redirect("associate:aisle-product", code=code, sku=variant.sku)
    return render(request, "web/associate/aisle.html", context)


def _new_ticket() -> str:
    return f"A-{uuid.uuid4().hex[:12].upper()}"


def product(request: HttpRequest, code: str, sku: str) -> HttpResponse:
    """The product's stock here and elsewhere, where it can go, and the order's form."""
    store = _store(request, code)
    try:
        variant = variant_by_sku(sku)
    except DomainError:
        raise Http404(sku) from None
    if request.method == "POST":
        return _submit_once(request, store, variant)
    place = AislePlaceForm(request.GET or None, stores=other_stores(store))
    context = _context(store, variant, place)
    if place.is_bound and place.is_valid():
        data = place.cleaned_data
        options, field, message = options_for(
            store, variant.sku, data["quantity"], data["postcode"], data["other_store"]
        )
        if options is None:
            place.add_error(field if field in place.fields else None, message)
        else:
            context["choices"] = choices_for(options, store)
            context["order_form"] = AisleOrderForm(
                initial={
                    "quantity": data["quantity"],
                    "other_store": data["other_store"],
                    "postcode": data["postcode"],
                    "ticket": _new_ticket(),
                    "pay": "link",
                }
            )
    return render(request, "web/associate/aisle_product.html", context)


def _context(store: Any, variant: Any, place: AislePlaceForm) -> dict[str, Any]:
    warehouses = {w.pk: w for w in location_list(kind="warehouse").order_by("name")}
    figures = availability(
        variant_ids={variant.sku: variant.pk},
        location_ids=list(warehouses),
        channel=STORE_CHANNEL,
    )
    return {
        "store": store,
        "variant": variant,
        "place": place,
        "warehouses": [(warehouses[row.location_id], row.figures) for row in figures],
        **_stock_of(variant, store),
    }


def _submit_once(request: HttpRequest, store: Any, variant: Any) -> HttpResponse:
    """A double tap is one order: the form's ticket is the request's Idempotency-Key (the
    till's rule, core/idempotency.py); a second request that arrives while the first is
    being placed waits for it and shows the same answer."""
    ticket = str(request.POST.get("ticket", ""))[:40]
    if ticket and "HTTP_IDEMPOTENCY_KEY" not in request.META:
        request.META["HTTP_IDEMPOTENCY_KEY"] = f"aisle:{ticket}"
        request.__dict__.pop("headers", None)  # read from META again (a cached property)
    for _try in range(IN_PROGRESS_WAITS):
        response = _submit(request, store, variant)
        if response.status_code != 409:
            break
        time.sleep(0.1)
    if response.status_code not in (409, 422):
        return response
    # The key's own answers (core/idempotency.py), said on the page instead of in JSON.
    place = AislePlaceForm(request.POST, stores=other_stores(store))
    place.is_valid()
    context = _context(store, variant, place)
    context["refusal"] = (
        _("This order is still being placed: look at the store's orders before trying again.")
        if response.status_code == 409
        else _("This form was already sent with other details: start again from the product.")
    )
    return render(request, "web/associate/aisle_product.html", context, status=response.status_code)


@idempotent
def _submit(request: HttpRequest, store: Any, variant: Any) -> HttpResponse:
    form = AisleOrderForm(request.POST)
    place = AislePlaceForm(
        {
            "quantity": request.POST.get("quantity", "1"),
            "postcode": request.POST.get("postcode", ""),
            "other_store": request.POST.get("other_store", ""),
        },
        stores=other_stores(store),
    )
    context = _context(store, variant, place)
    placed = _place(request, store, variant, form) if form.is_valid() else None
    if placed is not None:
        context = {
            "store": store,
            "just_placed": True,
            "link_sent": form.cleaned_data["pay"] == "link" and placed.status == "awaiting_payment",
            **_order_context(placed),
        }
        return render(request, "web/associate/aisle_order.html", context)
    # Shown again with a new ticket: a corrected form is another order, not a replay.
    again = request.POST.copy()
    again["ticket"] = _new_ticket()
    shown = AisleOrderForm(again)
    shown.is_valid()
    for field, errors in form.errors.items():
        for error in errors:
            if error not in shown.errors.get(field, []):
                shown.add_error(field if field in shown.fields else None, error)
    place.is_valid()
    options, _field, _message = options_for(
        store,
        variant.sku,
        int(form.cleaned_data.get("quantity") or 1),
        str(form.cleaned_data.get("postcode") or ""),
        str(form.cleaned_data.get("other_store") or ""),
    )
    context["choices"] = choices_for(options, store) if options else {}
    context["order_form"] = shown
    context["chosen"] = request.POST.get("option", "")
    return render(request, "web/associate/aisle_product.html", context, status=200)


def _place(request: HttpRequest, store: Any, variant: Any, form: AisleOrderForm) -> Any:
    """The order placed, or None with the form's errors said."""
    data = form.cleaned_data
    where, _sep, option = data["option"].partition(":")
    # What can be refused before anyone is recorded: a new customer is made only for an
    # order that can be placed (the service checks it all again, against a moved stock).
    if not _still_possible(store, variant, form, where, option):
        return None
    customer_id = _customer(form)
    if customer_id is None:
        return None
    address = {}
    if where == "home":
        address = {
            "name": data["name"],
            "line1": data["line1"],
            "postcode": data["postcode"],
            "city": data["city"],
            "country": "FR",
        }
    try:
        placed = order_at_counter(
            CounterOrder(
                store_code=store.code,
                lines=[OrderLine(variant.sku, data["quantity"])],
                option=option,
                where=where,
                customer_id=customer_id,
                pay=data["pay"],
                other_store_code=data["other_store"],
                delivery_address=address,
                created_by=actor_of(request).caller_key,
            )
        )
    except ValidationFailed as error:
        _say(form, error)
        return None
    except OptionUnavailable:
        form.add_error(None, UNAVAILABLE)
        return None
    except DomainError as error:
        form.add_error(None, plain_words(error)[0])
        return None
    return order_by_reference(placed.order.reference)


def _still_possible(
    store: Any, variant: Any, form: AisleOrderForm, where: str, option: str
) -> bool:
    data = form.cleaned_data
    options, field, message = options_for(
        store,
        variant.sku,
        data["quantity"],
        data["postcode"] if where == "home" else "",
        data["other_store"] if where == "other_store" else "",
    )
    if options is None:
        form.add_error(field if field in form.fields else None, message)
        return False
    chosen = options.find(option, where)
    if chosen is None or not chosen.available:
        form.add_error(None, UNAVAILABLE)
        return False
    return True


def _say(form: AisleOrderForm, error: ValidationFailed) -> None:
    fields = [FIELD_OF.get(e.get("field", "").split(".")[0]) for e in error.errors]
    for field in fields or [None]:
        if field == "postcode":
            form.add_error("postcode", _("We do not know this postcode: give a French one."))
        elif field == "line1":
            form.add_error("line1", _("The address is not complete: street, postcode and city."))
        else:
            form.add_error(field, plain_words(error)[0])


def _customer(form: AisleOrderForm) -> int | None:
    """The customer found by card, email or phone; else a new one from the name and contact
    (the same email finds the same profile). None, with the form's error, when not found."""
    data = form.cleaned_data
    text = data["customer"].strip()
    if text:
        for kind in IDENTITY_KINDS:
            found = customer_id_by_identity(kind=kind, value=text)
            if found is not None:
                return found
        form.add_error(
            "customer",
            _("No customer has this card, email or phone: check it, or fill in a new customer."),
        )
        return None
    try:
        customer = record_customer_profile(
            first_name=data["first_name"],
            last_name=data["last_name"],
            email=data["email"] or None,
            phone=data["phone"] or None,
            channel="store",
            language=(get_language() or "fr")[:2],
        )
    except ValidationFailed as error:
        form.add_error("phone" if "phone" in str(error.errors) else "email", plain_words(error)[0])
        return None
    return customer.pk


def order(request: HttpRequest, code: str, reference: str) -> HttpResponse:
    """The order placed here: its reference for the till, its payment, where it comes from."""
    store = _store(request, code, "orders.read")
    try:
        found = order_by_reference(reference)
    except DomainError:
        raise Http404(reference) from None
    if found.ordered_at_location_id != store.pk:
        raise Http404(reference)
    context: dict[str, Any] = {"store": store, **_order_context(found)}
    if request.method == "POST":
        staff_actor(request, "orders.write", store_id=store.pk)
        try:
            send_payment_link(order_id=found.pk)
        except DomainError as error:
            context["refusal"] = plain_words(error)[0]
        else:
            context["link_sent_again"] = True
    template = "web/associate/aisle_order.html"
    return render(request, template, context)


def _order_context(placed: Any) -> dict[str, Any]:
    lines = sorted(placed.lines.all(), key=lambda line: line.line_number)
    sources = dict(
        location_list()
        .filter(pk__in={line.location_id for line in lines})
        .values_list("pk", "name")
    )
    return {
        "order": placed,
        "lines": [{"line": line, "from": sources.get(line.location_id, "")} for line in lines],
        "customer": customer_by_id(customer_id=placed.customer_id) if placed.customer_id else None,
    }
