"""The store's card terminal, asked for a till sale's card part (ADR 0041).

Each request is a `TerminalRequest` row committed BEFORE the terminal is asked, under a
reference the PSP answers once (`domain.terminal_reference`): a timeout then the same ticket
asks again under the same reference, so the card is held once; a definite decline makes the
next try a new attempt. A hold no sale claims is voided; a void the PSP refuses is recorded
`void_failed`, said plainly, and listed by reconcile (`selectors.terminal_discrepancies`).
"""

from __future__ import annotations

import logging
from datetime import datetime
from decimal import Decimal

from django.db import IntegrityError, transaction

from comptoir.core import clock
from comptoir.core.errors import DomainError

from ..domain import TERMINAL_OPEN, TerminalStatus, terminal_reference
from ..errors import (
    InvalidOrder,
    PaymentDeclined,
    TerminalCancelled,
    TerminalHoldLeftOpen,
    TerminalNotAnswered,
)
from ..models import TerminalRequest
from ..payments import provider
from ..payments.adapter import PspResult, PspStatus, PspUnreachable

logger = logging.getLogger(__name__)


def ask_terminal(
    *,
    store_id: int,
    ticket: str,
    amount: Decimal,
    currency: str,
    card_token: str,
    actor: str,
    now: datetime,
) -> TerminalRequest | None:
    """The card part on the store's terminal (the PSP), before the sale is written: its
    request, authorised, or None when there is no card part. The request is recorded (and
    committed) before the terminal is asked; a request of this ticket still open (a timeout,
    a sale that could not be written) is asked again under its reference, so the card is
    held once."""
    if amount <= 0:
        return None
    if not provider().has_card_terminal:
        # A terminal's payment is taken at once; an online PSP only holds it until a capture
        # this sale never sends (Stripe would let it lapse): refuse rather than lose it.
        raise InvalidOrder(
            "No card terminal is connected to this shop's payment provider: take cash, or "
            "send the customer a payment link.",
            errors=[{"field": "card", "message": "no card terminal connected"}],
        )
    if not card_token:
        raise InvalidOrder(
            "A card part needs the card terminal.",
            errors=[{"field": "card_token", "message": "the terminal's card token"}],
        )
    request = _terminal_request(store_id, ticket, amount, currency, card_token, actor, now)
    if request.status in {TerminalStatus.AUTHORISED, TerminalStatus.SOLD}:
        return request  # approved before: the same hold pays it (or paid it: a replay)
    result = _authorise(request, card_token)
    _record_answer(request, result)
    if result.status == PspStatus.AUTHORISED:
        return request
    if result.status == PspStatus.DECLINED and result.reason == "cancelled":
        raise TerminalCancelled("The payment was cancelled on the card terminal.")
    if result.status != PspStatus.DECLINED:  # pending, or what a terminal should not answer
        void_terminal(request, "pending")
    raise PaymentDeclined(f"The card was declined: {result.reason or result.status}.")


def _record_answer(request: TerminalRequest, result: PspResult) -> None:
    """What the terminal answered: approved (anything but a decline may hold the card), or
    declined (nothing held)."""
    if result.status == PspStatus.DECLINED:
        _record_terminal(request, TerminalStatus.DECLINED, result.provider_reference, result.reason)
    else:
        _record_terminal(request, TerminalStatus.AUTHORISED, result.provider_reference)


def _authorise(request: TerminalRequest, card_token: str) -> PspResult:
    try:
        return provider().authorise(
            amount=request.amount,
            currency=request.currency,
            card_token=card_token,
            reference=request.reference,
        )
    except PspUnreachable:
        # Stays `asked`: the card may be held. The same ticket again asks under the same
        # reference (the PSP answers what it did); reconcile lists it if nobody does.
        raise TerminalNotAnswered(
            "The card terminal did not answer: nothing was sold; try the card again on this "
            "ticket (it will not be charged twice)."
        ) from None


