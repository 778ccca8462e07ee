"""What happens to an order after it is placed: cancelled, made ready, collected, dispatched.

Every change goes through the state machine in `domain`, locks the order's row, and records
its event in the same transaction. The PSP is called outside the transactions that touch
stock, so a slow PSP never keeps a stock row locked.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.db import transaction
from django.db.models import Q

from comptoir.core import clock
from comptoir.core.errors import DomainError
from comptoir.core.outbox import record_event
from comptoir.core.retrying import transaction_retried
from comptoir.inventory.errors import HoldNotActive
from comptoir.inventory.services.releases import release_hold
from comptoir.inventory.services.till import TillLine, sell_at_till

from .. import events
from ..domain import (
    CANCELLABLE,
    PICKUP_CODE_LOCKOUT,
    PICKUP_CODE_TRIES,
    TILL_TENDERS,
    LineStatus,
    OrderStatus,
    PaymentKind,
    Tender,
    TransitionNotAllowed,
    check_line_transition,
    check_transition,
    new_pickup_code,
    pickup_code_tries_left,
)
from ..errors import (
    InvalidOrder,
    OrderNotFound,
    OrderStateConflict,
    PaymentFailed,
    PickupCodeLocked,
    TenderRequired,
    WrongPickupCode,
)
from ..models import Order, OrderLine, Payment, PaymentOperation
from ..selectors import capture_due, ensure_collectable
from .payments import captures_in_flight, request_operation, settle
from .placing import PAYMENT_WINDOW, order_keys
from .refunds import refund_payment as refund_payment  # where the returns call it

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


def _capture_for_leaving(
    order: Order,
    leaving: list[OrderLine],
    *,
    idempotency_key: str,
    tender: Tender | None,
    actor: str,
    now: datetime,
) -> PaymentOperation | None:
    """Under the order's lock, before `leaving` is marked as gone: the intent to capture those
    lines, plus the delivery fee if they are the first of the order to leave."""
    payment = Payment.objects.filter(order_id=order.pk).first()
    if payment is None:
        return None
    amount = capture_due(order, leaving)
    if amount <= 0 or payment.captured_amount >= payment.amount:
        return None  # nothing due; or paid ahead in full (at the till: till_pickup)
    if payment.status not in {Payment.Status.AUTHORISED, Payment.Status.CAPTURED} and not (
        payment.status == Payment.Status.DUE_AT_PICKUP and tender in TILL_TENDERS
    ):
        raise PaymentFailed(f"The payment is {payment.status}; nothing can be captured.")
    return request_operation(
        payment=payment,
        kind=PaymentKind.CAPTURE,
        amount=amount,
        idempotency_key=idempotency_key,
        tender=tender,
        actor=actor,
        now=now,
    )


def cancel_order(
    *, order_id: int, reason: str, now: datetime | None = None, expired: bool = False
) -> Order:
    """Cancel the whole order: every open line's units go back on sale at once, the payment
    authorisation is voided, and `order.cancelled` is recorded."""
    order, _ = _cancel(order_id, reason=reason, now=now or clock.now(), expired=expired)
    return order


def _cancel(
    order_id: int, *, reason: str, now: datetime, expired: bool, due: Q | None = None
) -> tuple[Order, bool]:
    """Cancel under the order's lock (only if it is still `due`, when given), then void what
    is left of the authorisation after COMMIT. Returns the order and whether it was."""
    order, cancelled, void = _cancelled(
        order_id=order_id, reason=reason, now=now, expired=expired, due=due
    )
    if void is not None:
        settle(void, now=now)  # after COMMIT: a failed void leaves the authorisation open
    return order, cancelled


@transaction_retried
def _cancelled(
    *, order_id: int, reason: str, now: datetime, expired: bool, due: Q | None
) -> tuple[Order, bool, PaymentOperation | None]:
    with transaction.atomic():
        order = locked_order(order_id)
        if due is not None and not Order.objects.filter(due, pk=order.pk).exists():
            return order, False, None
        return order, True, _cancel_locked(order, reason=reason, now=now, expired=expired)


def _cancel_locked(
    order: Order, *, reason: str, now: datetime, expired: bool
) -> PaymentOperation | None:
    """The cancellation, under the order's row lock: the void's intent is what it returns."""
    _move(order, OrderStatus.CANCELLED, now)
    void = _request_void(order, now=now)
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
    return void


VOIDABLE = frozenset({Payment.Status.AUTHORISED, Payment.Status.CAPTURED})


def _request_void(order: Order, *, now: datetime) -> PaymentOperation | None:
    """The intent to give back what is authorised and not captured, in the cancellation's
    transaction (a pending payment or an unpaid link is voided too)."""
    payment = Payment.objects.select_for_update().filter(order_id=order.pk).first()
    if payment is None or not payment.provider_reference:
        return None
    if captures_in_flight(payment) > 0:
        # A parcel that left is being captured: a void now would cancel the authorisation
        # under it. The rest stays authorised; reconcile lists it to release by hand.
        return None
    open_part = payment.authorised_amount - payment.captured_amount
    pending = payment.status == Payment.Status.PENDING
    # A parcel that left before the cancellation was captured; the rest is given back.
    if not pending and not (payment.status in VOIDABLE and open_part > 0):
        return None
    return request_operation(
        payment=payment,
        kind=PaymentKind.VOID,
        amount=max(payment.authorised_amount - payment.captured_amount, Decimal("0")),
        idempotency_key=f"void:{order.pk}",
        now=now,
    )


def cancel_lines(
    *, order_id: int, line_numbers: list[int], reason: str, now: datetime | None = None
) -> Order:
    """Cancel some lines: their units go back on sale, and the payment will capture only the
    lines still open. Cancelling the last open lines cancels the order. The lines are read
    under the order's lock: a line dispatched meanwhile is not open any more."""
    now = now or clock.now()
    order, void = _lines_cancelled(
        order_id=order_id, line_numbers=line_numbers, reason=reason, now=now
    )
    if void is not None:
        settle(void, now=now)
    return order


