"""The till: a basket scanned or typed, the customer attached, paid by card, cash or both.

The basket is an anonymous store-channel cart whose token lives in the associate's session
(one per store): lines are added, changed and removed through the carts services like any
cart. Paying is `orders.services.till.sell_basket`, once per ticket (the ticket is the sale's
Idempotency-Key and its order reference). See docs/decisions/0035.
"""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from comptoir.accounts.selectors import team_of_location
from comptoir.carts.selectors import cart_by_handoff_code, cart_by_token, cart_view, open_cart_of
from comptoir.carts.services import add_line, open_anonymous_cart, set_line_quantity
from comptoir.catalog.selectors import variant_by_scan
from comptoir.core.errors import DomainError
from comptoir.core.idempotency import idempotent
from comptoir.core.retrying import DatabaseUnavailable
from comptoir.customers.selectors import customer_by_id, customer_id_by_identity
from comptoir.orders.domain import FulfilmentMode
from comptoir.orders.selectors import access_order_by_reference, tenders_taken
from comptoir.orders.services.till import BasketLine, end_of_day, price_basket, sell_basket

from ..access import actor_of, is_htmx, staff_actor
from ..plain_words import plain_words
from .forms import TillCustomerForm, TillPaymentForm, TillQuantityForm, TillScanForm
from .views import _store

CHANNEL = "store"
# A card, a phone or an email typed or scanned at the till, most precise first.
IDENTITY_KINDS = ("loyalty_card", "phone", "email")


def _new_ticket() -> str:
    return f"T-{uuid.uuid4().hex[:12].upper()}"


class _Till:
    """The till's state in the session: the basket's cart token, the customer, the ticket."""

    def __init__(self, request: HttpRequest, store: Any) -> None:
        self.request = request
        self.key = f"till:{store.pk}"
        self.state: dict[str, Any] = dict(request.session.get(self.key) or {})

    def save(self) -> None:
        self.request.session[self.key] = self.state

    def basket(self) -> Any:
        cart = cart_by_token(token=self.state.get("basket", ""))
        if cart is None or cart.status != "open":
            cart = open_anonymous_cart(channel=CHANNEL)
            self.state["basket"] = cart.anonymous_token
            self.save()
        return cart

    @property
    def customer_id(self) -> int | None:
        return self.state.get("customer")

    def ticket(self) -> str:
        if not self.state.get("ticket"):
            self.renew_ticket()
        return str(self.state["ticket"])

    def renew_ticket(self) -> None:
        self.state["ticket"] = _new_ticket()
        self.save()


def _basket_lines(cart: Any) -> list[BasketLine]:
    return [BasketLine(line.sku, line.quantity) for line in cart_view(cart=cart).lines]


def _context(request: HttpRequest, store: Any, till: _Till, **extra: Any) -> dict[str, Any]:
    cart = till.basket()
    lines = _basket_lines(cart)
    context: dict[str, Any] = {"store": store, "lines": [], "total": None}
    if lines:
        try:
            basket = price_basket(store_id=store.pk, lines=lines)
        except DomainError as error:
            context["refusal"], context["refusal_translated"] = plain_words(error)
        else:
            context.update(
                lines=[
                    {"line": line, "name": basket.names.get(line.sku, "")} for line in basket.lines
                ],
                total=basket.total,
                currency=basket.currency,
            )
    customer_id = till.customer_id
    if customer_id is not None:
        online = open_cart_of(customer_id=customer_id)
        context["customer"] = customer_by_id(customer_id=customer_id)
        context["online_cart"] = cart_view(cart=online) if online else None
    context.setdefault("scan_form", TillScanForm(initial={"quantity": 1}))
    context.setdefault("customer_form", TillCustomerForm())
    context.setdefault(
        "pay_form",
        TillPaymentForm(
            initial={
                "card": context["total"],
                "cash_given": Decimal("0.00"),
                "ticket": till.ticket(),
                "take_out_of_online_cart": bool(context.get("online_cart")),
            }
        ),
    )
    context["fake_terminal"] = getattr(settings, "COMPTOIR_PSP", "fake") == "fake"
    context.update(extra)
    return context


def till(request: HttpRequest, code: str) -> HttpResponse:
    store = _store(request, code, "stock.sell")
    return render(
        request, "web/associate/till.html", _context(request, store, _Till(request, store))
    )


@require_POST
def add_to_basket(request: HttpRequest, code: str) -> HttpResponse:
    """A scanned or typed code becomes a basket line (Enter adds it, as a wedge scanner does)."""
    store = _store(request, code, "stock.sell")
    actor = staff_actor(request, "carts.write", store_id=store.pk)
    state = _Till(request, store)
    form = TillScanForm(request.POST)
    if form.is_valid():
        try:
            variant = variant_by_scan(form.cleaned_data["code"])
            add_line(
                cart_id=state.basket().pk,
                sku=variant.sku,
                quantity=form.cleaned_data["quantity"] or 1,
                channel=CHANNEL,
                added_by_id=actor.user_id,
            )
        except DomainError as error:
            form.add_error("code", plain_words(error)[0])
        else:
            return redirect("associate:till", code=code)
    return render(
        request, "web/associate/till.html", _context(request, store, state, scan_form=form)
    )


@require_POST
def change_line(request: HttpRequest, code: str, sku: str) -> HttpResponse:
    """A line's new quantity; 0 takes it out of the basket."""
    store = _store(request, code, "stock.sell")
    state = _Till(request, store)
    form = TillQuantityForm(request.POST)
    if form.is_valid():
        try:
            set_line_quantity(
                cart_id=state.basket().pk, sku=sku, quantity=form.cleaned_data["quantity"]
            )
        except DomainError as error:
            return render(
                request,
                "web/associate/till.html",
                _context(request, store, state, refusal=plain_words(error)[0]),
            )
    return redirect("associate:till", code=code)


