"""An order's part in a person's lifecycle: profiles merged into one, a profile erased.

Orders are kept for the accounts (a legal duty), so erasure removes what identifies the
person on them (the delivery address, the pickup code) and keeps amounts and SKUs.
"""

from __future__ import annotations

from django.db import transaction

from ..models import Order


def move_orders_to_survivor(*, survivor_id: int, merged_id: int) -> int:
    """The merged profile's orders now belong to the surviving one. Idempotent."""
    return Order.objects.filter(customer_id=merged_id).update(customer_id=survivor_id)


def forget_orders_of(*, customer_id: int) -> int:
    """Blank the personal data on an erased customer's orders. Idempotent."""
    with transaction.atomic():
        return Order.objects.filter(customer_id=customer_id).update(
            delivery_address={}, pickup_code=""
        )
