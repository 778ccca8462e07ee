"""Write use cases for carts: open, add, hand off, merge on login and on profile merge."""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.db.models import F

from comptoir.core import clock
from comptoir.core.channels import CHANNEL_CODES
from comptoir.core.errors import ValidationFailed
from comptoir.core.outbox import record_event
from comptoir.inventory.selectors import resolve_skus

from . import events
from .domain import HANDOFF_MINUTES, merged_quantities, new_handoff_code
from .errors import CartClosed
from .models import Cart, CartLine
from .selectors import cart_for_update, open_cart_of

MAX_LINE_QUANTITY = 999


def _check_channel(channel: str) -> None:
    if channel not in CHANNEL_CODES:
        raise ValidationFailed(
            f"Unknown channel {channel!r}.",
            errors=[{"field": "channel", "message": f"one of {', '.join(sorted(CHANNEL_CODES))}"}],
        )


def open_anonymous_cart(*, channel: str) -> Cart:
    """A cart nobody is signed in for; its token is the only key to it."""
    _check_channel(channel)
    now = clock.now()
    return Cart.objects.create(
        anonymous_token=secrets.token_urlsafe(32),
        channel=channel,
        created_at=now,
        updated_at=now,
    )


def cart_of_customer(*, customer_id: int, channel: str) -> Cart:
    """The customer's one open cart, created on first use (a concurrent twin is reused)."""
    cart = open_cart_of(customer_id=customer_id)
    if cart is not None:
        return cart
    _check_channel(channel)
    now = clock.now()
    try:
        with transaction.atomic():
            return Cart.objects.create(
                customer_id=customer_id, channel=channel, created_at=now, updated_at=now
            )
    except IntegrityError:  # one_open_cart_per_customer: someone made it a moment ago
        cart = open_cart_of(customer_id=customer_id)
        if cart is None:
            raise
        return cart


def add_line(
    *, cart_id: int, sku: str, quantity: int, channel: str, added_by_id: int | None = None
) -> Cart:
    """Add `quantity` of `sku` (summed with what is there). Any channel, any staff member who
    opened the cart: the line remembers where it was added and by whom."""
    if not 1 <= quantity <= MAX_LINE_QUANTITY:
        raise ValidationFailed(
            f"A quantity from 1 to {MAX_LINE_QUANTITY}.",
            errors=[{"field": "quantity", "message": f"from 1 to {MAX_LINE_QUANTITY}"}],
        )
    _check_channel(channel)
    variant_id = resolve_skus([sku])[sku]
    now = clock.now()
    with transaction.atomic():
        cart = open_cart_for_update(cart_id=cart_id)
        updated = CartLine.objects.filter(cart=cart, variant_id=variant_id).update(
            quantity=F("quantity") + quantity
        )
        if not updated:
            CartLine.objects.create(
                cart=cart,
                variant_id=variant_id,
                quantity=quantity,
                channel=channel,
                added_by_id=added_by_id,
                added_at=now,
            )
        cart.updated_at = now
        cart.save(update_fields=["updated_at"])
        if cart.customer_id is not None:
            record_event(
                events.CART_LINE_ADDED,
                aggregate=f"cart:{cart.pk}",
                payload={
                    "cart_id": cart.pk,
                    "customer_id": cart.customer_id,
                    "sku": sku,
                    "quantity": quantity,
                    "channel": channel,
                },
            )
    return cart


def set_line_quantity(*, cart_id: int, sku: str, quantity: int) -> Cart:
    """Set a line's quantity; 0 removes it."""
    if not 0 <= quantity <= MAX_LINE_QUANTITY:
        raise ValidationFailed(
            f"A quantity from 0 to {MAX_LINE_QUANTITY}.",
            errors=[{"field": "quantity", "message": f"from 0 to {MAX_LINE_QUANTITY}"}],
        )
    variant_id = resolve_skus([sku])[sku]
    with transaction.atomic():
        cart = open_cart_for_update(cart_id=cart_id)
        lines = CartLine.objects.filter(cart=cart, variant_id=variant_id)
        if quantity == 0:
            lines.delete()
        else:
            lines.update(quantity=quantity)
        cart.updated_at = clock.now()
        cart.save(update_fields=["updated_at"])
    return cart


def _fold(source: Cart, target: Cart, *, reason: str, channel: str) -> None:
    """Sum `source`'s lines into `target` and close `source`. Both rows are locked."""
    into = dict(CartLine.objects.filter(cart=target).values_list("variant_id", "quantity"))
    incoming = list(CartLine.objects.filter(cart=source).values_list("variant_id", "quantity"))
    for variant_id, quantity in merged_quantities(into, incoming).items():
        if variant_id in into:
            CartLine.objects.filter(cart=target, variant_id=variant_id).update(quantity=quantity)
    CartLine.objects.filter(cart=source).exclude(variant_id__in=list(into)).update(cart=target)
    CartLine.objects.filter(cart=source).delete()
    now = clock.now()
    source.status = Cart.Status.MERGED
    source.merged_into = target
    source.handoff_code = None
    source.updated_at = now
    source.save(update_fields=["status", "merged_into", "handoff_code", "updated_at"])
    target.updated_at = now
    target.save(update_fields=["updated_at"])
    record_event(
        events.CART_MERGED,
        aggregate=f"cart:{target.pk}",
        payload={
            "cart_id": source.pk,
            "into_cart_id": target.pk,
            "customer_id": target.customer_id,
            "reason": reason,
            "channel": channel,
        },
    )


