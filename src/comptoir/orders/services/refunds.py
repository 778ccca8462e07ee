"""Refunds: back to the tenders that paid, never more than each took (docs/money.md).

The parts are decided by `domain.split_refund` under the payment's row lock, recorded as
ledger rows, then asked of the PSP after COMMIT (a till's cash part is given at once).
"""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal

from django.db import transaction
from django.db.models import Q

from comptoir.core import clock
from comptoir.core.retrying import transaction_retried

from ..domain import OperationStatus, PaymentKind, RefundTooLarge, split_refund
from ..errors import OrderNotFound, PaymentFailed, PaymentNotAnswered
from ..models import Payment, PaymentOperation
from .payments import request_operation, settle


def refund_payment(
    *,
    order_id: int,
    amount: Decimal,
    now: datetime | None = None,
    idempotency_key: str | None = None,
    actor: str = "",
) -> Payment:
    """Refund to the tenders that paid (`domain.split_refund`): a card part through the PSP
    (a till sale's card part too, on the terminal's reference), a cash part out of the till.
    Race-proof: the parts are decided under the payment's row lock, counting refunds still in
    flight, so refunds at once never give a tender more than it took (the database refuses
    more than captured in all). The same `idempotency_key` again refunds nothing more. Raises
    PaymentFailed when the PSP refuses or does not answer (that part is then failed, or left
    for a retry; a cash part given meanwhile stays given)."""
    now = now or clock.now()
    key = idempotency_key or f"refund:{order_id}:{uuid.uuid4().hex}"
    payment, refunds = _refund_requested(
        order_id=order_id, amount=amount, key=key, actor=actor, now=now
    )
    answered = [settle(refund, now=now) for refund in refunds]
    failed = [refund for refund in answered if refund.status == OperationStatus.FAILED]
    if failed:
        raise PaymentFailed(f"The PSP did not refund: {failed[0].failure_reason}.")
    if any(refund.status == OperationStatus.REQUESTED for refund in answered):
        raise PaymentNotAnswered("The PSP did not answer; the refund will be asked again.")
    payment.refresh_from_db()
    return payment


@transaction_retried
def _refund_requested(
    *, order_id: int, amount: Decimal, key: str, actor: str, now: datetime
) -> tuple[Payment, list[PaymentOperation]]:
    with transaction.atomic():
        payment = Payment.objects.select_for_update().filter(order_id=order_id).first()
        if payment is None:
            raise OrderNotFound("No such order.")
        asked = list(
            payment.operations.filter(
                Q(idempotency_key=key) | Q(idempotency_key__startswith=f"{key}:"),
                kind=PaymentKind.REFUND,
            ).order_by("pk")
        )
        if asked or amount <= 0:
            return payment, asked  # this refund was asked already: nothing more
        try:
            parts = split_refund(amount=amount, **_tenders_left(payment))
        except RefundTooLarge:
            raise PaymentFailed("This would refund more than was paid.") from None
        return payment, [
            request_operation(
                payment=payment,
                kind=PaymentKind.REFUND,
                amount=part,
                # The first part keeps the caller's key: `refund_asked(key)` finds it.
                idempotency_key=key if number == 0 else f"{key}:{tender}",
                tender=tender,
                actor=actor,
                now=now,
            )
            for number, (tender, part) in enumerate(parts)
        ]


def _tenders_left(payment: Payment) -> dict[str, dict[str, Decimal]]:
    """What each tender took (succeeded captures) and gave back (refunds succeeded or in
    flight), read under the payment's lock. A payment at a PSP took its captured sum in its
    own method."""
    taken: dict[str, Decimal] = {}
    refunded: dict[str, Decimal] = {}
    rows = payment.operations.filter(
        Q(kind=PaymentKind.CAPTURE, status=OperationStatus.SUCCEEDED)
        | Q(
            kind=PaymentKind.REFUND,
            status__in=[OperationStatus.SUCCEEDED, OperationStatus.REQUESTED],
        )
    ).values_list("kind", "tender", "amount")
    for kind, tender, amount in rows:
        sums = taken if kind == PaymentKind.CAPTURE else refunded
        sums[tender] = sums.get(tender, Decimal("0")) + amount
    if payment.method != Payment.Method.AT_PICKUP:
        # Captured at the PSP: its sum is the truth even where a capture row predates tenders.
        taken = {payment.method: payment.captured_amount}
        refunded = {payment.method: sum(refunded.values(), Decimal("0"))}
    return {"taken": taken, "refunded": refunded}
