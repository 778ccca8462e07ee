"""Units in and out that are not holds or till sales: receipts, returns, adjustments, settings."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from datetime import datetime

from django.db import transaction

from comptoir.core import clock
from comptoir.core.channels import CHANNEL_CODES
from comptoir.core.outbox import record_event
from comptoir.core.retrying import transaction_retried

from .. import events
from ..domain import StockFigures, came_back_in_stock
from ..errors import StockWouldGoNegative, UnknownChannel
from ..models import BackInStockSubscription, SafetyStock, StockLevel, StockMovement
from .levels import Guard, LevelChange, add_units, apply_level_change, write_movement

BACK_IN_STOCK_CHANNEL = "web"  # subscribers are told when the web may promise a unit again
INBOUND_KINDS = {
    StockMovement.Kind.RECEIPT,
    StockMovement.Kind.RETURN,
    StockMovement.Kind.TRANSFER_IN,
}


def check_channel(channel: str) -> None:
    if channel not in CHANNEL_CODES:
        raise UnknownChannel(
            f"{channel!r} is not a channel.",
            errors=[{"field": "channel", "message": f"one of {', '.join(sorted(CHANNEL_CODES))}"}],
        )


def safety_for(*, location_id: int, channel: str) -> int:
    return (
        SafetyStock.objects.filter(location_id=location_id, channel=channel)
        .values_list("quantity", flat=True)
        .first()
        or 0
    )


@transaction_retried
def receive_stock(
    *,
    variant_id: int,
    location_id: int,
    sku: str,
    quantity: int,
    kind: str = StockMovement.Kind.RECEIPT,
    reference: str = "",
    actor: str = "",
    now: datetime | None = None,
) -> StockFigures:
    """Add units (a delivery, a return, a transfer arriving). Tells back-in-stock subscribers."""
    if kind not in INBOUND_KINDS:
        raise ValueError(f"{kind} does not bring units in")
    if quantity <= 0:
        raise StockWouldGoNegative("A receipt brings in at least one unit.")
    now = now or clock.now()
    change = LevelChange(variant_id, location_id, sku, on_hand_delta=quantity)
    with transaction.atomic():
        write_movement(change, kind=kind, now=now, reference=reference, actor=actor)
        on_hand, held = add_units(change, now=now)
        record_event(
            events.STOCK_CHANGED,
            aggregate=f"stock:{location_id}:{variant_id}",
            payload={
                "sku": sku,
                "variant_id": variant_id,
                "location_id": location_id,
                "on_hand": on_hand,
                "held": held,
                "free": on_hand - held,
                "reason": kind,
            },
            now=now,
        )
        tell_back_in_stock(change, on_hand=on_hand, held=held, now=now)
    return StockFigures(on_hand, held, safety_for(location_id=location_id, channel="web"))


@transaction_retried
def adjust_stock(
    *,
    variant_id: int,
    location_id: int,
    sku: str,
    delta: int,
    reason: str,
    actor: str = "",
    now: datetime | None = None,
) -> StockFigures:
    """A counted correction. It can never take on-hand below what is held for customers."""
    if delta > 0:
        return receive_stock(
            variant_id=variant_id,
            location_id=location_id,
            sku=sku,
            quantity=delta,
            reference=f"adjustment: {reason}",
            actor=actor,
            now=now,
        )
    now = now or clock.now()
    change = LevelChange(
        variant_id, location_id, sku, on_hand_delta=delta, guard=Guard.STAYS_ABOVE_HELD
    )
    with transaction.atomic():
        write_movement(
            change, kind=StockMovement.Kind.ADJUSTMENT, now=now, reason=reason, actor=actor
        )
        figures = apply_level_change(change, reason=StockMovement.Kind.ADJUSTMENT, now=now)
        if figures is None:
            raise StockWouldGoNegative(
                f"Removing {-delta} of {sku} would leave fewer units than are on hand or held."
            )
    return StockFigures(*figures, safety_for(location_id=location_id, channel="web"))


def tell_back_in_stock(change: LevelChange, *, on_hand: int, held: int, now: datetime) -> None:
    """If the web could promise nothing before this change and can now, tell the subscribers."""
    safety = safety_for(location_id=change.location_id, channel=BACK_IN_STOCK_CHANNEL)
    before = StockFigures(on_hand - change.on_hand_delta, held - change.held_delta, safety)
    if not came_back_in_stock(before, StockFigures(on_hand, held, safety)):
        return
    waiting = BackInStockSubscription.objects.filter(
        variant_id=change.variant_id, location_id=change.location_id, notified_at__isnull=True
    )
    subscription_ids = list(waiting.values_list("pk", flat=True))
    if subscription_ids:
        _tell(change.variant_id, change.location_id, change.sku, subscription_ids, now=now)


def tell_waiting_subscribers(
    *, location_id: int, changed_variant_ids: Collection[int], now: datetime
) -> int:
    """After a stock count: tell whoever waits for a SKU the web can promise here again.

    A count replaces on-hand wholesale, so there is no single delta to compare; a subscription
    still waiting while units are available is one nobody has answered yet. Subscriptions are
    few per location, so they are read first and matched against the changed SKUs.
    """
    waiting: dict[int, list[int]] = defaultdict(list)
    for pk, variant_id in BackInStockSubscription.objects.filter(
        location_id=location_id, notified_at__isnull=True
    ).values_list("pk", "variant_id"):
        if variant_id in changed_variant_ids:
            waiting[variant_id].append(pk)
    if not waiting:
        return 0
    safety = safety_for(location_id=location_id, channel=BACK_IN_STOCK_CHANNEL)
    levels = StockLevel.objects.filter(
        location_id=location_id, variant_id__in=list(waiting)
    ).values_list("variant_id", "variant__sku", "on_hand", "held")
    told = 0
    for variant_id, sku, on_hand, held in levels:
        if StockFigures(on_hand, held, safety).available > 0:
            _tell(variant_id, location_id, sku, waiting[variant_id], now=now)
            told += 1
    return told


def _tell(
    variant_id: int, location_id: int, sku: str, subscription_ids: list[int], *, now: datetime
) -> None:
    BackInStockSubscription.objects.filter(pk__in=subscription_ids).update(notified_at=now)
    record_event(
        events.BACK_IN_STOCK,
        aggregate=f"stock:{location_id}:{variant_id}",
        payload={
            "sku": sku,
            "variant_id": variant_id,
            "location_id": location_id,
            "subscription_ids": subscription_ids,
        },
        now=now,
    )


def set_safety_stock(*, location_id: int, channel: str, quantity: int) -> SafetyStock:
    """Keep `quantity` units at this location back from `channel` (0 removes the rule)."""
    check_channel(channel)
    safety, _ = SafetyStock.objects.update_or_create(
        location_id=location_id, channel=channel, defaults={"quantity": quantity}
    )
    return safety


def subscribe_back_in_stock(
    *, variant_id: int, location_id: int, customer_id: int | None = None, email: str = ""
) -> BackInStockSubscription:
    """Ask to be told when this SKU can be promised again at this location."""
    existing = BackInStockSubscription.objects.filter(
        variant_id=variant_id,
        location_id=location_id,
        customer_id=customer_id,
        email=email,
        notified_at__isnull=True,
    ).first()
    if existing is not None:
        return existing
    return BackInStockSubscription.objects.create(
        variant_id=variant_id,
        location_id=location_id,
        customer_id=customer_id,
        email=email,
        created_at=clock.now(),
    )
