from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from .errors import ReturnNotFound
from .models import Return


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
