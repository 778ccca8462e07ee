"""The wishlist: one list per person, the same in every channel."""

from __future__ import annotations

from django.db import transaction

from comptoir.core import clock
from comptoir.core.outbox import record_event
from comptoir.inventory.selectors import resolve_skus

from .. import events
from ..models import WishlistItem
from ..selectors import customer_for_update
from .guards import ensure_open


def add_to_wishlist(*, customer_id: int, sku: str, channel: str) -> WishlistItem:
    """Idempotent: wishing for a SKU already on the list changes nothing and records nothing."""
    variant_id = resolve_skus([sku])[sku]
    with transaction.atomic():
        customer = customer_for_update(customer_id=customer_id)
        ensure_open(customer)
        item, created = WishlistItem.objects.get_or_create(
            customer_id=customer_id,
            variant_id=variant_id,
            defaults={"channel": channel, "added_at": clock.now()},
        )
        if created:
            record_event(
                events.WISHLIST_ITEM_ADDED,
                aggregate=f"customer:{customer_id}",
                payload={"customer_id": customer_id, "sku": sku, "channel": channel},
            )
    return item


def remove_from_wishlist(*, customer_id: int, sku: str, channel: str) -> None:
    """Idempotent: removing what is not there is not an error."""
    variant_id = resolve_skus([sku])[sku]
    with transaction.atomic():
        deleted, _ = WishlistItem.objects.filter(
            customer_id=customer_id, variant_id=variant_id
        ).delete()
        if deleted:
            record_event(
                events.WISHLIST_ITEM_REMOVED,
                aggregate=f"customer:{customer_id}",
                payload={"customer_id": customer_id, "sku": sku, "channel": channel},
            )
