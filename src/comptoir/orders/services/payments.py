"""The payment ledger: every movement of money is a `PaymentOperation` row (docs/money.md).

The rule for anything the PSP does: record the intent (a `requested` row whose idempotency
key says what it is for) in the transaction of the change that calls for it, COMMIT, call the
PSP with that key outside any transaction, then record the outcome. A second request with the
same key finds the row and does not ask again; a crash between call and outcome leaves a
`requested` row that reconcile reports and `retry_operation` completes, idempotently.

A till operation (cash, or a card on the store's own terminal) has no one to call: it is
recorded `succeeded` at once, in the transaction of the handover it pays for.

Each succeeded operation moves the payment's sums with ONE conditional UPDATE; the CHECK
constraints on `Payment` refuse what slips through.
"""

from __future__ import annotations

import logging
from datetime import datetime
from decimal import Decimal

from django.db import transaction
from django.db.models import Case, F, Sum, Value, When
from django.db.models.functions import Round

from comptoir.core import clock
from comptoir.core.outbox import record_event

from .. import events
from ..domain import SETTLED_AT_ONCE, OperationStatus, PaymentKind, Tender
from ..errors import PaymentFailed
from ..models import Payment, PaymentOperation
from ..payments import provider
from ..payments.adapter import PspStatus, PspUnreachable

logger = logging.getLogger(__name__)

_SUCCESS = {
    PaymentKind.CAPTURE: PspStatus.CAPTURED,
    PaymentKind.REFUND: PspStatus.REFUNDED,
    PaymentKind.VOID: PspStatus.VOIDED,
}


def captures_in_flight(payment: Payment) -> Decimal:
    """What captures of this payment are asking the PSP for and have no answer yet."""
    return _in_flight(payment, PaymentKind.CAPTURE)


def _in_flight(payment: Payment, kind: PaymentKind) -> Decimal:
    """What operations of `kind` are taking or have taken: requested and not yet answered."""
    total = payment.operations.filter(kind=kind, status=OperationStatus.REQUESTED).aggregate(
        total=Sum("amount")
    )["total"]
    return total or Decimal("0")


def at_the_till(kind: PaymentKind, tender: str, provider_reference: str) -> bool:
    """Whether the till does this operation itself (recorded succeeded at once) rather than
    the PSP: cash and an exchange's credit always; the store's card terminal too, except a
    refund of a sale whose terminal authorisation the PSP knows, which goes back to that card
    through the PSP."""
    if tender not in SETTLED_AT_ONCE:
        return False
    return not (kind == PaymentKind.REFUND and tender == Tender.STORE_CARD and provider_reference)


def request_operation(
    *,
    payment: Payment,
    kind: PaymentKind,
    amount: Decimal,
    idempotency_key: str,
    tender: Tender | None = None,
    actor: str = "",
    now: datetime | None = None,
) -> PaymentOperation:
    """Record the intent of one operation. Runs in the caller's transaction, under the lock of
    the row it pays for (the order's for a capture or a void, the payment's for a refund), so
    two intents never promise the same money. The same key again returns the first row.

    A till tender succeeds here and now. Raises PaymentFailed when the money is not there:
    capturing more than is authorised and not yet captured, or refunding more than captured."""
    now = now or clock.now()
    existing = PaymentOperation.objects.filter(idempotency_key=idempotency_key).first()
    if existing is not None:
        return existing
    # The payment's row lock: the sums and the operations in flight are read as one.
    payment = Payment.objects.select_for_update().get(pk=payment.pk)
    tender = tender or Tender(payment.method)
    till = at_the_till(kind, tender, payment.provider_reference)
    if kind == PaymentKind.CAPTURE and not till:
        room = payment.authorised_amount - payment.captured_amount - _in_flight(payment, kind)
        if amount > room:
            raise PaymentFailed(f"Only {room} of the authorisation is left to capture.")
    if kind == PaymentKind.REFUND:
        room = payment.captured_amount - payment.refunded_amount - _in_flight(payment, kind)
        if amount > room:
            raise PaymentFailed("This would refund more than was paid.")
    operation = PaymentOperation.objects.create(
        payment=payment,
        kind=kind,
        tender=tender,
        amount=amount,
        currency=payment.currency,
        status=OperationStatus.REQUESTED,
        idempotency_key=idempotency_key,
        provider_reference=payment.provider_reference,
        actor=actor,
        requested_at=now,
    )
    if till:
        _record_outcome(operation, succeeded=True, reason="", now=now)
        operation.refresh_from_db()
    return operation


def settle(operation: PaymentOperation, *, now: datetime | None = None) -> PaymentOperation:
    """Ask the PSP for a `requested` operation, outside any transaction, then record what it
    answered. No answer (a timeout) leaves it requested, for a retry with the same key."""
    if operation.status != OperationStatus.REQUESTED:
        return operation
    if _inside_a_transaction():
        # Inside a transaction a rollback would forget what the PSP did (docs/money.md).
        raise RuntimeError("A PSP is called after COMMIT, never inside a transaction.")
    payment = operation.payment
    psp = provider(payment.provider)
    kind = PaymentKind(operation.kind)
    try:
        if kind == PaymentKind.VOID:
            result = psp.void(
                provider_reference=operation.provider_reference,
                idempotency_key=operation.idempotency_key,
            )
        else:
            call = psp.capture if kind == PaymentKind.CAPTURE else psp.refund
            result = call(
                provider_reference=operation.provider_reference,
                amount=operation.amount,
                currency=operation.currency,
                idempotency_key=operation.idempotency_key,
            )
    except PspUnreachable as error:
        logger.warning("PSP did not answer %s: %s", operation.idempotency_key, error)
        return operation
    succeeded = result.status == _SUCCESS[kind]
    _record_outcome(operation, succeeded=succeeded, reason=result.reason or result.status, now=now)
    operation.refresh_from_db()
    return operation


