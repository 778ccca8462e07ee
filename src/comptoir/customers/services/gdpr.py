"""GDPR: export everything held on a person, erase what identifies them; both logged."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction

from comptoir.core import clock
from comptoir.core.outbox import record_event
from comptoir.core.personal_data import export_sections

from .. import events
from ..models import (
    Customer,
    DataRequest,
    Identity,
    Preference,
    StoreVisit,
    TimelineEntry,
    WishlistItem,
)
from ..selectors import customer_for_update, personal_data_of

User = get_user_model()
EXPORT_FORMAT = "comptoir-personal-data/1"


def export_personal_data(*, customer_id: int, requested_by_id: int | None) -> dict[str, Any]:
    """Everything held on the person, machine-readable; the request is logged."""
    with transaction.atomic():
        customer = customer_for_update(customer_id=customer_id)
        DataRequest.objects.create(
            customer_id=customer.pk,
            kind=DataRequest.Kind.EXPORT,
            requested_by_id=requested_by_id,
            requested_at=clock.now(),
        )
        record_event(
            events.DATA_EXPORTED,
            aggregate=f"customer:{customer.pk}",
            payload={"customer_id": customer.pk, "requested_by_id": requested_by_id},
        )
        return {
            "format": EXPORT_FORMAT,
            "exported_at": clock.now().isoformat(),
            **personal_data_of(customer_id=customer.pk),
            **export_sections(customer.pk),
        }


def erase_customer(*, customer_id: int, requested_by_id: int | None) -> Customer:
    """Anonymise the person: names, contacts, identities, preferences, wishlist, timeline and
    visits go; the login is switched off. The consent history (proof of lawful use) and the
    log of requests stay. `customer.erased` lets later apps do their part (orders keep the
    financial records the law requires, without the person's name). Erasing twice is harmless.
    """
    with transaction.atomic():
        customer = customer_for_update(customer_id=customer_id)
        if customer.erased_at is not None:
            return customer
        for model in (Identity, Preference, WishlistItem, TimelineEntry, StoreVisit):
            model.objects.filter(customer=customer).delete()
        if customer.user_id is not None:
            User.objects.filter(pk=customer.user_id).update(
                username=f"erased-{customer.pk}",
                email="",
                first_name="",
                last_name="",
                is_active=False,
                password="!",  # unusable: no password can match it
            )
        customer.first_name = "Erased"
        customer.last_name = f"customer {customer.pk}"
        customer.email = None
        customer.phone = None
        customer.user = None
        customer.favourite_location = None
        customer.erased_at = clock.now()
        customer.save(
            update_fields=[
                "first_name",
                "last_name",
                "email",
                "phone",
                "user",
                "favourite_location",
                "erased_at",
            ]
        )
        DataRequest.objects.create(
            customer_id=customer.pk,
            kind=DataRequest.Kind.ERASURE,
            requested_by_id=requested_by_id,
            requested_at=customer.erased_at,
        )
        record_event(
            events.CUSTOMER_ERASED,
            aggregate=f"customer:{customer.pk}",
            payload={"customer_id": customer.pk, "requested_by_id": requested_by_id},
        )
    return customer
