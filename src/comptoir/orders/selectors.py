"""Reads of orders, shaped for the API, the store tasks and the returns."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import Count, Q, QuerySet

from comptoir.core.access import Actor, authorize
from comptoir.core.errors import NotAuthenticated
from comptoir.core.reconciling import Discrepancy
from comptoir.inventory.selectors import active_hold_ids

from .domain import RETURNABLE_LINES, LineStatus, OrderStatus
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
    number. Read under the order's lock when a return is recorded against them."""
    return {
        line.line_number: line
        for line in OrderLine.objects.filter(order_id=order_id, status__in=RETURNABLE_LINES)
    }


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


# --- for `comptoir reconcile`: the state of orders and their lines ----------------------------

FINISHED_ORDERS = (OrderStatus.CANCELLED, OrderStatus.COLLECTED)
# What a line of a collected order may be: handed over, or cancelled before the handover. An
# open one is reported once, by the check of finished orders' open lines.
LINES_OF_A_COLLECTED_ORDER = (LineStatus.COLLECTED, LineStatus.CANCELLED, LineStatus.OPEN)


def order_state_discrepancies() -> list[Discrepancy]:
    """Every order whose lines and holds contradict its state: an open line of a cancelled or
    collected order, a hold still active for a line that is no longer open, a collected order
    with a line that was not collected."""
    found: list[Discrepancy] = []
    for reference, status, number, sku in (
        OrderLine.objects.filter(status=LineStatus.OPEN, order__status__in=FINISHED_ORDERS)
        .order_by("order_id", "line_number")
        .values_list("order__reference", "order__status", "line_number", "sku")
    ):
        found.append(
            Discrepancy(
                "no-open-line-in-a-finished-order",
                f"order:{reference}",
                f"line {number} ({sku}) is open in a {status} order",
            )
        )
    ended = OrderLine.objects.exclude(status=LineStatus.OPEN).filter(hold_id__isnull=False)
    lines_by_hold = {
        hold_id: (reference, number, sku, status)
        for hold_id, reference, number, sku, status in ended.values_list(
            "hold_id", "order__reference", "line_number", "sku", "status"
        )
    }
    for hold_id in sorted(active_hold_ids(hold_ids=list(lines_by_hold))):
        reference, number, sku, status = lines_by_hold[hold_id]
        found.append(
            Discrepancy(
                "no-active-hold-for-an-ended-line",
                f"order:{reference}",
                f"line {number} ({sku}) is {status} but its hold {hold_id} is still active",
            )
        )
    for reference, number, sku, status in (
        OrderLine.objects.filter(order__status=OrderStatus.COLLECTED)
        .exclude(status__in=LINES_OF_A_COLLECTED_ORDER)
        .order_by("order_id", "line_number")
        .values_list("order__reference", "line_number", "sku", "status")
    ):
        found.append(
            Discrepancy(
                "collected-order-lines-collected",
                f"order:{reference}",
                f"the order is collected but line {number} ({sku}) is {status}",
            )
        )
    return found
