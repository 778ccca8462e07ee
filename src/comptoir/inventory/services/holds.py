"""Holds: units set aside at one store for one customer, visible to every channel at once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction

from comptoir.core import clock

from ..domain import HoldLine, lock_order
from ..errors import HoldNotActive, HoldNotFound, OutOfStock
from ..models import Hold, StockMovement
from .levels import Guard, LevelChange, apply_level_change, write_movement
from .stock import check_channel, tell_back_in_stock

DEFAULT_HOLD_TTL = timedelta(minutes=30)
EXPIRY_BATCH = 500


class HoldAlreadyActive(HoldNotActive):
    code = "hold-already-active"
    title = "This reference already holds this SKU"


@dataclass(frozen=True)
class HoldRequestLine:
    location_id: int
    variant_id: int
    sku: str
    quantity: int


def place_hold(
    *,
    lines: list[HoldRequestLine],
    channel: str,
    reference: str,
    customer_id: int | None = None,
    ttl: timedelta = DEFAULT_HOLD_TTL,
    now: datetime | None = None,
) -> list[Hold]:
    """Hold every line or none: all-or-nothing, in one transaction.

    Each line's level is changed by one conditional UPDATE that takes only units its channel may
    promise (on hand − held − safety stock), so concurrent holds and till sales can never
    oversell. Lines lock their levels in (location, variant) order, so two carts never deadlock.
    """
    check_channel(channel)
    now = now or clock.now()
    skus = {(line.location_id, line.variant_id): line.sku for line in lines}
    ordered = lock_order([HoldLine(x.location_id, x.variant_id, x.quantity) for x in lines])
    holds = []
    with transaction.atomic():
        for line in ordered:
            sku = skus[(line.location_id, line.variant_id)]
            try:
                # No savepoint: a duplicate aborts the whole hold, which is what we want.
                hold = Hold.objects.create(
                    variant_id=line.variant_id,
                    location_id=line.location_id,
                    quantity=line.quantity,
                    channel=channel,
                    reference=reference,
                    customer_id=customer_id,
                    expires_at=now + ttl,
                    created_at=now,
                )
            except IntegrityError:
                raise HoldAlreadyActive(
                    f"{reference!r} already holds {sku}; release that hold first."
                ) from None
            change = LevelChange(
                line.variant_id,
                line.location_id,
                sku,
                held_delta=line.quantity,
                guard=Guard.PROMISABLE,
                need=line.quantity,
                channel=channel,
            )
            write_movement(
                change, kind=StockMovement.Kind.HOLD, now=now, hold_id=hold.pk, reference=reference
            )
            if apply_level_change(change, reason=StockMovement.Kind.HOLD, now=now) is None:
                raise OutOfStock(
                    f"Not enough {sku} left to hold {line.quantity}.",
                    sku=sku,
                    location=str(line.location_id),
                )
            holds.append(hold)
    return holds


def release_hold(
    *,
    hold_id: int,
    status: str = Hold.Status.RELEASED,
    reason: str = "",
    now: datetime | None = None,
) -> Hold:
    """End an active hold and put its units back on sale, in every channel at once."""
    now = now or clock.now()
    with transaction.atomic():
        ended = Hold.objects.filter(pk=hold_id, status=Hold.Status.ACTIVE).update(
            status=status, ended_at=now
        )
        if not ended:
            _explain_inactive(hold_id)
        hold = Hold.objects.select_related("variant").get(pk=hold_id)
        change = LevelChange(
            hold.variant_id, hold.location_id, hold.variant.sku, held_delta=-hold.quantity
        )
        write_movement(
            change,
            kind=StockMovement.Kind.RELEASE,
            now=now,
            hold_id=hold.pk,
            reference=hold.reference,
            reason=reason or status,
        )
        figures = apply_level_change(change, reason=f"hold {status}", now=now)
        if figures is not None:
            tell_back_in_stock(change, on_hand=figures[0], held=figures[1], now=now)
    return hold


def _explain_inactive(hold_id: int) -> None:
    if not Hold.objects.filter(pk=hold_id).exists():
        raise HoldNotFound("No such hold.")
    raise HoldNotActive("This hold has already ended (sold, released or expired).")


def expire_holds(*, now: datetime | None = None, limit: int = EXPIRY_BATCH) -> int:
    """Release every hold whose time is up. Returns how many it expired."""
    now = now or clock.now()
    due = list(
        Hold.objects.filter(status=Hold.Status.ACTIVE, expires_at__lte=now)
        .order_by("expires_at")
        .values_list("pk", flat=True)[:limit]
    )
    expired = 0
    for hold_id in due:
        try:
            release_hold(hold_id=hold_id, status=Hold.Status.EXPIRED, now=now)
        except HoldNotActive:
            continue  # sold or released meanwhile: nothing to give back
        expired += 1
    return expired


def next_hold_expiry() -> datetime | None:
    return (
        Hold.objects.filter(status=Hold.Status.ACTIVE)
        .order_by("expires_at")
        .values_list("expires_at", flat=True)
        .first()
    )
