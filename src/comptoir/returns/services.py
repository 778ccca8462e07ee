"""Returns and exchanges: any order, from any channel, back in any store or by post.

A return is recorded with its restock in one transaction (`return.received`), under the
order's row lock: only units of lines that reached the customer (delivered or collected) and
not yet returned come back, and the count of returned units on each line is one conditional
UPDATE, so the database refuses a unit returned twice even outside the lock. Each unit goes
back on sale at the receiving location, or is recorded there as unsellable. An exchange gives
the customer another size or colour of the same product from that store's free stock.

The refund, worked out from the received lines under the lock, goes to the original payment
after that transaction commits: claimed (received → refunding), asked of the PSP outside any
transaction, then recorded (`refund.issued`). A refund the PSP refuses leaves the return
"received", to retry; a retry refunds once. The moves are `domain.RETURN_TRANSITIONS`.
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import transaction

from comptoir.catalog.errors import VariantNotFound
from comptoir.catalog.selectors import price_for, variant_by_sku
from comptoir.core import clock
from comptoir.core.errors import DomainError
from comptoir.core.outbox import record_event
from comptoir.inventory.services.levels import LevelChange, write_movement
from comptoir.inventory.services.stock import receive_stock
from comptoir.inventory.services.till import TillLine, sell_at_till
from comptoir.orders.errors import PaymentNotAnswered
from comptoir.orders.selectors import order_by_id, refund_asked, returnable_lines
from comptoir.orders.services.lifecycle import locked_order, refund_payment
from comptoir.orders.services.lines import record_units_returned
from comptoir.orders.services.placing import order_keys

from . import events
from .domain import (
    ReceivedLine,
    ReturnedUnits,
    ReturnStatus,
    check_return_transition,
    refund_due,
    status_on_receipt,
    units_refused,
)
from .errors import InvalidReturn, ReturnNotFound, UnitsAlreadyReturned
from .models import Return, ReturnLine
from .selectors import units_announced

if TYPE_CHECKING:
    from comptoir.orders.models import Order, OrderLine

logger = logging.getLogger(__name__)

RETURN_MOVEMENT = "return"  # inventory's StockMovement.Kind.RETURN


@dataclass(frozen=True)
class ReturnLineRequest:
    line_number: int
    quantity: int
    reason: str
    sellable: bool = True
    exchange_sku: str = ""


def _invalid(message: str, field: str) -> InvalidReturn:
    return InvalidReturn(message, errors=[{"field": field, "message": message}])


def _check_form(method: str, requests: list[ReturnLineRequest]) -> None:
    """What can be refused without reading the order: the method, the lines' shape."""
    if method not in Return.Method.values:
        raise _invalid("store or post", "method")
    if not requests:
        raise _invalid("a return has at least one line", "lines")
    for index, request in enumerate(requests):
        if request.quantity < 1:
            raise _invalid("at least 1", f"lines[{index}].quantity")
        if request.reason not in ReturnLine.Reason.values:
            raise _invalid(
                f"one of {', '.join(ReturnLine.Reason.values)}", f"lines[{index}].reason"
            )


def _check_units(
    requests: list[ReturnLineRequest],
    lines: dict[int, OrderLine],
    announced: dict[int, int] | None = None,
) -> None:
    """Only units of lines that reached the customer and are not yet returned (read under
    the order's lock); for an announcement, nor already announced."""
    received = _received(lines, announced)
    refused = units_refused(
        [ReturnedUnits(r.line_number, r.quantity, refunded=True) for r in requests], received
    )
    if refused:
        index, why = refused[0]
        field = f"lines[{index}].quantity" if why.startswith("at most") else f"lines[{index}]"
        raise _invalid(why, field)


def _received(
    lines: dict[int, OrderLine], announced: dict[int, int] | None = None
) -> dict[int, ReceivedLine]:
    """The lines as the return rules see them; units already announced count as gone."""
    announced = announced or {}
    return {
        number: ReceivedLine(
            number,
            line.quantity,
            line.returned_quantity + announced.get(number, 0),
            line.unit_price,
        )
        for number, line in lines.items()
    }