@transaction_retried
def _lines_cancelled(
    *, order_id: int, line_numbers: list[int], reason: str, now: datetime
) -> tuple[Order, PaymentOperation | None]:
    with transaction.atomic():
        order = locked_order(order_id)
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
            return order, _cancel_locked(order, reason=reason, now=now, expired=False)
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
        return order, None


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


def hand_over_order(
    *,
    order_id: int,
    pickup_code: str,
    location_id: int,
    tender: str | None = None,
    paid_at_till: bool = False,
    actor: str = "",
    now: datetime | None = None,
) -> PaymentOperation | None:
    """Inside the caller's transaction: under the order's lock, check the pickup code (wrong:
    422, nothing changes), hand the units over, record `order.collected` and the intent to
    capture what leaves. Returns that operation, for `settle` AFTER the commit. A reserve &
    collect order is paid at the till: `tender` says how (cash or the store's terminal), and
    the till's operation is recorded as succeeded here; or `paid_at_till` says the caller has
    taken it under this lock, split by tender (`till_pickup.pay_at_pickup`)."""
    now = now or clock.now()
    order = locked_order(order_id)  # first: a second tap waits here, then finds it collected
    if pickup_code_tries_left(order.pickup_code_tries, order.pickup_code_tried_at, now) == 0:
        raise _locked(order)
    ensure_collectable(order, location_id=location_id, pickup_code=pickup_code)
    lines = _open_lines(order)
    capture = None
    if not paid_at_till:
        capture = _capture_for_leaving(
            order,
            lines,
            idempotency_key=f"capture:{order.pk}:collect",
            tender=_till_tender(order, tender),
            actor=actor,
            now=now,
        )
    _move(order, OrderStatus.COLLECTED, now)
    _hand_over_stock(
        order, lines, location_id=location_id, actor=actor, now=now, to=LineStatus.COLLECTED
    )
    # A ship-to-store parcel's lines left their stock (and were paid) when dispatched.
    order.lines.filter(status=LineStatus.AT_STORE).update(
        status=LineStatus.COLLECTED, delivered_at=now
    )
    record_event(
        events.ORDER_COLLECTED,
        aggregate=f"order:{order.pk}",
        payload={**order_keys(order), "location_id": location_id},
        now=now,
    )
    return capture


