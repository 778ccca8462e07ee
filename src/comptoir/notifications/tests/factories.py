"""Builders for notification tests: the events that make messages."""

from __future__ import annotations

from django.db import transaction

from comptoir.core.outbox import record_event
from comptoir.customers.models import Customer
from comptoir.locations.tests.factories import make_store


def ready_for_pickup(customer: Customer, order_id: int = 8) -> None:
    """`order.ready_for_pickup` for the customer's order at Part-Dieu, code K7Q2. Its commit
    wakes the in-process worker (the test queue is immediate)."""
    store = make_store("lyon-part-dieu")
    with transaction.atomic():
        record_event(
            "order.ready_for_pickup",
            aggregate=f"order:{order_id}",
            payload={
                "order_id": order_id,
                "order_reference": f"WEB-{order_id}",
                "customer_id": customer.pk,
                "location_id": store.pk,
                "pickup_code": "K7Q2",
                "collect_by": "2026-03-13T18:00:00+00:00",
            },
        )