def _terminal_request(
    store_id: int,
    ticket: str,
    amount: Decimal,
    currency: str,
    card_token: str,
    actor: str,
    now: datetime,
) -> TerminalRequest:
    """This ticket's open request for `amount`, or a new attempt (committed before the
    terminal is asked). An open request for another amount (the basket changed after a
    timeout) is settled first: asked again under its reference, then voided."""
    last = _last_request(store_id, ticket)
    if last is not None and last.status == TerminalStatus.SOLD:
        return last  # sold by another tap meanwhile (committed with its order)
    if last is not None and last.status in TERMINAL_OPEN:
        if last.amount == amount and last.currency == currency:
            return last
        if last.status == TerminalStatus.ASKED:
            _record_answer(last, _authorise(last, card_token))
        if last.status == TerminalStatus.AUTHORISED and not void_terminal(last, "replaced"):
            raise TerminalHoldLeftOpen(
                f"The card terminal still holds {last.amount} {last.currency} of this ticket "
                "and did not cancel it: cancel it on the terminal, then sell on a new ticket."
            )
    attempt = (last.attempt + 1) if last is not None else 1
    try:
        with transaction.atomic():
            return TerminalRequest.objects.create(
                location_id=store_id,
                ticket=ticket,
                attempt=attempt,
                reference=terminal_reference(ticket, attempt),
                amount=amount,
                currency=currency,
                status=TerminalStatus.ASKED,
                actor=actor,
                asked_at=now,
                updated_at=now,
            )
    except IntegrityError:
        # Another tap of the same ticket recorded this attempt a moment ago: ask as it does.
        same = _last_request(store_id, ticket)
        if same is None or same.attempt != attempt:
            raise
        return same


def _last_request(store_id: int, ticket: str) -> TerminalRequest | None:
    return (
        TerminalRequest.objects.filter(location_id=store_id, ticket=ticket)
        .order_by("-attempt")
        .first()
    )


def _record_terminal(
    request: TerminalRequest, status: TerminalStatus, provider_reference: str, reason: str = ""
) -> None:
    request.status = status
    request.provider_reference = provider_reference or request.provider_reference
    request.failure_reason = reason[:200]
    request.updated_at = clock.now()
    request.save(update_fields=["status", "provider_reference", "failure_reason", "updated_at"])


def mark_sold(request: TerminalRequest | None, *, now: datetime) -> None:
    """The hold paid what was written: called in the transaction that writes it, so the
    request and the ledger's rows commit together (reconcile then owes it nothing)."""
    if request is not None:
        TerminalRequest.objects.filter(pk=request.pk).update(
            status=TerminalStatus.SOLD, updated_at=now
        )


def void_terminal(request: TerminalRequest | None, why: str) -> bool:
    """Give the terminal's hold back, since no sale claims it; whether it was. A void the PSP
    refuses or does not answer is recorded `void_failed` (reconcile lists it), never raised:
    the caller says what happened in plain words."""
    if request is None or not request.provider_reference:
        return True
    try:
        result = provider().void(
            provider_reference=request.provider_reference,
            idempotency_key=f"void:{why}:{request.reference}",
        )
    except PspUnreachable:
        result = PspResult(PspStatus.FAILED, request.provider_reference, "no answer")
    if result.status == PspStatus.VOIDED:
        _record_terminal(request, TerminalStatus.VOIDED, "")
        return True
    logger.error("terminal hold %s left open: %s", request.reference, result.reason)
    _record_terminal(request, TerminalStatus.VOID_FAILED, "", result.reason or result.status)
    return False


def void_or_raise(request: TerminalRequest | None, error: BaseException) -> None:
    """The sale was not written: give the hold back, or say plainly that the card is still
    held (instead of the error that stopped the sale, which is chained)."""
    if not void_terminal(request, "unsold") and request is not None:
        said = str(error) if isinstance(error, DomainError) else "the sale could not be written"
        raise TerminalHoldLeftOpen(
            f"Nothing was sold ({said.rstrip('.')}), but the card terminal did not cancel the "
            f"payment of {request.amount} {request.currency}: cancel it on the terminal. It "
            "is listed for the store until it is."
        ) from error