def _till_tender(order: Order, tender: str | None) -> Tender | None:
    """How a paid-at-pickup order was paid at the till; None for an order paid online."""
    payment = Payment.objects.filter(order_id=order.pk).first()
    if payment is None or payment.method != Payment.Method.AT_PICKUP:
        return None
    if tender not in {t.value for t in TILL_TENDERS}:
        raise TenderRequired(
            "Say how the customer paid at the till: cash or card on the store's terminal.",
            errors=[{"field": "tender", "message": "cash or store_card"}],
        )
    return Tender(tender)


def check_pickup_code(
    *, order_id: int, location_id: int, pickup_code: str, now: datetime | None = None
) -> Order:
    """The order, if the code the customer shows collects it here now (`ensure_collectable`),
    counted against the order's tries in its own committed transaction, under the order's
    lock, so that guesses at once are counted one by one: after PICKUP_CODE_TRIES wrong
    codes, none is checked until the lockout ends (PickupCodeLocked, 429), and the store is
    told (`order.pickup_code_locked`). A right code forgets the wrong ones. Call it outside
    any transaction (a rollback would forget the try): every handover calls it first."""
    now = now or clock.now()
    order, refusal = _code_tried(order_id, location_id, pickup_code, now)
    if refusal is not None:
        raise refusal
    return order


@transaction_retried
def _code_tried(
    order_id: int, location_id: int, pickup_code: str, now: datetime
) -> tuple[Order, DomainError | None]:
    with transaction.atomic():
        order = locked_order(order_id)
        left = pickup_code_tries_left(order.pickup_code_tries, order.pickup_code_tried_at, now)
        if left == 0:
            return order, _locked(order)
        try:
            ensure_collectable(order, location_id=location_id, pickup_code=pickup_code)
        except WrongPickupCode as wrong:
            order.pickup_code_tries = PICKUP_CODE_TRIES - left + 1
            order.pickup_code_tried_at = now
            order.save(update_fields=["pickup_code_tries", "pickup_code_tried_at"])
            if left == 1:
                record_event(
                    events.ORDER_PICKUP_CODE_LOCKED,
                    aggregate=f"order:{order.pk}",
                    payload={
                        **order_keys(order),
                        "location_id": order.pickup_location_id,
                        "tries": order.pickup_code_tries,
                        "until": (now + PICKUP_CODE_LOCKOUT).isoformat(),
                    },
                    now=now,
                )
            return order, wrong
        if order.pickup_code_tries:
            order.pickup_code_tries = 0
            order.save(update_fields=["pickup_code_tries"])
        return order, None


def _locked(order: Order) -> PickupCodeLocked:
    until = (order.pickup_code_tried_at or clock.now()) + PICKUP_CODE_LOCKOUT
    minutes = max(1, round((until - clock.now()).total_seconds() / 60))
    return PickupCodeLocked(
        f"Too many wrong codes for this order: no code is checked for {minutes} more minutes. "
        "Ask the customer for the message with their code, or their ID, and tell the store "
        "manager."
    )


def collect_order(
    *,
    order_id: int,
    pickup_code: str,
    location_id: int,
    tender: str | None = None,
    actor: str = "",
    now: datetime | None = None,
) -> Order:
    """Hand a ready order over at its store against its pickup code (`hand_over_order`), then,
    after the commit, capture what was handed over through the PSP. A capture the PSP refuses
    is recorded as failed (reconcile reports it); the goods have left either way."""
    now = now or clock.now()
    check_pickup_code(order_id=order_id, location_id=location_id, pickup_code=pickup_code, now=now)
    capture = _collected(
        order_id=order_id,
        pickup_code=pickup_code,
        location_id=location_id,
        tender=tender,
        actor=actor,
        now=now,
    )
    if capture is not None:
        settle(capture, now=now)  # after COMMIT, outside the retried transaction
    return Order.objects.get(pk=order_id)