def _exchanges(
    requests: list[ReturnLineRequest], lines: dict[int, OrderLine], *, location_id: int
) -> dict[int, int]:
    """Each exchanged line's new variant id, by index; raise on an exchange not allowed."""
    exchanges: dict[int, int] = {}
    for index, request in enumerate(requests):
        if not request.exchange_sku:
            continue
        line = lines[request.line_number]
        try:
            wanted = variant_by_sku(request.exchange_sku)
            original = variant_by_sku(line.sku)
        except VariantNotFound:
            raise _invalid("unknown SKU", f"lines[{index}].exchange_sku") from None
        if wanted.product_id != original.product_id or wanted.pk == original.pk:
            raise _invalid(
                "an exchange is another size or colour of the same product",
                f"lines[{index}].exchange_sku",
            )
        try:
            price = price_for(sku=wanted.sku, channel="store", location_id=location_id)
        except DomainError:
            price = None
        if price is None or price.amount != line.unit_price:
            # A different price is a return and a new sale, each with its own payment.
            raise _invalid(
                "an exchange is for the same price; return it and buy the other one",
                f"lines[{index}].exchange_sku",
            )
        exchanges[index] = wanted.pk
    return exchanges


def _restock(
    line: OrderLine,
    request: ReturnLineRequest,
    *,
    location_id: int,
    reference: str,
    actor: str,
    now: datetime,
) -> None:
    if request.sellable:
        receive_stock(
            variant_id=line.variant_id,
            location_id=location_id,
            sku=line.sku,
            quantity=request.quantity,
            kind=RETURN_MOVEMENT,
            reference=reference,
            actor=actor,
            now=now,
        )
        return
    # Back in the building but not for sale (damaged): on the ledger, not on the shelf.
    write_movement(
        LevelChange(line.variant_id, location_id, line.sku),
        kind=RETURN_MOVEMENT,
        now=now,
        reference=reference,
        reason=f"unsellable: {request.reason}, {request.quantity} unit(s)",
        actor=actor,
    )


def receive_return(
    *,
    order_id: int,
    location_id: int,
    method: str,
    lines: list[ReturnLineRequest],
    actor: str = "",
    now: datetime | None = None,
) -> Return:
    """Take units of a collected or delivered order back, restock them, give exchanges, and
    refund the rest to the original payment. Two returns of the same units at once: one
    takes them, the other is refused (422 under the lock; 409 if the database refuses)."""
    now = now or clock.now()
    _check_form(method, lines)
    with transaction.atomic():
        record = record_received(
            order_id=order_id,
            location_id=location_id,
            method=method,
            lines=lines,
            actor=actor,
            now=now,
        )
    if record.status == Return.Status.RECEIVED:
        record = refund_after_receipt(record, now=now)
    return record


def record_received(
    *,
    order_id: int,
    location_id: int,
    method: str,
    lines: list[ReturnLineRequest],
    credit: Decimal = Decimal("0"),
    actor: str,
    now: datetime,
) -> Return:
    """Inside the caller's transaction, under the order's lock: the return, its units counted
    back and restocked, its exchanges given, `return.received`. The refund left to pay is what
    the units returned are worth less `credit`, the part an exchange at the till spends on
    what replaces them (ADR 0042); the caller refunds it after COMMIT."""
    _check_form(method, lines)
    order = locked_order(order_id)
    received = returnable_lines(order_id)
    _check_units(lines, received)
    exchanges = _exchanges(lines, received, location_id=location_id)
    wanted = [
        ReturnedUnits(r.line_number, r.quantity, refunded=i not in exchanges)
        for i, r in enumerate(lines)
    ]
    refund = refund_due(wanted, _received(received)) - credit
    if refund < 0:
        raise _invalid("the credit is more than the units returned are worth", "lines")
    record = Return.objects.create(
        reference="RT-" + secrets.token_hex(4).upper(),
        order_id=order_id,
        method=method,
        location_id=location_id,
        status=status_on_receipt(refund).value,
        refund_amount=refund,
        currency=order.currency,
        created_by=actor,
        created_at=now,
    )
    ReturnLine.objects.bulk_create(
        [
            ReturnLine(
                return_record=record,
                order_line=received[r.line_number],
                quantity=r.quantity,
                reason=r.reason,
                sellable=r.sellable,
                exchange_sku=r.exchange_sku,
            )
            for r in lines
        ]
    )
    _count_units_back(order_id, lines)
    _restock_and_exchange(lines, received, exchanges, record, actor=actor, now=now)
    record_event(
        events.RETURN_RECEIVED,
        aggregate=f"order:{order_id}",
        payload=_received_payload(order, record, lines, received),
        now=now,
    )
    return record


