"""The shopper's own account: wishlist, consents, personal data export, favourite store."""

from __future__ import annotations

import json

from django.contrib import messages
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from comptoir.core.access import Actor, authorize
from comptoir.customers.domain import Purpose
from comptoir.customers.selectors import consent_choices, customer_by_id, wishlist_with_stock
from comptoir.customers.services import (
    add_to_wishlist,
    export_personal_data,
    record_consent,
    remove_from_wishlist,
)

from ..access import actor_of

CHANNEL = "web"


def _shopper(request: HttpRequest, permission: str = "customers.read") -> Actor | None:
    """The signed-in shopper, allowed `permission` on their own profile; None: sign in first."""
    actor = actor_of(request)
    if actor.customer_id is None:
        return None
    authorize(actor, permission, customer_id=actor.customer_id)
    return actor


def _to_sign_in(request: HttpRequest) -> HttpResponse:
    return redirect(f"{reverse('shop:login')}?next={request.path}")


def account(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    if not actor.is_authenticated:
        return _to_sign_in(request)
    if actor.customer_id is None:  # staff: nothing of their own to show
        return render(request, "web/shop/account.html", {"customer": None})
    authorize(actor, "customers.read", customer_id=actor.customer_id)
    customer = customer_by_id(customer_id=actor.customer_id)
    store_id = customer.favourite_location_id
    context = {
        "customer": customer,
        "wishlist": wishlist_with_stock(customer_id=customer.pk, location_id=store_id),
        "consents": consent_choices(customer_id=customer.pk),
    }
    return render(request, "web/shop/account.html", context)


@require_POST
def wish(request: HttpRequest) -> HttpResponse:
    """Add the chosen size to the wishlist (or take it off with remove=1)."""
    actor = _shopper(request, "customers.write")
    if actor is None:
        return _to_sign_in(request)
    sku = request.POST.get("sku", "")
    if request.POST.get("remove"):
        remove_from_wishlist(customer_id=actor.customer_id, sku=sku, channel=CHANNEL)
        messages.success(request, _("Taken off your wishlist."))
    else:
        add_to_wishlist(customer_id=actor.customer_id, sku=sku, channel=CHANNEL)
        messages.success(request, _("Added to your wishlist."))
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, {request.get_host()}):
        back = reverse("shop:account")
    return redirect(back)


@require_POST
def consents(request: HttpRequest) -> HttpResponse:
    """Record the consents the shopper changed on the form, each with its own history."""
    actor = _shopper(request, "customers.write")
    if actor is None:
        return _to_sign_in(request)
    in_force = consent_choices(customer_id=actor.customer_id)
    for purpose in Purpose:
        wanted = request.POST.get(purpose.value) == "on"
        if wanted != in_force[purpose.value]:
            record_consent(
                customer_id=actor.customer_id,
                purpose=purpose.value,
                granted=wanted,
                channel=CHANNEL,
                method="preference_centre",
                recorded_by_id=actor.user_id,
            )
    messages.success(request, _("Your choices are saved."))
    return redirect("shop:account")


@require_POST
def export(request: HttpRequest) -> HttpResponse:
    """Everything held on the shopper, as a JSON file to keep."""
    actor = _shopper(request, "customers.export")
    if actor is None:
        return _to_sign_in(request)
    data = export_personal_data(customer_id=actor.customer_id, requested_by_id=actor.user_id)
    response = HttpResponse(
        json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = 'attachment; filename="my-personal-data.json"'
    return response
