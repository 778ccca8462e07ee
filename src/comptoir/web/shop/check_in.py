"""A store's check-in page: the QR at its entrance opens it; a signed-in shopper taps "I'm
here" and the store's associates hear of it at once (only with the shopper's consent)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from comptoir.core.access import authorize
from comptoir.core.errors import DomainError
from comptoir.customers.domain import Purpose
from comptoir.customers.selectors import may_use
from comptoir.customers.services import check_in, record_consent
from comptoir.locations.selectors import location_by_code

from ..access import actor_of
from ..plain_words import plain_words


def check_in_page(request: HttpRequest, code: str) -> HttpResponse:
    store = location_by_code(code=code)
    actor = actor_of(request)
    context: dict[str, object] = {"store": store, "signed_in": actor.customer_id is not None}
    if actor.customer_id is None:
        context["sign_in_url"] = f"{reverse('shop:login')}?next={request.path}"
        return render(request, "web/shop/check_in.html", context)
    authorize(actor, "customers.write", customer_id=actor.customer_id)
    recognised = Purpose.IN_STORE_RECOGNITION
    context["consents"] = may_use(customer_id=actor.customer_id, purpose=recognised)
    if request.method != "POST":
        return render(request, "web/shop/check_in.html", context)
    if not context["consents"]:
        if request.POST.get("agree") != "yes":
            context["error"] = _(
                "To tell the store you are here, tick the box: you agree to be recognised."
            )
            return render(request, "web/shop/check_in.html", context, status=400)
        record_consent(
            customer_id=actor.customer_id,
            purpose=recognised,
            granted=True,
            channel="web",
            method="checkbox",
        )
    try:
        check_in(customer_id=actor.customer_id, location_code=store.code, method="entrance_qr")
    except DomainError as error:
        context["error"] = plain_words(error)[0]
        return render(request, "web/shop/check_in.html", context, status=400)
    messages.success(
        request,
        _("Welcome! The team at %(store)s knows you are here.") % {"store": store.name},
    )
    return redirect("shop:check-in", code=store.code)