def _count_units_back(order_id: int, lines: list[ReturnLineRequest]) -> None:
    quantities: dict[int, int] = {}
    for request in lines:
        quantities[request.line_number] = quantities.get(request.line_number, 0) + request.quantity
    refused = record_units_returned(order_id=order_id, quantities=quantities)
    if refused:  # the lock was bypassed or not held: the database said no all the same
        raise UnitsAlreadyReturned(
            "These units were returned already.",
            errors=[{"field": "lines", "message": f"already returned: lines {refused}"}],
        )


def _restock_and_exchange(
    lines: list[ReturnLineRequest],
    received: dict[int, OrderLine],
    exchanges: dict[int, int],
    record: Return,
    *,
    actor: str,
    now: datetime,
) -> None:
    for index, request in enumerate(lines):
        _restock(
            received[request.line_number],
            request,
            location_id=record.location_id,
            reference=record.reference,
            actor=actor,
            now=now,
        )
        if index in exchanges:
            sell_at_till(
                location_id=record.location_id,
                lines=[TillLine(exchanges[index], request.exchange_sku, request.quantity)],
                ticket=record.reference,
                actor=actor,
                now=now,
            )


def _received_payload(
    order: Order, record: Return, lines: list[ReturnLineRequest], received: dict[int, OrderLine]
) -> dict[str, Any]:
    return {
        **order_keys(order),
        "return_id": record.pk,
        "location_id": record.location_id,
        "method": record.method,
        "lines": [
            {
                "sku": received[r.line_number].sku,
                "quantity": r.quantity,
                "reason": r.reason,
                "sellable": r.sellable,
                "exchange_sku": r.exchange_sku or None,
            }
            for r in lines
        ],
    }


def refund_after_receipt(record: Return, *, now: datetime) -> Return:
    """The units are back whatever the PSP says: a refused refund leaves the return received,
    for a retry (`issue_refund`), and `comptoir reconcile` lists it until then."""
    try:
        return issue_refund(return_id=record.pk, now=now)
    except DomainError as error:
        logger.warning("refund of return %s not issued: %s", record.reference, error)
    except Exception:  # the return is recorded either way; its refund is retried
        logger.exception("refund of return %s not issued", record.reference)
    record.refresh_from_db()
    return record


def _move(return_id: int, current: ReturnStatus, target: ReturnStatus, **fields: Any) -> bool:
    """One conditional UPDATE: the return moves only if it is still in `current`."""
    check_return_transition(current, target)
    return bool(Return.objects.filter(pk=return_id, status=current).update(status=target, **fields))