def complete_authorisation(
    *, payment: Payment, succeeded: bool, reason: str = "", now: datetime | None = None
) -> None:
    """The PSP's webhook settled a pending authorisation (3-D Secure, a payment link): its
    `requested` row becomes succeeded (the authorised sum moves) or failed. In the caller's
    transaction, under the payment's lock."""
    now = now or clock.now()
    operation = request_operation(
        payment=payment,
        kind=PaymentKind.AUTHORISE,
        amount=payment.amount,
        idempotency_key=f"authorise:{payment.order.reference}",
        now=now,
    )
    _record_outcome(operation, succeeded=succeeded, reason=reason or "declined", now=now)


def _inside_a_transaction() -> bool:
    """In an atomic block of our own; a test case's wrapping transaction does not count."""
    blocks = transaction.get_connection().atomic_blocks
    return any(not getattr(block, "_from_testcase", False) for block in blocks)


def retry_operation(*, operation_id: int, now: datetime | None = None) -> PaymentOperation:
    """Complete an operation left `requested` (a crash or a timeout between intent and
    outcome): the PSP sees the same idempotency key, so it does the operation at most once."""
    return settle(PaymentOperation.objects.select_related("payment").get(pk=operation_id), now=now)


def _record_outcome(
    operation: PaymentOperation, *, succeeded: bool, reason: str, now: datetime | None
) -> None:
    now = now or clock.now()
    status = OperationStatus.SUCCEEDED if succeeded else OperationStatus.FAILED
    with transaction.atomic():
        answered = PaymentOperation.objects.filter(
            pk=operation.pk, status=OperationStatus.REQUESTED
        ).update(
            status=status,
            finished_at=now,
            failure_reason="" if succeeded else reason[:200],
        )
        if not answered or not succeeded:
            return  # another retry recorded it first; or a failure: the sums do not move
        if not _move_sums(operation, now):
            # The PSP did it, the database refuses it: reconcile reports the sums that differ.
            logger.error("payment %s refused %s", operation.payment_id, operation.idempotency_key)
            return
        if operation.kind == PaymentKind.CAPTURE:
            order = operation.payment.order
            record_event(
                events.PAYMENT_CAPTURED,
                aggregate=f"order:{order.pk}",
                payload={
                    "order_id": order.pk,
                    "order_reference": order.reference,
                    "customer_id": order.customer_id,
                    "amount": str(operation.amount),
                    "currency": operation.currency,
                    "tender": operation.tender,
                },
                now=now,
            )


def _plus(field: str, amount: Decimal) -> Round:
    # Rounded to the cent: SQLite adds decimals as binary floats (133.90 + 129.00 is not
    # 262.90 there); PostgreSQL's numeric is exact either way.
    return Round(F(field) + amount, 2)


def _move_sums(operation: PaymentOperation, now: datetime) -> bool:
    """ONE conditional UPDATE of the payment's sums for a succeeded operation."""
    amount = operation.amount
    payment = Payment.objects.filter(pk=operation.payment_id)
    kind = PaymentKind(operation.kind)
    if kind == PaymentKind.AUTHORISE:
        moved = (
            payment.alias(after=_plus("authorised_amount", amount))
            .filter(after__lte=F("amount"))
            .update(authorised_amount=_plus("authorised_amount", amount), updated_at=now)
        )
    elif kind == PaymentKind.CAPTURE and operation.tender in SETTLED_AT_ONCE:
        # Taken at the till: authorised and captured at once.
        moved = (
            payment.alias(after=_plus("captured_amount", amount))
            .filter(after__lte=F("amount"))
            .update(
                authorised_amount=_plus("authorised_amount", amount),
                captured_amount=_plus("captured_amount", amount),
                status=Payment.Status.CAPTURED,
                updated_at=now,
            )
        )
    elif kind == PaymentKind.CAPTURE:
        moved = (
            payment.alias(after=_plus("captured_amount", amount))
            .filter(after__lte=F("authorised_amount"))
            .update(
                captured_amount=_plus("captured_amount", amount),
                status=Payment.Status.CAPTURED,
                updated_at=now,
            )
        )
    elif kind == PaymentKind.REFUND:
        moved = (
            payment.alias(after=_plus("refunded_amount", amount))
            .filter(after__lte=F("captured_amount"))
            .update(refunded_amount=_plus("refunded_amount", amount), updated_at=now)
        )
    else:
        # What was captured stays captured; an authorisation with nothing captured is voided.
        # A payment voided already (a late authorisation voided again) stays voided.
        unpaid = [Payment.Status.AUTHORISED, Payment.Status.PENDING]
        voidable = [*unpaid, Payment.Status.CAPTURED, Payment.Status.VOIDED]
        moved = payment.filter(status__in=voidable).update(
            status=Case(
                When(status__in=unpaid, then=Value(Payment.Status.VOIDED.value)),
                default=F("status"),
            ),
            updated_at=now,
        )
        # A pending authorisation voided before the PSP confirmed it will never succeed.
        PaymentOperation.objects.filter(
            payment_id=operation.payment_id,
            kind=PaymentKind.AUTHORISE,
            status=OperationStatus.REQUESTED,
        ).update(
            status=OperationStatus.FAILED,
            finished_at=now,
            failure_reason="voided before the PSP confirmed it",
        )
    return bool(moved)
