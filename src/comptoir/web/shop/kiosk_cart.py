"""The kiosk's cart and checkout: the storefront's cart services and `check_out`, for a
shopper with no account at a screen in the store.

The cart is an anonymous one named in the kiosk's session (its own key, so a signed-in
storefront session on the same browser is never mixed in). Checkout computes the same
options as the storefront's (`checkout.delivery_context`), this store first; the shopper
leaves an email or a phone (a new profile met in store; an email already someone's makes a
guest order: only a loyalty card checked in on this screen orders in one's own profile), and
pays by the PSP's payment link (or at pickup for reserve and collect): no card is typed on a
shared screen.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST

from comptoir.carts.selectors import cart_view
from comptoir.carts.services import add_line, set_line_quantity
from comptoir.core.errors import DomainError
from comptoir.customers.services import record_walk_up_profile
from comptoir.fulfilment.checkout import check_out
from comptoir.orders.selectors import order_by_reference
from comptoir.orders.services.placing import PaymentRequest

from ..plain_words import plain_words
from .cart import _quantity, session_cart
from .checkout import checkout_request, delivery_context, stores
from .forms import KioskCheckoutForm
from .kiosk import checked_in_customer_id, kiosk_context, kiosk_store

CHANNEL = "web"
SESSION_KEY = "kiosk_cart_token"
PLACED_KEY = "kiosk_placed"


def _cart(request: HttpRequest, *, create: bool) -> Any:
    return session_cart(request, SESSION_KEY, create=create)


def show(request: HttpRequest, code: str) -> HttpResponse:
    store = kiosk_store(code)
    cart = _cart(request, create=False)
    view = cart_view(cart=cart) if cart else None
    return render(request, "web/kiosk/cart.html", kiosk_context(store, cart=view))


@require_POST
def add(request: HttpRequest, code: str) -> HttpResponse:
    store = kiosk_store(code)
    cart = _cart(request, create=True)
    add_line(
        cart_id=cart.pk,
        sku=request.POST.get("sku", ""),
        quantity=_quantity(request, default=1),
        channel=CHANNEL,
    )
    return redirect("kiosk:cart", code=store.code)


@require_POST
def change(request: HttpRequest, code: str, sku: str) -> HttpResponse:
    store = kiosk_store(code)
    cart = _cart(request, create=False)
    if cart is not None:
        set_line_quantity(cart_id=cart.pk, sku=sku, quantity=_quantity(request, default=0))
    return redirect("kiosk:cart", code=store.code)


def _cart_to_order(request: HttpRequest, code: str) -> tuple[Any, Any, Any] | HttpResponse:
    store = kiosk_store(code)
    cart = _cart(request, create=False)
    view = cart_view(cart=cart) if cart else None
    if view is None or not view.lines:
        return redirect("kiosk:cart", code=store.code)
    return store, cart, view


def checkout(request: HttpRequest, code: str) -> HttpResponse:
    found = _cart_to_order(request, code)
    if isinstance(found, HttpResponse):
        return found
    store, cart, view = found
    initial = {"store": store.code}
    refresh = request.method == "POST" and "refresh" in request.POST
    if refresh:  # no JavaScript: show the options for the place given, place nothing yet
        form = KioskCheckoutForm(stores=stores(), initial=request.POST.dict())
        data: Any = request.POST
    else:
        form = KioskCheckoutForm(request.POST or None, stores=stores(), initial=initial)
        data = request.POST if request.method == "POST" else initial
    if request.method == "POST" and not refresh and form.is_valid():
        try:
            reference = _place(
                form.cleaned_data,
                view,
                store,
                request.LANGUAGE_CODE,
                checked_in_customer_id(request),
            )
        except DomainError as error:
            form.add_error(None, plain_words(error)[0])
        else:
            request.session.pop(SESSION_KEY, None)
            request.session[PLACED_KEY] = reference
            return redirect("kiosk:placed", code=store.code)
    context = kiosk_context(store, form=form, cart=view, **delivery_context(cart, view, data))
    return render(request, "web/kiosk/checkout.html", context)


def checkout_options(request: HttpRequest, code: str) -> HttpResponse:
    """The options and the summary again, for htmx, when the place or the choice changes."""
    found = _cart_to_order(request, code)
    if isinstance(found, HttpResponse):
        return found
    _store, cart, view = found
    context = {"cart": view, **delivery_context(cart, view, request.GET)}
    return render(request, "web/shop/_delivery_options.html", context)


def _place(
    data: dict[str, Any], view: Any, store: Any, language: str, checked_in: int | None
) -> str:
    """The storefront's checkout, paid by a payment link (at pickup for reserve and collect),
    for the profile that checked in by loyalty card on this screen; else for a new profile
    met in store, or a guest order when the email typed is already someone's: anyone can
    type an email at a shared screen, so it never writes into that person's profile."""
    customer_id = checked_in
    if customer_id is None:
        walk_up = record_walk_up_profile(
            first_name=data["first_name"],
            email=data["email"] or None,
            phone=data["phone"] or None,
            channel="store",
            language=language,
        )
        customer_id = walk_up.pk if walk_up is not None else None
    pays_at_pickup = data["option"] == "reserve_and_collect"
    done = check_out(
        checkout_request(
            data,
            view,
            customer_id=customer_id,
            payment=PaymentRequest("at_pickup" if pays_at_pickup else "payment_link"),
            created_by=f"kiosk:{store.code}",
        )
    )
    return str(done.placed.order.reference)


def _qr_svg(text: str) -> str:
    import segno  # imported here: only this answer needs it

    return str(segno.make(text, error="m").svg_inline(scale=4))


def placed(request: HttpRequest, code: str) -> HttpResponse:
    """The order's reference and, to pay now on one's phone, its payment link as a QR code."""
    store = kiosk_store(code)
    reference = request.session.get(PLACED_KEY, "")
    if not reference:
        return redirect("kiosk:home", code=store.code)
    order = order_by_reference(reference=reference)
    payment = getattr(order, "payment", None)
    link = payment.payment_link if payment is not None else ""
    context = kiosk_context(
        store,
        reference=reference,
        payment_link=link,
        qr=mark_safe(_qr_svg(link)) if link else "",  # noqa: S308 - segno's own SVG
    )
    return render(request, "web/kiosk/placed.html", context)
