"""Returns and exchanges: any order, from any channel, back in any store or by post.

A return is recorded with its restock in one transaction (`return.received`): each unit goes
back on sale at the receiving location, or is recorded there as unsellable. An exchange
gives the customer another size or colour of the same product from that store's free
stock. Then the refund goes to the original payment through the PSP adapter, and
`refund.issued` is recorded. A refund the PSP refuses leaves the return "received", to retry.
"""

from __future__ import annotations

import secrets
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import Sum

from comptoir.catalog.errors import VariantNotFound
from comptoir.catalog.selectors import price_for, variant_by_sku
from comptoir.core import clock
from comptoir.core.errors import DomainError
from comptoir.core.outbox import record_event
from comptoir.inventory.services.levels import LevelChange, write_movement
from comptoir.inventory.services.stock import receive_stock
from comptoir.inventory.services.till import TillLine, sell_at_till

if TYPE_CHECKING:
    from comptoir.orders.models import OrderLine
from comptoir.orders.selectors import order_by_id, returnable_lines
from comptoir.orders.services.lifecycle import refund_payment
from comptoir.orders.services.placing import order_keys

from . import events
from .errors import InvalidReturn
from .models import Return, ReturnLine

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


def _returnable(order_id: int) -> tuple[dict[int, OrderLine], dict[int, int]]:
    lines = returnable_lines(order_id)
    already = defaultdict(
        int,
        ReturnLine.objects.filter(order_line__order_id=order_id)
        .values("order_line__line_number")
        .annotate(returned=Sum("quantity"))
        .values_list("order_line__line_number", "returned"),
    )
    return lines, already


def _check(
    requests: list[ReturnLineRequest],
    lines: dict[int, OrderLine],
    already: dict[int, int],
    *,
    location_id: int,
) -> dict[int, int]:
    """Each line's exchange variant id (if any); raise on anything not returnable."""
    if not requests:
        raise _invalid("a return has at least one line", "lines")
    exchanges: dict[int, int] = {}
    for index, request in enumerate(requests):
        line = lines.get(request.line_number)
        if line is None:
            raise _invalid("not a delivered or collected line of this order", f"lines[{index}]")
        if request.quantity + already[request.line_number] > line.quantity:
            left = line.quantity - already[request.line_number]
            raise _invalid(f"at most {left} left to return", f"lines[{index}].quantity")
        if request.reason not in ReturnLine.Reason.values:
            raise _invalid(
                f"one of {', '.join(ReturnLine.Reason.values)}", f"lines[{index}].reason"
            )
        if request.exchange_sku:
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
    refund the rest to the original payment."""
    now = now or clock.now()
    if method not in Return.Method.values:
        raise _invalid("store or post", "method")
    order = order_by_id(order_id)
    with transaction.atomic():
        returnable, already = _returnable(order_id)
        exchanges = _check(lines, returnable, already, location_id=location_id)
        refund = sum(
            (
                returnable[r.line_number].unit_price * r.quantity
                for i, r in enumerate(lines)
                if i not in exchanges
            ),
            Decimal("0"),
        )
        record = Return.objects.create(
            reference="RT-" + secrets.token_hex(4).upper(),
            order_id=order_id,
            method=method,
            location_id=location_id,
            status=Return.Status.RECEIVED if refund else Return.Status.REFUNDED,
            refund_amount=refund,
            currency=order.currency,
            created_by=actor,
            created_at=now,
        )
        ReturnLine.objects.bulk_create(
            [
                ReturnLine(
                    return_record=record,
                    order_line=returnable[r.line_number],
                    quantity=r.quantity,
                    reason=r.reason,
                    sellable=r.sellable,
                    exchange_sku=r.exchange_sku,
                )
                for r in lines
            ]
        )
        for index, request in enumerate(lines):
            line = returnable[request.line_number]
            _restock(
                line,
                request,
                location_id=location_id,
                reference=record.reference,
                actor=actor,
                now=now,
            )
            if index in exchanges:
                sell_at_till(
                    location_id=location_id,
                    lines=[TillLine(exchanges[index], request.exchange_sku, request.quantity)],
                    ticket=record.reference,
                    actor=actor,
                    now=now,
                )
        record_event(
            events.RETURN_RECEIVED,
            aggregate=f"order:{order_id}",
            payload={
                **order_keys(order),
                "return_id": record.pk,
                "location_id": location_id,
                "method": method,
                "lines": [
                    {
                        "sku": returnable[r.line_number].sku,
                        "quantity": r.quantity,
                        "reason": r.reason,
                        "sellable": r.sellable,
                        "exchange_sku": r.exchange_sku or None,
                    }
                    for r in lines
                ],
            },
            now=now,
        )
    if refund:
        issue_refund(return_id=record.pk, now=now)
        record.refresh_from_db()
    return record


def issue_refund(*, return_id: int, now: datetime | None = None) -> Return:
    """Refund a received return to its order's payment, once (a second call does nothing)."""
    now = now or clock.now()
    record = Return.objects.get(pk=return_id)
    if record.status == Return.Status.REFUNDED:
        return record
    refund_payment(order_id=record.order_id, amount=record.refund_amount, now=now)
    with transaction.atomic():
        if not Return.objects.filter(pk=return_id, status=Return.Status.RECEIVED).update(
            status=Return.Status.REFUNDED, refunded_at=now
        ):
            return record
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
