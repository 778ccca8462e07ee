"""Releases: a hold ends (released, sold elsewhere, expired) and its units go back on sale in
every channel at once; the sweep that expires holds whose time is up."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction

from comptoir.core import clock
from comptoir.core.retrying import transaction_retried

from ..errors import HoldNotActive, HoldNotFound
from ..models import Hold, StockMovement
from .levels import LevelChange, apply_level_change, write_movement
from .stock import tell_back_in_stock

EXPIRY_BATCH = 500


@transaction_retried
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
    """Release every hold whose time is up. Returns how many it expired. A hold with no
    expiry (kept by its order) is never due: its order's own rules end it."""
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
        Hold.objects.filter(status=Hold.Status.ACTIVE, expires_at__isnull=False)
        .order_by("expires_at")
        .values_list("expires_at", flat=True)
        .first()
    )