def issue_refund(*, return_id: int, now: datetime | None = None) -> Return:
    """Refund a received return's amount to its order's payment, once.

    The refund is claimed first (received → refunding, committed), so a concurrent call asks
    the PSP nothing; the PSP is asked outside any transaction, with a key of that claim; then
    the return is refunded with `refund.issued`. A refusal (the PSP said no) puts it back to
    received and is raised: the next claim is a new attempt with a key of its own. No answer
    leaves it refunding: the PSP may have refunded, so only the same key may ask again, which
    a call after RESUME_AFTER does (reconcile lists it meanwhile)."""
    now = now or clock.now()
    with transaction.atomic():
        claimed = _move(
            return_id, ReturnStatus.RECEIVED, ReturnStatus.REFUNDING, refund_claimed_at=now
        )
    record = Return.objects.filter(pk=return_id).first()
    if record is None:
        raise ReturnNotFound("No such return.")
    if not claimed and not _claim_to_resume(record, now=now):
        return record
    key = f"refund:return:{record.pk}:{record.refund_claimed_at:%Y%m%dT%H%M%S.%f}"
    try:
        refund_payment(
            order_id=record.order_id, amount=record.refund_amount, now=now, idempotency_key=key
        )
    except PaymentNotAnswered:
        raise  # stays refunding, for the same key again
    except DomainError:
        _move(return_id, ReturnStatus.REFUNDING, ReturnStatus.RECEIVED)
        raise
    except Exception:
        # A database error before the PSP was asked: nothing was refunded under this key.
        if not refund_asked(idempotency_key=key):
            _move(return_id, ReturnStatus.REFUNDING, ReturnStatus.RECEIVED)
        raise
    with transaction.atomic():
        if _move(return_id, ReturnStatus.REFUNDING, ReturnStatus.REFUNDED, refunded_at=now):
            order = order_by_id(record.order_id)
            record_event(
                events.REFUND_ISSUED,
                aggregate=f"order:{order.pk}",
                payload={
                    **order_keys(order),
                    "return_id": record.pk,
                    "amount": str(record.refund_amount),
                    "currency": record.currency,
                },
                now=now,
            )
    record.refresh_from_db()
    return record


# A claim unanswered this long is asked again, with its own key: the caller who made it is
# gone (a crash, a timeout). Before that, it may still be waiting for the PSP's answer.
RESUME_AFTER = timedelta(minutes=5)


def _claim_to_resume(record: Return, *, now: datetime) -> bool:
    return (
        record.status == ReturnStatus.REFUNDING
        and record.refund_claimed_at is not None
        and record.refund_claimed_at <= now - RESUME_AFTER
    )


@dataclass(frozen=True)
class ReturnLabel:
    """A prepaid label a carrier's adapter made for a return by post."""

    carrier: str
    tracking_number: str
    label: str


def announce_return(
    *,
    order_id: int,
    location_id: int,
    method: str,
    lines: list[ReturnLineRequest],
    label: ReturnLabel | None = None,
    actor: str = "",
    now: datetime | None = None,
) -> Return:
    """The shopper says which units of a delivered or collected order come back, and where
    (a store, or by post with `label`). Nothing is restocked or refunded yet: that is the
    receipt's. The same rules as a receipt apply, under the order's lock, and units already
    announced cannot be announced again."""
    now = now or clock.now()
    _check_form(method, lines)
    if method == Return.Method.POST and label is None:
        raise _invalid("a return by post needs its label", "method")
    with transaction.atomic():
        order = locked_order(order_id)
        received = returnable_lines(order_id)
        _check_units(lines, received, units_announced(order_id))
        wanted = [ReturnedUnits(r.line_number, r.quantity, refunded=True) for r in lines]
        record = Return.objects.create(
            reference="RT-" + secrets.token_hex(4).upper(),
            order_id=order_id,
            method=method,
            location_id=location_id,
            status=ReturnStatus.ANNOUNCED.value,
            refund_amount=refund_due(wanted, _received(received)),
            currency=order.currency,
            created_by=actor,
            created_at=now,
            label_carrier=label.carrier if label else "",
            label_tracking_number=label.tracking_number if label else "",
            label=label.label if label else "",
        )
        ReturnLine.objects.bulk_create(
            [
                ReturnLine(
                    return_record=record,
                    order_line=received[r.line_number],
                    quantity=r.quantity,
                    reason=r.reason,
                    sellable=True,
                )
                for r in lines
            ]
        )
    return record
