"""Asynchronous answers from the PSP: a pending authorisation or a payment link settled.

A PSP may deliver the same webhook twice (or many times): the notification id is recorded in
the same transaction as its effect, so a duplicate finds it and changes nothing. One for a
payment not committed yet (its order is still being written) is refused with a 503 and NOT
recorded, so the PSP delivers it again.
"""

from __future__ import annotations

import contextlib
from datetime import datetime

from django.db import IntegrityError, transaction

from comptoir.core import clock
from comptoir.core.errors import ValidationFailed
from comptoir.core.outbox import record_event

from .. import events
from ..domain import OrderStatus, PaymentKind
from ..errors import OrderStateConflict, PaymentNotYetRecorded
from ..models import Order, Payment, PaymentNotification, PaymentOperation
from ..payments import provider
from ..payments.adapter import (
    BadSignature,
    IgnoredNotification,
    Notification,
    PaymentProvider,
    PspStatus,
)
from .lifecycle import _move, cancel_order
from .payments import complete_authorisation, request_operation, settle
from .placing import placed_payload


class InvalidSignature(ValidationFailed):
    code = "invalid-signature"
    title = "The webhook's signature does not match"


def receive_payment_notification(
    *, provider_name: str, body: bytes, signature: str, now: datetime | None = None
) -> str:
    """Apply a signed PSP webhook once. Returns "applied", "duplicate" or "ignored" (signed,
    about nothing comptoir acts on); raises PaymentNotYetRecorded (503, nothing recorded) for
    a payment not known yet."""
    now = now or clock.now()
    try:
        psp = provider(provider_name)
        notification = psp.read_notification(body=body, signature=signature)
    except (BadSignature, LookupError, ValueError, KeyError) as error:
        raise InvalidSignature(
            "This webhook is not signed by the payment provider.",
            errors=[{"field": "header.signature", "message": str(error)}],
        ) from None
    except IgnoredNotification:
        return "ignored"
    outcome, order_id, late_void = _recorded(psp, notification, now)
    if late_void is not None:
        # After COMMIT, outside any transaction (docs/money.md). A PSP that times out leaves the
        # row requested, one that refuses leaves it failed: reconcile lists either, and the
        # webhook still answers 2xx, since the notification and the void's intent are kept.
        settle(late_void, now=now)
    if outcome == "declined":  # a declined payment leaves no hold
        with contextlib.suppress(OrderStateConflict):  # cancelled meanwhile: nothing is held
            cancel_order(order_id=order_id, reason="payment declined", now=now)
        return "applied"
    return outcome


def _recorded(
    psp: PaymentProvider, notification: Notification, now: datetime
) -> tuple[str, int, PaymentOperation | None]:
    """The notification's effect, recorded with its id in one transaction: the outcome
    ("applied", "declined", "duplicate"), the order, and a late void to settle after COMMIT."""
    with transaction.atomic():
        try:
            with transaction.atomic():
                PaymentNotification.objects.create(
                    provider=psp.name,
                    notification_id=notification.notification_id,
                    received_at=now,
                )
        except IntegrityError:
            return "duplicate", 0, None
        found = (
            Payment.objects.filter(
                provider=psp.name, provider_reference=notification.provider_reference
            )
            .values_list("order_id", flat=True)
            .first()
        )
        if found is None:
            # Raised inside the transaction: the notification's row is rolled back with it.
            raise PaymentNotYetRecorded(
                "No payment with this reference yet; deliver the notification again."
            )
        # The order's row, then its payment's: the order every path takes them in.
        order = Order.objects.select_for_update().get(pk=found)
        payment = Payment.objects.select_for_update().select_related("order").get(order_id=found)
        authorised = notification.status == PspStatus.AUTHORISED
        if _too_late(order, payment):
            if not authorised:
                return "duplicate", order.pk, None
            # The order was cancelled (unpaid in time) before the PSP answered: give the
            # customer's money back rather than keep an authorisation nobody will capture.
            # The intent is a ledger row, under the payment's lock held above.
            void = request_operation(
                payment=payment,
                kind=PaymentKind.VOID,
                amount=payment.amount,
                idempotency_key=f"void:late:{payment.pk}",
                now=now,
            )
            return "applied", order.pk, void
        if payment.status != Payment.Status.PENDING:
            return "duplicate", order.pk, None  # settled by another notification of the payment
        complete_authorisation(
            payment=payment, succeeded=authorised, reason=notification.reason, now=now
        )
        if not authorised:
            payment.status = Payment.Status.DECLINED
            payment.decline_reason = notification.reason[:200]
            payment.updated_at = now
            payment.save(update_fields=["status", "decline_reason", "updated_at"])
            return "declined", order.pk, None
        payment.status = Payment.Status.AUTHORISED
        payment.updated_at = now
        payment.save(update_fields=["status", "updated_at"])
        _move(order, OrderStatus.PLACED, now)
        record_event(
            events.ORDER_PLACED,
            aggregate=f"order:{order.pk}",
            payload=placed_payload(order),
            now=now,
        )
        return "applied", order.pk, None


def _too_late(order: Order, payment: Payment) -> bool:
    """The authorisation comes after the order gave up on it: its payment was voided, or the
    order was cancelled while the payment was still pending (its void failed)."""
    if payment.status == Payment.Status.VOIDED:
        return True
    return payment.status == Payment.Status.PENDING and order.status == OrderStatus.CANCELLED
