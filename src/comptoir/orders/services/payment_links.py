"""A payment link sent to the customer: the order waits for its payment, the customer pays it
from their own phone (an endless-aisle order at the counter, a call-centre order)."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction

from comptoir.core import clock
from comptoir.core.outbox import record_event

from .. import events
from ..domain import OrderStatus
from ..errors import OrderStateConflict
from ..models import Payment
from .lifecycle import locked_order
from .placing import order_keys


def send_payment_link(
    *, order_id: int, reason: str = "", asked_by: str = "", now: datetime | None = None
) -> None:
    """Ask for the link of an order awaiting its payment to go to the customer (by email, and
    by SMS where they want it: the notifications app's handlers, through the outbox). Each
    call is one more message: the associate's "send it again". Raises OrderStateConflict when
    the order is not waiting for a payment link any more (paid, cancelled)."""
    now = now or clock.now()
    with transaction.atomic():
        order = locked_order(order_id)
        payment = Payment.objects.filter(order_id=order.pk).first()
        if (
            order.status != OrderStatus.AWAITING_PAYMENT
            or payment is None
            or payment.method != Payment.Method.PAYMENT_LINK
            or not payment.payment_link
        ):
            raise OrderStateConflict("This order is not waiting for a payment link.")
        record_event(
            events.ORDER_PAYMENT_LINK_SENT,
            aggregate=f"order:{order.pk}",
            payload={
                **order_keys(order),
                "payment_link": payment.payment_link,
                "total": str(order.total),
                "currency": order.currency,
                **({"reason": reason, "asked_by": asked_by} if reason else {}),
            },
            now=now,
        )
