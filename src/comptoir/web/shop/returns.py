"""The shopper starts a return from their order: which units, why, and where they go back
(a store they pick, or by post with a prepaid label from the carrier's adapter)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from comptoir.core.errors import DomainError
from comptoir.locations.selectors import location_list
from comptoir.orders.selectors import access_order_by_reference
from comptoir.returns.errors import InvalidReturn
from comptoir.returns.selectors import return_reasons, units_left_to_return
from comptoir.returns.services import ReturnLabel, ReturnLineRequest, announce_return
from comptoir.shipping.services.shipments import make_return_label

from ..access import actor_of
from ..plain_words import plain_words

if TYPE_CHECKING:
    from comptoir.orders.models import Order
    from comptoir.returns.models import Return


def _requested(request: HttpRequest, left: list[tuple[object, int]]) -> list[ReturnLineRequest]:
    wanted = []
    for line, _units in left:
        quantity = request.POST.get(f"quantity-{line.line_number}", "0")
        if quantity.isdigit() and int(quantity) > 0:
            reason = request.POST.get(f"reason-{line.line_number}", "other")
            wanted.append(ReturnLineRequest(line.line_number, int(quantity), reason))
    return wanted


def start_return(request: HttpRequest, reference: str) -> HttpResponse:
    actor = actor_of(request)
    if not actor.is_authenticated:
        return redirect(f"{reverse('shop:login')}?next={request.path}")
    order = access_order_by_reference(actor, reference, permission="returns.announce")
    lines = {line.line_number: line for line in order.lines.select_related("variant__product")}
    left = [(lines[number], units) for number, units in units_left_to_return(order.pk).items()]
    stores = location_list(kind="store").order_by("name")
    if request.method == "POST":
        try:
            record = _announce(request, order, left)
        except DomainError as error:
            messages.error(request, plain_words(error)[0])
        else:
            messages.success(
                request, _("Return %(reference)s started.") % {"reference": record.reference}
            )
            return redirect("shop:order", reference=order.reference)
    context = {
        "order": order,
        "left": [(line, units, range(units + 1)) for line, units in left],
        "reasons": return_reasons(),
        "stores": stores,
        "favourite": order.pickup_location_id,
    }
    return render(request, "web/shop/start_return.html", context)


def _announce(request: HttpRequest, order: Order, left: list[tuple[object, int]]) -> Return:
    """A label first for a return by post (the carrier's call, outside any transaction),
    then the announcement under the order's lock."""
    method = request.POST.get("method", "")
    lines = _requested(request, left)
    label = None
    if method == "post":
        warehouses = location_list(kind="warehouse").order_by("pk")
        location_id = warehouses.values_list("pk", flat=True).first()
        if lines and location_id is not None:
            address = order.delivery_address or {}
            made = make_return_label(
                reference=order.reference,
                sender_postcode=address.get("postcode", ""),
                sender_country=address.get("country", "FR"),
                to_location_id=location_id,
            )
            label = ReturnLabel(made.carrier, made.tracking_number, made.label)
    else:
        chosen = request.POST.get("store", "")
        stores = location_list(kind="store")
        location_id = (
            stores.filter(pk=chosen).values_list("pk", flat=True).first()
            if (chosen.isdigit())
            else None
        )
    if location_id is None:
        raise InvalidReturn("choose where it goes back", errors=[{"field": "store"}])
    return announce_return(
        order_id=order.pk,
        location_id=location_id,
        method=method,
        lines=lines,
        label=label,
        actor=f"customer:{order.customer_id}",
    )
