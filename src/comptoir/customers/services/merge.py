"""Two profiles found to be one person become one: everything follows the survivor, audited."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import transaction

from comptoir.core import clock
from comptoir.core.errors import ValidationFailed
from comptoir.core.outbox import record_event

from .. import events
from ..errors import CustomerNotFound
from ..models import (
    ConsentRecord,
    Customer,
    Identity,
    Preference,
    ProfileMerge,
    StoreVisit,
    TimelineEntry,
    WishlistItem,
)
from .guards import ensure_open

User = get_user_model()


def merge_profiles(
    *, survivor_id: int, merged_id: int, reason: str, merged_by_id: int | None = None
) -> ProfileMerge:
    """Move everything `merged_id` holds onto `survivor_id`, and leave a tombstone behind.

    Identities, consents (their whole history: the latest record per purpose stays in force),
    timeline, wishlist, preferences and store visits follow in one transaction with the audit
    row and the `customer.merged` event (survivor_id, merged_id), which carts and orders handle.
    Empty contact fields of the survivor are filled from the merged profile; the survivor's own
    values win. A login moves if the survivor has none, and is switched off otherwise.
    """
    reason = reason.strip()
    if not reason:
        raise ValidationFailed(
            "Say why the profiles are one person.",
            errors=[{"field": "reason", "message": "required"}],
        )
    if survivor_id == merged_id:
        raise ValidationFailed(
            "A profile cannot be merged into itself.",
            errors=[{"field": "merged_id", "message": "another profile"}],
        )
    with transaction.atomic():
        # Locked in pk order, as every lock helper does: two merges never wait on each other.
        locked = {
            c.pk: c
            for c in Customer.objects.select_for_update()
            .filter(pk__in=[survivor_id, merged_id])
            .order_by("pk")
        }
        if len(locked) != 2:
            raise CustomerNotFound("No such customer.")
        survivor, merged = locked[survivor_id], locked[merged_id]
        for profile in (survivor, merged):
            ensure_open(profile)
        moved = _move_belongings(survivor, merged)
        _fill_contact_fields(survivor, merged)
        audit = ProfileMerge.objects.create(
            survivor=survivor,
            merged_id=merged.pk,
            merged_by_id=merged_by_id,
            reason=reason[:200],
            moved=moved,
            merged_at=clock.now(),
        )
        record_event(
            events.CUSTOMER_MERGED,
            aggregate=f"customer:{survivor.pk}",
            payload={
                "customer_id": survivor.pk,
                "survivor_id": survivor.pk,
                "merged_id": merged.pk,
                "merged_by_id": merged_by_id,
                "reason": audit.reason,
            },
        )
    return audit


def _move_belongings(survivor: Customer, merged: Customer) -> dict[str, int]:
    moved: dict[str, int] = {}
    # Rows the survivor already has (same identity, same wished SKU…) are dropped, not doubled.
    for identity in Identity.objects.filter(customer=merged):
        twin = Identity.objects.filter(
            customer=survivor, kind=identity.kind, value=identity.value
        ).first()
        if twin is None:
            continue
        if identity.verified and not twin.verified:
            identity.delete()
            twin.verified = True
            twin.save(update_fields=["verified"])
        else:
            identity.delete()
    moved["identities"] = Identity.objects.filter(customer=merged).update(customer=survivor)
    moved["consents"] = ConsentRecord.objects.filter(customer=merged).update(customer=survivor)
    moved["timeline"] = TimelineEntry.objects.filter(customer=merged).update(customer=survivor)
    moved["store_visits"] = StoreVisit.objects.filter(customer=merged).update(customer=survivor)
    wished = WishlistItem.objects.filter(customer=survivor).values("variant_id")
    WishlistItem.objects.filter(customer=merged, variant_id__in=wished).delete()
    moved["wishlist"] = WishlistItem.objects.filter(customer=merged).update(customer=survivor)
    kept = Preference.objects.filter(customer=survivor).values_list("kind", "value", "source")
    for kind, value, source in list(kept):
        Preference.objects.filter(customer=merged, kind=kind, value=value, source=source).delete()
    moved["preferences"] = Preference.objects.filter(customer=merged).update(customer=survivor)
    return moved


def _fill_contact_fields(survivor: Customer, merged: Customer) -> None:
    email, phone, user_id = merged.email, merged.phone, merged.user_id
    merged.merged_into = survivor
    merged.email = None  # one profile per email: the survivor may take it
    merged.phone = None
    merged.user = None
    merged.save(update_fields=["merged_into", "email", "phone", "user"])
    changed = []
    if not survivor.email and email:
        survivor.email = email
        changed.append("email")
    if not survivor.phone and phone:
        survivor.phone = phone
        changed.append("phone")
    if survivor.favourite_location_id is None and merged.favourite_location_id is not None:
        survivor.favourite_location_id = merged.favourite_location_id
        changed.append("favourite_location")
    if user_id is not None:
        if survivor.user_id is None:
            survivor.user_id = user_id
            changed.append("user")
        else:  # one person, one login: the survivor's
            User.objects.filter(pk=user_id).update(is_active=False)
    if changed:
        survivor.save(update_fields=changed)