def merge_anonymous_cart(*, token: str, customer_id: int, channel: str) -> Cart:
    """At login: the anonymous cart's lines join the customer's open cart, quantities summed.

    Idempotent: a token already merged (a retried login) changes nothing. An unknown token
    is ignored, so a stale cookie never blocks a sign-in. Returns the customer's cart.
    """
    with transaction.atomic():
        target = cart_of_customer(customer_id=customer_id, channel=channel)
        anonymous = Cart.objects.filter(anonymous_token=token, customer__isnull=True).first()
        if anonymous is None or anonymous.status != Cart.Status.OPEN:
            return target
        # Locks in pk order, like every lock helper: two merges never wait on each other.
        locked = {
            c.pk: c
            for c in Cart.objects.select_for_update()
            .filter(pk__in=[anonymous.pk, target.pk])
            .order_by("pk")
        }
        anonymous, target = locked[anonymous.pk], locked[target.pk]
        if anonymous.status == Cart.Status.OPEN:
            _fold(anonymous, target, reason="signed_in", channel=channel)
    return target


def move_carts_to_survivor(*, survivor_id: int, merged_id: int) -> None:
    """Two profiles became one: the merged profile's open cart joins the survivor's (summed),
    and its past carts belong to the survivor. Idempotent: a replay finds nothing to move."""
    with transaction.atomic():
        source = open_cart_of(customer_id=merged_id)
        if source is not None:
            target = cart_of_customer(customer_id=survivor_id, channel=source.channel)
            locked = {
                c.pk: c
                for c in Cart.objects.select_for_update()
                .filter(pk__in=[source.pk, target.pk])
                .order_by("pk")
            }
            _fold(locked[source.pk], locked[target.pk], reason="profiles_merged", channel="store")
        Cart.objects.filter(customer_id=merged_id).update(customer_id=survivor_id)


def forget_carts_of(*, customer_id: int) -> int:
    """Erasure: a cart is no financial record; the person's carts go. Idempotent."""
    deleted, _ = Cart.objects.filter(customer_id=customer_id).delete()
    return deleted


def issue_handoff_code(*, cart_id: int, valid_for: timedelta | None = None) -> Cart:
    """A short code (and its QR) an associate or agent types to open this very cart, valid
    for half an hour unless `valid_for` says otherwise (the demo's printed code lasts as
    long as the demo). Asking again gives a fresh code and retires the old one."""
    valid_for = valid_for or timedelta(minutes=HANDOFF_MINUTES)
    with transaction.atomic():
        cart = open_cart_for_update(cart_id=cart_id)
        for _ in range(5):  # a clash in 244 million codes is rare; retry, never 500
            cart.handoff_code = new_handoff_code()
            cart.handoff_expires_at = clock.now() + valid_for
            try:
                with transaction.atomic():
                    cart.save(update_fields=["handoff_code", "handoff_expires_at"])
                break
            except IntegrityError:
                continue
        else:
            raise RuntimeError("could not draw a free hand-off code")
        if cart.customer_id is not None:
            record_event(
                events.CART_HANDED_OFF,
                aggregate=f"cart:{cart.pk}",
                payload={"cart_id": cart.pk, "customer_id": cart.customer_id},
            )
    return cart


def open_cart_for_update(
    *, cart_id: int, closed: str = "This cart was merged into another; use that one."
) -> Cart:
    """The cart, its row locked until the end of the transaction; CartClosed (`closed`) if
    it was merged or ordered meanwhile."""
    cart = cart_for_update(cart_id=cart_id)
    if cart.status != Cart.Status.OPEN:
        raise CartClosed(closed)
    return cart


def mark_ordered(cart: Cart) -> Cart:
    """Checkout: the cart's lines became an order, so the cart closes (its lines stay, as a
    record). `cart` is the row `open_cart_for_update` locked in the transaction that places
    the order: then a declined payment or a failed order leaves the cart open."""
    cart.status = Cart.Status.ORDERED
    cart.handoff_code = None
    cart.updated_at = clock.now()
    cart.save(update_fields=["status", "handoff_code", "updated_at"])
    return cart


def take_bought_items_out(*, customer_id: int, bought: dict[str, int]) -> dict[str, int]:
    """Bought elsewhere (at a till): those units leave the customer's open online cart, a line
    going down by what was bought and away when nothing is left of it. Returns what was taken
    out, by SKU; nothing when the customer has no open cart. In the caller's transaction."""
    cart = open_cart_of(customer_id=customer_id)
    if cart is None or not bought:
        return {}
    taken: dict[str, int] = {}
    with transaction.atomic():
        cart = open_cart_for_update(cart_id=cart.pk)
        lines = CartLine.objects.select_related("variant").filter(
            cart=cart, variant__sku__in=list(bought)
        )
        for line in lines:
            out = min(line.quantity, bought[line.variant.sku])
            taken[line.variant.sku] = out
            if out == line.quantity:
                line.delete()
            else:
                CartLine.objects.filter(pk=line.pk).update(quantity=F("quantity") - out)
        if taken:
            cart.updated_at = clock.now()
            cart.save(update_fields=["updated_at"])
    return taken