@transaction_retried
def _collected(
    *,
    order_id: int,
    pickup_code: str,
    location_id: int,
    tender: str | None,
    actor: str,
    now: datetime,
) -> PaymentOperation | None:
    with transaction.atomic():
        return hand_over_order(
            order_id=order_id,
            pickup_code=pickup_code,
            location_id=location_id,
            tender=tender,
            actor=actor,
            now=now,
        )


@dataclass(frozen=True)
class Dispatched:
    lines: list[OrderLine]
    capture: PaymentOperation | None  # to `settle` after the commit


def dispatch_lines(
    *,
    order_id: int,
    from_location_id: int,
    idempotency_key: str,
    actor: str = "",
    now: datetime | None = None,
) -> Dispatched:
    """The lines held at `from_location_id` leave it in a parcel. Must run inside the caller's
    transaction (fulfilment records `fulfilment.dispatched` beside it). The order becomes
    dispatched when its last open lines leave. The intent to capture them (the fee with the
    first parcel) is recorded under `idempotency_key`; the caller settles it after COMMIT."""
    now = now or clock.now()
    order = locked_order(order_id)
    lines = _open_lines(order)
    leaving = [line for line in lines if line.location_id == from_location_id]
    if not leaving:
        raise OrderStateConflict("Nothing of this order is left to dispatch from there.")
    if order.status not in {OrderStatus.PLACED, OrderStatus.DISPATCHED}:
        raise OrderStateConflict(f"An order that is {order.status} cannot be dispatched.")
    capture = _capture_for_leaving(
        order, leaving, idempotency_key=idempotency_key, tender=None, actor=actor, now=now
    )
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
    return Dispatched(leaving, capture)


def _waiting_past_deadline(now: datetime) -> Q:
    """A reservation nobody came for: still waiting in its store past its deadline."""
    waiting = Q(status=OrderStatus.READY_FOR_PICKUP) | Q(
        status=OrderStatus.PLACED, fulfilment_mode="reserve_and_collect"
    )
    return waiting & Q(collect_by__lte=now)


def _unpaid_past_window(now: datetime) -> Q:
    """A payment link or a pending authorisation that never came back in time."""
    return Q(status=OrderStatus.AWAITING_PAYMENT, created_at__lte=now - PAYMENT_WINDOW)


def reservations_to_expire(*, now: datetime, limit: int = 500) -> list[int]:
    """Orders waiting in a store past their collection deadline."""
    return list(
        Order.objects.filter(_waiting_past_deadline(now))
        .order_by("collect_by")
        .values_list("pk", flat=True)[:limit]
    )


def unpaid_orders_to_cancel(*, now: datetime, limit: int = 500) -> list[int]:
    """Orders whose payment link or pending authorisation never came back in time."""
    return list(
        Order.objects.filter(_unpaid_past_window(now))
        .order_by("created_at")
        .values_list("pk", flat=True)[:limit]
    )


def expire_reservation(*, order_id: int, now: datetime) -> bool:
    """Cancel a reservation nobody came for, its units back on sale. The sweep listed it a
    moment ago: under the order's lock it must still be waiting past its deadline (one handed
    over meanwhile is left alone, and False says so)."""
    _, expired = _cancel(
        order_id,
        reason="not collected in time",
        now=now,
        expired=True,
        due=_waiting_past_deadline(now),
    )
    return expired


def cancel_unpaid_order(*, order_id: int, now: datetime) -> bool:
    """Cancel an order whose payment never came. Under the order's lock it must still be
    unpaid past its window: one the PSP confirmed meanwhile is left alone (False)."""
    _, cancelled = _cancel(
        order_id,
        reason="payment not received in time",
        now=now,
        expired=False,
        due=_unpaid_past_window(now),
    )
    return cancelled