@require_POST
def attach_customer(request: HttpRequest, code: str) -> HttpResponse:
    """The customer by loyalty card, phone, email or the hand-off code on their screen."""
    store = _store(request, code, "stock.sell")
    staff_actor(request, "customers.read", store_id=store.pk)
    state = _Till(request, store)
    if request.POST.get("detach"):
        state.state.pop("customer", None)
        state.save()
        return redirect("associate:till", code=code)
    form = TillCustomerForm(request.POST)
    if form.is_valid():
        customer_id = _customer_from(form.cleaned_data["q"].strip())
        if customer_id is None:
            form.add_error("q", _("No customer has this card, phone or cart code."))
        else:
            state.state["customer"] = customer_id
            state.save()
            return redirect("associate:till", code=code)
    return render(
        request, "web/associate/till.html", _context(request, store, state, customer_form=form)
    )


def _customer_from(text: str) -> int | None:
    for kind in IDENTITY_KINDS:
        customer_id = customer_id_by_identity(kind=kind, value=text)
        if customer_id is not None:
            return customer_id
    try:
        return cart_by_handoff_code(code=text).customer_id
    except DomainError:
        return None


@require_POST
def pull_online_cart(request: HttpRequest, code: str) -> HttpResponse:
    """One tap: the attached customer's online cart joins the basket, line by line."""
    store = _store(request, code, "stock.sell")
    actor = staff_actor(request, "carts.write", store_id=store.pk)
    state = _Till(request, store)
    online = open_cart_of(customer_id=state.customer_id) if state.customer_id else None
    if online is not None:
        basket = state.basket()
        for line in cart_view(cart=online).lines:
            add_line(
                cart_id=basket.pk,
                sku=line.sku,
                quantity=line.quantity,
                channel=CHANNEL,
                added_by_id=actor.user_id,
            )
    return redirect("associate:till", code=code)


@require_POST
@idempotent  # the page sends its ticket as Idempotency-Key: a double tap sells once
def pay(request: HttpRequest, code: str) -> HttpResponse:
    store = _store(request, code, "stock.sell")
    state = _Till(request, store)
    form = TillPaymentForm(request.POST)
    if not form.is_valid():
        return _till_again(request, store, state, pay_form=form)
    data = form.cleaned_data
    basket = state.basket()
    try:
        sale = sell_basket(
            store_id=store.pk,
            ticket=data["ticket"],
            lines=_basket_lines(basket),
            card=data["card"] or Decimal("0"),
            cash_given=data["cash_given"] or Decimal("0"),
            card_token=data["terminal"],
            customer_id=state.customer_id,
            basket_cart_id=basket.pk,
            take_out_of_online_cart=data["take_out_of_online_cart"],
            actor=actor_of(request).caller_key,
        )
    except DomainError as error:
        # Nothing was sold: the basket stays, and the next try is a new ticket; unless the
        # database went away mid-sale, when the retry must carry this one to find the sale.
        if not isinstance(error, DatabaseUnavailable):
            state.renew_ticket()
        refusal, translated = plain_words(error)
        return _till_again(request, store, state, refusal=refusal, refusal_translated=translated)
    state.state = {}
    state.save()
    return _receipt(request, store, sale.order, change=sale.split.change, just_sold=True)


def _till_again(request: HttpRequest, store: Any, state: _Till, **extra: Any) -> HttpResponse:
    context = _context(request, store, state, **extra)
    template = "web/associate/_till.html" if is_htmx(request) else "web/associate/till.html"
    return render(request, template, context)


def receipt(request: HttpRequest, code: str, reference: str) -> HttpResponse:
    """A till sale's receipt, to print (the page's print stylesheet) or to show again."""
    store = _store(request, code, "stock.sell")
    # Any counter reprints a till receipt, as any counter takes a return (returns.read); an
    # order that was not sold at a till has no receipt here.
    order = access_order_by_reference(actor_of(request), reference, permission="returns.read")
    if order.fulfilment_mode != FulfilmentMode.TILL_SALE:
        raise Http404("No till sale has this reference.")
    return _receipt(request, store, order, change=None, just_sold=False)


def day_report(request: HttpRequest, code: str) -> HttpResponse:
    """The end-of-day report: each till's takings by tender, read from the money ledger."""
    store = _store(request, code, "stock.sell")
    try:
        day: date | None = date.fromisoformat(request.GET.get("day", ""))
    except ValueError:
        day = None
    if day is not None and not date(2000, 1, 1) <= day <= date(9000, 1, 1):
        day = None
    report = end_of_day(store_id=store.pk, day=day)  # the store's own day, in its time zone
    rows = report.rows
    names = {
        f"user:{member.user_id}": member.user.get_full_name() or member.user.get_username()
        for member in team_of_location(location_id=store.pk).select_related("user")
    }
    context = {
        "store": store,
        "day": report.day,
        "rows": [{"till": names.get(row.actor, row.actor), "row": row} for row in rows],
        "total": report.total,
    }
    return render(request, "web/associate/till_day.html", context)


def _receipt(
    request: HttpRequest, store: Any, order: Any, *, change: Decimal | None, just_sold: bool
) -> HttpResponse:
    context = {
        "store": store,
        "order": order,
        "lines": list(order.lines.order_by("line_number")),
        "tenders": tenders_taken(order.pk),
        "change": change,
        "just_sold": just_sold,
        "customer": customer_by_id(customer_id=order.customer_id) if order.customer_id else None,
    }
    template = "web/associate/_receipt.html" if is_htmx(request) else "web/associate/receipt.html"
    return render(request, template, context)
