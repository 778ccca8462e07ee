from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet, Sum

from comptoir.core import clock
from comptoir.core.reconciling import Discrepancy
from comptoir.orders.selectors import lines_with_returned_units, returnable_lines

from .domain import LineProgress, line_progress_word, order_progress_word
from .errors import ReturnNotFound
from .models import Return, ReturnLine

if TYPE_CHECKING:
    from comptoir.orders.models import Order


def return_by_reference(reference: str) -> Return:
    found = (
        Return.objects.select_related("order", "location")
        .prefetch_related("lines__order_line")
        .filter(reference=reference)
        .first()
    )
    if found is None:
        raise ReturnNotFound("No such return.")
    return found


def returns_export(customer_id: int) -> list[dict[str, Any]]:
    """The person's returns for the GDPR export: which order, where, why, what was refunded."""
    return [
        {
            "reference": record.reference,
            "order_reference": record.order.reference,
            "method": record.method,
            "location": record.location.code,
            "status": record.status,
            "refund_amount": str(record.refund_amount),
            "currency": record.currency,
            "created_at": record.created_at.isoformat(),
            "refunded_at": record.refunded_at.isoformat() if record.refunded_at else None,
            "lines": [
                {
                    "sku": line.order_line.sku,
                    "quantity": line.quantity,
                    "reason": line.reason,
                    "exchange_sku": line.exchange_sku or None,
                }
                for line in sorted(record.lines.all(), key=lambda line: line.pk)
            ],
        }
        for record in Return.objects.filter(order__customer_id=customer_id)
        .select_related("order", "location")
        .prefetch_related("lines__order_line")
        .order_by("id")
    ]


def returns_of_order(order_id: int) -> QuerySet[Return]:
    """An order's returns, oldest first, with where they were taken back."""
    return Return.objects.filter(order_id=order_id).select_related("location").order_by("pk")


REFUND_DUE_WITHIN = timedelta(minutes=10)  # a PSP answers in seconds; then it is stuck


def return_discrepancies(*, now: datetime | None = None) -> list[Discrepancy]:
    """What does not add up in returns: a line's returned units that are not the sum of its
    return lines; refunded returns worth more than their order's refunds; a refund still due
    (received, or claimed and never answered) for more than REFUND_DUE_WITHIN."""
    now = now or clock.now()
    return [
        *_returned_units_not_matching_return_lines(),
        *_refunds_not_paid_back(),
        *_refunds_still_due(now - REFUND_DUE_WITHIN),
    ]


def _returned_units_not_matching_return_lines() -> list[Discrepancy]:
    counted = {line.pk: line for line in lines_with_returned_units()}
    taken: dict[int, int] = defaultdict(int)
    received = ReturnLine.objects.exclude(return_record__status=Return.Status.ANNOUNCED)
    for line_id, quantity in received.values_list("order_line_id").annotate(n=Sum("quantity")):
        taken[line_id] = quantity
    found = []
    for line_id in sorted(set(counted) | set(taken)):
        line = counted.get(line_id)
        returned = line.returned_quantity if line else 0
        if returned != taken[line_id]:
            subject = f"order-line:{line_id}"
            if line is not None:
                subject = f"order:{line.order.reference} line {line.line_number}"
            found.append(
                Discrepancy(
                    "returned-units-match-return-lines",
                    subject,
                    f"{returned} unit(s) counted returned on the line, {taken[line_id]} in "
                    "its returns",
                )
            )
    return found


def _refunds_not_paid_back() -> list[Discrepancy]:
    rows = (
        Return.objects.filter(status=Return.Status.REFUNDED, refund_amount__gt=0)
        .values("order_id", "order__reference", "order__payment__refunded_amount")
        .annotate(refunds=Sum("refund_amount"))
        .order_by("order_id")
    )
    return [
        Discrepancy(
            "refunded-returns-paid-back",
            f"order:{row['order__reference']}",
            f"returns refunded {row['refunds']:.2f}, the payment refunded {paid:.2f}",
        )
        for row in rows
        if (paid := row["order__payment__refunded_amount"] or Decimal("0")) < row["refunds"]
    ]


def _refunds_still_due(before: datetime) -> list[Discrepancy]:
    due = Return.objects.filter(
        status=Return.Status.RECEIVED, created_at__lt=before
    ) | Return.objects.filter(status=Return.Status.REFUNDING, refund_claimed_at__lt=before)
    return [
        Discrepancy(
            "refund-due",
            f"return:{record.reference}",
            f"{record.refund_amount} {record.currency} to refund, {record.status} since "
            f"{(record.refund_claimed_at or record.created_at).isoformat()}",
        )
        for record in due.order_by("pk")
    ]


@dataclass(frozen=True)
class OrderProgress:
    """An order's status and its lines' statuses as the shopper reads them (derived), and
    how many of its units the shopper may still send back."""

    status: str
    line_statuses: dict[int, str]  # by line number
    units_to_return: int


def order_progress(order: Order) -> OrderProgress:
    """What the shopper's order page says of the order and each line: see
    `domain.order_progress_word`. Four queries."""
    lines = {line.line_number: line for line in order.lines.all()}
    progress = {
        number: LineProgress(line.status, line.quantity, line.returned_quantity)
        for number, line in lines.items()
    }
    returns = Return.objects.filter(order_id=order.pk)
    refunds_pending = returns.filter(
        status__in=[Return.Status.RECEIVED, Return.Status.REFUNDING]
    ).exists()
    units_to_return = sum(units_left_to_return(order.pk).values())
    return OrderProgress(
        status=order_progress_word(
            order.status, progress.values(), refunds_pending=refunds_pending
        ),
        line_statuses={number: line_progress_word(line) for number, line in progress.items()},
        units_to_return=units_to_return,
    )


def units_left_to_return(order_id: int) -> dict[int, int]:
    """Units of each line that reached the customer (by line number) the shopper may still
    send back: neither returned nor announced already. Lines with none left are left out."""
    announced = units_announced(order_id)
    left = {
        number: line.quantity - line.returned_quantity - announced.get(number, 0)
        for number, line in returnable_lines(order_id).items()
    }
    return {number: units for number, units in left.items() if units > 0}


def units_announced(order_id: int) -> dict[int, int]:
    """Units of each line (by line number) in the order's announced returns: on their way
    back, not yet received."""
    rows = (
        ReturnLine.objects.filter(
            return_record__order_id=order_id, return_record__status=Return.Status.ANNOUNCED
        )
        .values_list("order_line__line_number")
        .annotate(n=Sum("quantity"))
    )
    return dict(rows)


def return_reasons() -> list[str]:
    """Why a unit may come back, in the model's order (the pages translate each once)."""
    return list(ReturnLine.Reason.values)


def open_returns_of_customer(*, customer_id: int, limit: int = 10) -> list[Return]:
    """The person's returns not refunded yet (announced, received, being refunded), newest
    first, with their order: what the associate can follow up at the counter."""
    return list(
        Return.objects.filter(order__customer_id=customer_id)
        .exclude(status=Return.Status.REFUNDED)
        .select_related("order", "location")
        .order_by("-created_at", "-pk")[:limit]
    )
