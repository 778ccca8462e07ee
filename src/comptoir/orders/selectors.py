"""Reads of orders, shaped for the API, the store tasks and the returns."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import Count, Q, QuerySet

from comptoir.core.access import Actor, authorize
from comptoir.core.errors import NotAuthenticated

from .domain import AT_THE_PICKUP_STORE, RETURNABLE_LINES, LineStatus
from .errors import OrderNotFound
from .models import Order, OrderLine, Payment


def order_by_reference(reference: str) -> Order:
    order = (
        Order.objects.select_related("payment", "pickup_location", "ordered_at_location")
        .prefetch_related("lines")
        .filter(reference=reference)
        .first()
    )
    if order is None:
        raise OrderNotFound("No such order.")
    return order


def order_by_id(order_id: int) -> Order:
    order = Order.objects.select_related("payment").filter(pk=order_id).first()
    if order is None:
        raise OrderNotFound("No such order.")
    return order


def access_order(actor: Actor, reference: str, *, permission: str = "orders.read") -> Order:
    """The one way any caller reaches an order. A shopper sees only theirs: another's order, or
    one that does not exist, is the same 404."""
    if not actor.is_authenticated:
        raise NotAuthenticated("Sign in or send an API token to use this.")
    order = (
        Order.objects.select_related("payment", "pickup_location", "ordered_at_location")
        .filter(reference=reference)
        .first()
    )
    is_theirs = (
        order is not None
        and actor.customer_id is not None
        and (order.customer_id == actor.customer_id)
    )
    if order is None or (not actor.is_staff_member and not is_theirs):
        raise OrderNotFound("No such order.")
    authorize(actor, permission, customer_id=order.customer_id)
    return order


def orders_of_customer(customer_id: int) -> QuerySet[Order]:
    return (
        Order.objects.filter(customer_id=customer_id)
        .select_related("payment", "pickup_location", "ordered_at_location")
        .prefetch_related("lines")
        .order_by("-created_at", "-id")
    )


def open_orders_of_customer(customer_id: int) -> QuerySet[Order]:
    """Orders still under way: awaiting payment, placed, ready for pickup, or on their way to
    the store they will be collected in. A parcel gone home is shipping's to follow."""
    under_way = Q(status__in=["awaiting_payment", "placed", "ready_for_pickup"]) | Q(
        status="dispatched", pickup_location__isnull=False
    )
    return orders_of_customer(customer_id).filter(under_way)


def open_lines(order_id: int, *, location_id: int | None = None) -> list[OrderLine]:
    lines = OrderLine.objects.filter(order_id=order_id, status=OrderLine.Status.OPEN)
    if location_id is not None:
        lines = lines.filter(location_id=location_id)
    return list(lines.order_by("line_number"))


def payment_by_provider_reference(provider: str, reference: str) -> Payment | None:
    return (
        Payment.objects.select_related("order")
        .filter(provider=provider, provider_reference=reference)
        .first()
    )


def returnable_lines(order_id: int) -> dict[int, OrderLine]:
    """The lines that reached the customer (collected, or delivered by the carrier), by line
    number; `quantity - returned_quantity` of each is left to return. Read under the order's
    lock when a return is recorded against them."""
    return {
        line.line_number: line
        for line in OrderLine.objects.filter(
            order_id=order_id, status__in=sorted(RETURNABLE_LINES)
        ).order_by("line_number")
    }


def lines_with_returned_units() -> QuerySet[OrderLine]:
    """Every line with units taken back, with its order (reconciling returns)."""
    return OrderLine.objects.filter(returned_quantity__gt=0).select_related("order").order_by("pk")


def lines_not_at_pickup_store(order_id: int, *, pickup_location_id: int) -> list[OrderLine]:
    """The order's lines whose units are not yet at its pickup store: neither held on that
    store's shelf nor in a parcel that arrived there (`domain.AT_THE_PICKUP_STORE`). An
    order is ready for pickup only when this is empty; cancelled lines do not count."""
    return [
        line
        for line in OrderLine.objects.filter(order_id=order_id)
        .exclude(status=LineStatus.CANCELLED)
        .order_by("line_number")
        if not (
            line.status in AT_THE_PICKUP_STORE
            and (line.status != LineStatus.OPEN or line.location_id == pickup_location_id)
        )
    ]


def orders_export(customer_id: int) -> list[dict[str, Any]]:
    """The person's orders for the GDPR export: what, where, how much, and to which address."""
    return [
        {
            "reference": order.reference,
            "channel": order.channel,
            "fulfilment_mode": order.fulfilment_mode,
            "status": order.status,
            "total": str(order.total),
            "delivery_fee": str(order.delivery_fee),
            "currency": order.currency,
            "delivery_address": order.delivery_address,
            "created_at": order.created_at.isoformat(),
            "lines": [
                {"sku": line.sku, "quantity": line.quantity, "unit_price": str(line.unit_price)}
                for line in sorted(order.lines.all(), key=lambda line: line.line_number)
            ],
        }
        for order in orders_of_customer(customer_id).order_by("id")
    ]


def order_counts(*, since: datetime, by: str) -> list[tuple[str, int]]:
    """Orders placed since `since`, counted by `channel` or `fulfilment_mode`, largest first
    (the back office's charts). One aggregate query."""
    field = {"channel": "channel", "fulfilment_mode": "fulfilment_mode"}[by]
    rows = (
        Order.objects.filter(created_at__gte=since)
        .values_list(field)
        .annotate(count=Count("pk"))
        .order_by("-count", field)
    )
    return [(key, count) for key, count in rows]


def order_list(*, status: str | None = None, mode: str | None = None) -> QuerySet[Order]:
    """Every order, newest first, optionally in one status or fulfilment mode."""
    orders = Order.objects.select_related("payment", "pickup_location")
    if status:
        orders = orders.filter(status=status)
    if mode:
        orders = orders.filter(fulfilment_mode=mode)
    return orders.order_by("-created_at", "-id")
