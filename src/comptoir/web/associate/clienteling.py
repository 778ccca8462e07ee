"""Clienteling: who is in the store now and what the associate needs to serve them first
(orders waiting here with their pickup-code check, cart, wishlist with stock here, last
purchases, preferences within consent, parcels and returns), and arrivals heard live by
server-sent events (docs/decisions/0036-store-arrivals-by-polled-server-sent-events.md)."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from comptoir.carts.selectors import cart_view, open_cart_of
from comptoir.core import clock
from comptoir.core.errors import DomainError
from comptoir.customers.domain import check_in_qr_svg
from comptoir.customers.selectors import (
    IN_STORE_HOURS,
    arrivals_after,
    in_store_now,
    latest_visit_id,
    preferences_for_service,
    visit_ids_since,
    wishlist_with_stock,
)
from comptoir.customers.services import check_in_by_loyalty_card
from comptoir.locations.selectors import location_by_code
from comptoir.orders.selectors import (
    due_at_the_till,
    last_purchases_of,
    orders_waiting_at,
)
from comptoir.orders.services.lifecycle import check_pickup_code
from comptoir.returns.selectors import open_returns_of_customer
from comptoir.shipping.selectors import open_parcels_of_customer

from ..access import is_htmx, staff_actor
from ..plain_words import plain_words

CHECK_IN = "customers.check_in"
# A stream answers one poll and ends; the browser's EventSource comes back after RETRY_SECONDS
# with Last-Event-ID. A worker thread is held for one query, not for the page's life: every
# associate of every store may keep the page open without taking the server's threads.
STREAM_SECONDS = 0.0  # how long a stream polls again before it ends (tests may lengthen it)
POLL_SECONDS = 1.0
RETRY_SECONDS = 3.0
LATE_COMMIT_SECONDS = 5  # how long a check-in is asked again, in case it committed late


def waiting_cards(orders: list[Any]) -> list[dict[str, Any]]:
    """Orders waiting at the counter, each with what the till takes (reserve & collect)."""
    return [
        {
            "order": order,
            "items": sum(line.quantity for line in order.lines.all()),
            "due": due_at_the_till(order.pk) if order.status == "ready_for_pickup" else None,
        }
        for order in orders
    ]


def known_everywhere(*, customer_id: int) -> dict[str, Any]:
    """What every member of staff sees of a customer, wherever they are (the store app and the
    call centre's console): open cart, last purchases, preferences within consent, parcels
    on their way, returns under way."""
    cart = open_cart_of(customer_id=customer_id)
    return {
        "cart": cart_view(cart=cart) if cart is not None else None,
        "last_purchases": last_purchases_of(customer_id),
        "preferences": preferences_for_service(customer_id=customer_id),
        "parcels": open_parcels_of_customer(customer_id=customer_id),
        "returns": open_returns_of_customer(customer_id=customer_id),
    }


def what_to_know(*, customer_id: int, store: Any) -> dict[str, Any]:
    """Everything an associate needs first about a customer, at this store."""
    waiting = orders_waiting_at(location_id=store.pk, customer_ids=[customer_id]).get(
        customer_id, []
    )
    return {
        "waiting": waiting_cards(waiting),
        "wishlist": wishlist_with_stock(customer_id=customer_id, location_id=store.pk),
        **known_everywhere(customer_id=customer_id),
    }


def _shoppers_with_orders(store: Any, shoppers: list[Any]) -> list[dict[str, Any]]:
    waiting = orders_waiting_at(
        location_id=store.pk, customer_ids=[shopper.customer_id for shopper in shoppers]
    )
    return [
        {"shopper": shopper, "waiting": waiting_cards(waiting.get(shopper.customer_id, []))}
        for shopper in shoppers
    ]


def _since() -> Any:
    return clock.now() - timedelta(hours=IN_STORE_HOURS)


def in_store(request: HttpRequest, code: str) -> HttpResponse:
    store = location_by_code(code=code)
    staff_actor(request, CHECK_IN, store_id=store.pk)
    shoppers = in_store_now(location_id=store.pk, since=_since())
    check_in_url = request.build_absolute_uri(reverse("shop:check-in", args=[store.code]))
    context = {
        "store": store,
        "cards": _shoppers_with_orders(store, shoppers),
        "last_visit_id": latest_visit_id(location_id=store.pk),
        "check_in_url": check_in_url,
        "entrance_qr": check_in_qr_svg(check_in_url),
    }
    return render(request, "web/associate/in_store.html", context)


@require_POST
def check_in_card(request: HttpRequest, code: str) -> HttpResponse:
    """The associate scans or types a loyalty card: that customer is in the store now (only
    with their consent: the service refuses otherwise, and the page says so)."""
    store = location_by_code(code=code)
    actor = staff_actor(request, CHECK_IN, store_id=store.pk)
    card = request.POST.get("loyalty_card", "").strip()
    try:
        visit = check_in_by_loyalty_card(
            loyalty_card=card, location_code=store.code, checked_in_by_id=actor.user_id
        )
    except DomainError as error:
        messages.error(request, _check_in_refusal(error))
    else:
        customer = visit.customer
        messages.success(
            request,
            _("%(name)s is checked in.") % {"name": f"{customer.first_name} {customer.last_name}"},
        )
    return redirect("associate:in-store", code=store.code)


def _check_in_refusal(error: DomainError) -> str:
    if error.code == "consent-required":
        return _(
            "This customer has not agreed to be recognised in store: nothing was recorded. "
            "They can agree in their account, in the app or at the kiosk."
        )
    if error.code == "customer-not-found":
        return _("No customer has this loyalty card.")
    return plain_words(error)[0]


@require_POST
def pickup_check(request: HttpRequest, code: str, order_id: int) -> HttpResponse:
    """Is the code the customer shows this order's pickup code, here and now? Nothing is
    handed over (that stays on the task list), but the try counts against the order's limit."""
    store = location_by_code(code=code)
    staff_actor(request, "fulfilment.work", store_id=store.pk)
    given = request.POST.get("pickup_code", "")
    try:
        order = check_pickup_code(order_id=order_id, location_id=store.pk, pickup_code=given)
    except DomainError as error:
        result = {"right": False, "message": plain_words(error)[0]}
    else:
        result = {
            "right": True,
            "message": _("Right code: order %(ref)s is theirs. Hand it over from the tasks.")
            % {"ref": order.reference},
        }
    result["order_id"] = order_id
    if is_htmx(request):
        return render(request, "web/associate/_pickup_check.html", {"store": store, **result})
    (messages.success if result["right"] else messages.error)(request, result["message"])
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back = reverse("associate:in-store", args=[store.code])
    return redirect(back)


def in_store_events(request: HttpRequest, code: str) -> HttpResponse:
    """Server-sent events: one `arrival` per check-in at this store, with the card to add to
    the list. Resumes after the Last-Event-ID the browser sends back on reconnecting."""
    store = location_by_code(code=code)
    staff_actor(request, CHECK_IN, store_id=store.pk)
    after = _last_event_id(request)
    if after is None:
        after = latest_visit_id(location_id=store.pk)
    stream = _arrivals(request, store, after, language=translation.get_language())
    response = StreamingHttpResponse(stream, content_type="text/event-stream")
    response["Cache-Control"] = "no-cache"
    response["X-Accel-Buffering"] = "no"  # a proxy must pass each event on at once
    return response


def _last_event_id(request: HttpRequest) -> int | None:
    raw = request.headers.get("Last-Event-ID") or request.GET.get("after") or ""
    return int(raw) if re.fullmatch(r"[0-9]{1,18}", raw) else None  # not isdigit(): "²" is one


def _arrivals(request: HttpRequest, store: Any, after: int, *, language: str) -> Iterator[str]:
    yield f"retry: {int(RETRY_SECONDS * 1000)}\n\n"
    deadline = time.monotonic() + STREAM_SECONDS
    # Check-ins of the last seconds are asked again, less those told: one that committed
    # after a later one was told is still told (arrivals_after). The event id stays the
    # highest visit told, where a reconnecting browser resumes.
    heard = visit_ids_since(location_id=store.pk, since=_late_since(), up_to=after)
    while True:  # at least one poll
        for arrival in arrivals_after(
            location_id=store.pk,
            after_visit_id=after,
            since=_since(),
            late_since=_late_since(),
            heard=heard,
        ):
            heard.add(arrival.visit_id)
            after = max(after, arrival.visit_id)
            with translation.override(language):
                yield _event(request, store, arrival, event_id=after)
        if time.monotonic() + POLL_SECONDS > deadline:
            break
        time.sleep(POLL_SECONDS)
    yield ": see you in a moment\n\n"


def _late_since() -> Any:
    return clock.now() - timedelta(seconds=LATE_COMMIT_SECONDS)


def _event(request: HttpRequest, store: Any, arrival: Any, *, event_id: int) -> str:
    shoppers = [
        s
        for s in in_store_now(location_id=store.pk, since=_since())
        if s.customer_id == arrival.customer_id
    ]
    card = render_to_string(
        "web/associate/_shopper.html",
        {
            "store": store,
            "card": _shoppers_with_orders(store, shoppers)[0] if shoppers else None,
            "back": reverse("associate:in-store", args=[store.code]),
        },
        request=request,
    )
    name = f"{arrival.first_name} {arrival.last_name}"
    data = {
        "customer_id": arrival.customer_id,
        "message": _("%(name)s just arrived.") % {"name": name},
        "card": card if shoppers else "",
    }
    return f"id: {event_id}\nevent: arrival\ndata: {json.dumps(data)}\n\n"
