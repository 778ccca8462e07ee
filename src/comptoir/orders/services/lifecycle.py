"""What happens to an order after it is placed: cancelled, made ready, collected, dispatched.

Every change goes through the state machine in `domain`, locks the order's row, and records
its event in the same transaction. The PSP is called outside the transactions that touch
stock, so a slow PSP never keeps a stock row locked.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable
from datetime import datetime, timedelta
from decimal import Decimal

from django.db import transaction
from django.db.models import F, Q

from comptoir.core import clock
from comptoir.core.outbox import record_event
from comptoir.inventory.errors import HoldNotActive
from comptoir.inventory.services.releases import release_hold
from comptoir.inventory.services.till import TillLine, sell_at_till

from .. import events
from ..domain import (
    CANCELLABLE,
    LineStatus,
    OrderStatus,
    TransitionNotAllowed,
    check_line_transition,
    check_transition,
    new_pickup_code,
    pickup_code_matches,
)
from ..errors import InvalidOrder, OrderNotFound, OrderStateConflict, PaymentFailed, WrongPickupCode
from ..models import Order, OrderLine, Payment
from ..payments import provider
from ..payments.adapter import PspStatus
from .placing import PAYMENT_WINDOW, order_keys

COLLECT_WINDOW = timedelta(days=7)  # click & collect: a week to collect once ready


def locked_order(order_id: int) -> Order:
    order = Order.objects.select_for_update().filter(pk=order_id).first()
    if order is None:
        raise OrderNotFound("No such order.")
    return order


def _move(order: Order, target: OrderStatus, now: datetime) -> None:
    try:
        check_transition(order.status, target)
    except TransitionNotAllowed as error:
        raise OrderStateConflict(str(error)) from None
    order.status = target
    order.updated_at = now
    order.save(update_fields=["status", "updated_at"])


def release_lines(
    lines: Iterable[OrderLine], *, hold_status: str, reason: str, now: datetime
) -> None:
    """Release the lines' holds in the levels' lock order, (location, variant), as every hold
    takes them: in line order a cancellation and a hold could each wait on the other's level
    (a deadlock). See docs/locking.md."""
    for line in sorted(lines, key=lambda line: (line.location_id, line.variant_id)):
        if line.hold_id is not None:
            # Already ended (inventory's safety-net expiry)? Then there is nothing to give back.
            with contextlib.suppress(HoldNotActive):
                release_hold(hold_id=line.hold_id, status=hold_status, reason=reason, now=now)


def _open_lines(order: Order) -> list[OrderLine]:
    return list(order.lines.filter(status=OrderLine.Status.OPEN).order_by("line_number"))


def open_amount(lines: Iterable[OrderLine]) -> Decimal:
    return sum((line.unit_price * line.quantity for line in lines), Decimal("0"))


def cancel_order(
    *, order_id: int, reason: str, now: datetime | None = None, expired: bool = False
) -> Order:
    """Cancel the whole order: every open line's units go back on sale at once, the payment
    authorisation is voided, and `order.cancelled` is recorded."""
    now = now or clock.now()
    with transaction.atomic():
        order = locked_order(order_id)
        _move(order, OrderStatus.CANCELLED, now)
        lines = _open_lines(order)
        hold_status = "expired" if expired else "released"  # inventory's Hold.Status
        release_lines(lines, hold_status=hold_status, reason=f"order cancelled: {reason}", now=now)
        OrderLine.objects.filter(pk__in=[line.pk for line in lines]).update(
            status=OrderLine.Status.CANCELLED
        )
        record_event(
            events.ORDER_CANCELLED,
            aggregate=f"order:{order.pk}",
            # The order's channel, so the customer's timeline files the cancellation under it.
            payload={**order_keys(order), "reason": reason, "channel": order.channel},
            now=now,
        )
    _void_payment(order_id, now=now)
    return order


def _void_payment(order_id: int, *, now: datetime) -> None:
    payment = Payment.objects.filter(order_id=order_id).first()
    if payment is None or payment.status not in {Payment.Status.AUTHORISED, Payment.Status.PENDING}:
        return
    if payment.provider_reference:
        provider(payment.provider).void(provider_reference=payment.provider_reference)
    Payment.objects.filter(pk=payment.pk, status=payment.status).update(
        status=Payment.Status.VOIDED, updated_at=now
    )


def cancel_lines(
    *, order_id: int, line_numbers: list[int], reason: str, now: datetime | None = None
) -> Order:
    """Cancel some lines: their units go back on sale, and the payment will capture only the
    lines still open. Cancelling the last open lines cancels the order."""
    now = now or clock.now()
    order = Order.objects.filter(pk=order_id).first()
    if order is None:
        raise OrderNotFound("No such order.")
    if OrderStatus(order.status) not in CANCELLABLE:
        raise OrderStateConflict(f"An order that is {order.status} cannot lose lines.")
    lines = _open_lines(order)
    chosen = [line for line in lines if line.line_number in set(line_numbers)]
    unknown = set(line_numbers) - {line.line_number for line in chosen}
    if unknown or not chosen:
        raise InvalidOrder(
            "These lines are not open lines of the order.",
            errors=[{"field": "lines", "message": f"not open: {sorted(unknown)}"}],
        )
    if len(chosen) == len(lines):
        return cancel_order(order_id=order_id, reason=reason, now=now)
    with transaction.atomic():
        order = locked_order(order_id)
        release_lines(chosen, hold_status="released", reason=f"line cancelled: {reason}", now=now)
        OrderLine.objects.filter(
            pk__in=[line.pk for line in chosen], status=OrderLine.Status.OPEN
        ).update(status=OrderLine.Status.CANCELLED)
        order.updated_at = now
        order.save(update_fields=["updated_at"])
        record_event(
            events.ORDER_LINES_CANCELLED,
            aggregate=f"order:{order.pk}",
            payload={
                **order_keys(order),
                "reason": reason,
                "lines": [{"sku": line.sku, "quantity": line.quantity} for line in chosen],
            },
            now=now,
        )
    return order


def ready_payload(order: Order) -> dict:
    return {
        **order_keys(order),
        "location_id": order.pickup_location_id,
        "pickup_code": order.pickup_code,
        "collect_by": order.collect_by.isoformat() if order.collect_by else None,
    }


def mark_ready_for_pickup(*, order_id: int, now: datetime | None = None) -> Order:
    """The store has set the order aside: the customer gets a pickup code and a deadline
    (`order.ready_for_pickup`, which notifications turn into an email or a text)."""
    now = now or clock.now()
    with transaction.atomic():
        order = locked_order(order_id)
        _move(order, OrderStatus.READY_FOR_PICKUP, now)
        order.pickup_code = new_pickup_code()
        if order.collect_by is None:  # reserve & collect keeps the deadline it was given
            order.collect_by = now + COLLECT_WINDOW
        order.save(update_fields=["pickup_code", "collect_by"])
        record_event(
            events.ORDER_READY_FOR_PICKUP,
            aggregate=f"order:{order.pk}",
            payload=ready_payload(order),
            now=now,
        )
    return order


def remind_pickup(*, order_id: int, now: datetime | None = None) -> None:
    now = now or clock.now()
    with transaction.atomic():
        order = locked_order(order_id)
        if order.status != OrderStatus.READY_FOR_PICKUP:
            return
        record_event(
            events.ORDER_PICKUP_REMINDER,
            aggregate=f"order:{order.pk}",
            payload=ready_payload(order),
            now=now,
        )


def capture_payment(*, order_id: int, amount: Decimal, now: datetime | None = None) -> None:
    """Take the money for what leaves the store (at pickup or at dispatch) through the PSP.
    A reserve & collect order is paid at the till instead: recorded as captured there."""
    now = now or clock.now()
    payment = Payment.objects.filter(order_id=order_id).first()
    if payment is None or amount <= 0:
        return
    if payment.status == Payment.Status.DUE_AT_PICKUP:
        Payment.objects.filter(pk=payment.pk).update(
            status=Payment.Status.CAPTURED,
            amount=amount,
            captured_amount=amount,
            updated_at=now,
        )
        return
    if payment.status not in {Payment.Status.AUTHORISED, Payment.Status.CAPTURED}:
        raise PaymentFailed(f"The payment is {payment.status}; nothing can be captured.")
    result = provider(payment.provider).capture(
        provider_reference=payment.provider_reference, amount=amount, currency=payment.currency
    )
    if result.status != PspStatus.CAPTURED:
        raise PaymentFailed(f"The PSP did not capture: {result.reason or result.status}.")
    with transaction.atomic():
        captured = Payment.objects.filter(
            pk=payment.pk, captured_amount__lte=F("amount") - amount
        ).update(
            status=Payment.Status.CAPTURED,
            captured_amount=F("captured_amount") + amount,
            updated_at=now,
        )
        if not captured:
            raise PaymentFailed("This would capture more than was authorised.")
        record_event(
            events.PAYMENT_CAPTURED,
            aggregate=f"order:{order_id}",
            payload={
                "order_id": order_id,
                "order_reference": payment.order.reference,
                "customer_id": payment.order.customer_id,
                "amount": str(amount),
                "currency": payment.currency,
            },
            now=now,
        )


def _hand_over_stock(
    order: Order,
    lines: list[OrderLine],
    *,
    location_id: int,
    actor: str,
    now: datetime,
    to: LineStatus,
) -> None:
    """The held units leave the shelf: each hold becomes a sale to the one who holds it, and
    each line moves to `to` (collected at the counter, or dispatched in a parcel)."""
    for line in lines:
        check_line_transition(line.status, to)
    sell_at_till(
        location_id=location_id,
        lines=[TillLine(line.variant_id, line.sku, line.quantity, line.hold_id) for line in lines],
        ticket=order.reference,
        actor=actor,
        now=now,
    )
    OrderLine.objects.filter(pk__in=[line.pk for line in lines]).update(
        status=to, delivered_at=now if to == LineStatus.COLLECTED else None
    )


def collect_order(
    *,
    order_id: int,
    pickup_code: str,
    location_id: int,
    actor: str = "",
    now: datetime | None = None,
) -> Order:
    """Hand a ready order over at its store against its pickup code (a wrong code: 422, nothing
    changes). The payment is captured, the holds become sales, `order.collected` is recorded."""
    now = now or clock.now()
    order = Order.objects.filter(pk=order_id).first()
    if order is None:
        raise OrderNotFound("No such order.")
    if order.status != OrderStatus.READY_FOR_PICKUP:
        raise OrderStateConflict(f"The order is {order.status}, not ready for pickup.")
    if order.pickup_location_id != location_id:
        raise OrderStateConflict("This order is collected in another store.")
    if not pickup_code_matches(order.pickup_code, pickup_code):
        raise WrongPickupCode(
            "This is not the order's pickup code; ask the customer for the code in their message.",
            errors=[{"field": "pickup_code", "message": "does not match this order"}],
        )
    capture_payment(order_id=order_id, amount=open_amount(_open_lines(order)), now=now)
    with transaction.atomic():
        order = locked_order(order_id)
        _move(order, OrderStatus.COLLECTED, now)
        lines = _open_lines(order)
        _hand_over_stock(
            order, lines, location_id=location_id, actor=actor, now=now, to=LineStatus.COLLECTED
        )
        # A ship-to-store parcel's lines left their stock when they were dispatched.
        order.lines.filter(status=LineStatus.AT_STORE).update(
            status=LineStatus.COLLECTED, delivered_at=now
        )
        record_event(
            events.ORDER_COLLECTED,
            aggregate=f"order:{order.pk}",
            payload={**order_keys(order), "location_id": location_id},
            now=now,
        )
    return order


def dispatch_lines(
    *, order_id: int, from_location_id: int, actor: str = "", now: datetime | None = None
) -> list[OrderLine]:
    """The lines held at `from_location_id` leave it in a parcel. Must run inside the caller's
    transaction (fulfilment records `fulfilment.dispatched` beside it). The order becomes
    dispatched when its last open lines leave."""
    now = now or clock.now()
    order = locked_order(order_id)
    lines = _open_lines(order)
    leaving = [line for line in lines if line.location_id == from_location_id]
    if not leaving:
        raise OrderStateConflict("Nothing of this order is left to dispatch from there.")
    if order.status not in {OrderStatus.PLACED, OrderStatus.DISPATCHED}:
        raise OrderStateConflict(f"An order that is {order.status} cannot be dispatched.")
    _hand_over_stock(
        order,
        leaving,
        location_id=from_location_id,
        actor=actor,
        now=now,
        to=LineStatus.DISPATCHED,
    )
    if len(leaving) == len(lines) and order.status == OrderStatus.PLACED:
        _move(order, OrderStatus.DISPATCHED, now)
    return leaving


def refund_payment(*, order_id: int, amount: Decimal, now: datetime | None = None) -> Payment:
    """Refund to the original payment through the PSP (or at the till for a till payment).
    Never more than was captured: the database refuses it too."""
    now = now or clock.now()
    payment = Payment.objects.select_related("order").filter(order_id=order_id).first()
    if payment is None:
        raise OrderNotFound("No such order.")
    if payment.refunded_amount + amount > payment.captured_amount:
        raise PaymentFailed("This would refund more than was paid.")
    if payment.provider_reference:
        result = provider(payment.provider).refund(
            provider_reference=payment.provider_reference, amount=amount, currency=payment.currency
        )
        if result.status != PspStatus.REFUNDED:
            raise PaymentFailed(f"The PSP did not refund: {result.reason or result.status}.")
    Payment.objects.filter(pk=payment.pk).update(
        refunded_amount=F("refunded_amount") + amount, updated_at=now
    )
    payment.refresh_from_db()
    return payment


def reservations_to_expire(*, now: datetime, limit: int = 500) -> list[int]:
    """Orders waiting in a store past their collection deadline."""
    waiting = Q(status=OrderStatus.READY_FOR_PICKUP) | Q(
        status=OrderStatus.PLACED, fulfilment_mode="reserve_and_collect"
    )
    return list(
        Order.objects.filter(waiting, collect_by__lte=now)
        .order_by("collect_by")
        .values_list("pk", flat=True)[:limit]
    )


def unpaid_orders_to_cancel(*, now: datetime, limit: int = 500) -> list[int]:
    """Orders whose payment link or pending authorisation never came back in time."""
    return list(
        Order.objects.filter(
            status=OrderStatus.AWAITING_PAYMENT, created_at__lte=now - PAYMENT_WINDOW
        )
        .order_by("created_at")
        .values_list("pk", flat=True)[:limit]
    )
