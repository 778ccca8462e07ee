"""Reads of orders, shaped for the API, the store tasks and the returns."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from comptoir.core.access import Actor, authorize
from comptoir.core.errors import NotAuthenticated, PermissionDenied
from comptoir.locations.selectors import location_list

from .domain import RETURNABLE_LINES
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


# Returns are taken in any store (the customer brings the goods wherever suits them): the
# store taking it is checked by the caller (`authorize(..., store_id=where)`), not the order's.
_ANY_STORE_PERMISSIONS = frozenset({"returns.read", "returns.write"})


def of_stores(store_ids: Collection[int]) -> Q:
    """THE rule of which orders belong to a store, for every read and write that scopes by
    store: an order belongs to its pickup store, to the store it was ordered at, and to every
    location holding or shipping one of its lines. (A line's location is where its units are
    held, and the place its parcel leaves from.) An associate of any of these stores is part of
    the order's life: they set it aside, hand it over, sell it or ship it."""
    ids = list(store_ids)
    return (
        Q(pickup_location_id__in=ids)
        | Q(ordered_at_location_id__in=ids)
        | Q(Exists(OrderLine.objects.filter(order_id=OuterRef("pk"), location_id__in=ids)))
    )


def access_order_by_reference(
    actor: Actor, reference: str, *, permission: str = "orders.read"
) -> Order:
    """The one way any caller reaches an order, for `permission` ("orders.read",
    "orders.cancel", "returns.write"...).

    A shopper sees only theirs: another's order, or one that does not exist, is the same 404.
    Staff need the permission, and a store-scoped member (an associate) reaches only the
    orders of their stores (`of_stores`): another store's order is a 403, as stores are public
    knowledge. Returns are the exception: any store takes them (`_ANY_STORE_PERMISSIONS`).
    Nothing is written here: a refusal has no side effect."""
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
    if is_theirs and actor.has(f"{permission}_own"):
        return order
    authorize(actor, permission, customer_id=order.customer_id)
    scoped = actor.store_ids is not None and permission not in _ANY_STORE_PERMISSIONS
    if scoped and not Order.objects.filter(of_stores(actor.store_ids or ()), pk=order.pk).exists():
        raise PermissionDenied("This order belongs to a store you are not assigned to.")
    return order


def authorize_order_placement(actor: Actor, *, location_ids: Collection[int]) -> None:
    """Raise unless `actor` may place an order naming these locations (its pickup store, the
    store it is ordered at, where its lines are held). A store-scoped staff member commits
    only their own stores' units and counters: every store named must be theirs, so that
    the order they place is one they can read and cancel (`of_stores`). Warehouses are no
    store's: an associate orders from them (the endless aisle), as the sourcing engine may
    from any location."""
    if actor.store_ids is None or not location_ids:
        return
    stores = set(
        location_list(kind="store").filter(pk__in=location_ids).values_list("pk", flat=True)
    )
    if stores - actor.store_ids:
        raise PermissionDenied(
            "This order holds or hands over units of a store you are not assigned to."
        )


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


def order_list(
    *,
    status: str | None = None,
    mode: str | None = None,
    store_ids: Collection[int] | None = None,
) -> QuerySet[Order]:
    """Every order, newest first, optionally in one status or fulfilment mode; those of
    `store_ids` only (`of_stores`) for a store-scoped caller (None: every store)."""
    orders = Order.objects.select_related("payment", "pickup_location")
    if store_ids is not None:
        orders = orders.filter(of_stores(store_ids))
    if status:
        orders = orders.filter(status=status)
    if mode:
        orders = orders.filter(fulfilment_mode=mode)
    return orders.order_by("-created_at", "-id")
