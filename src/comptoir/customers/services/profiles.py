"""Write use cases for customer profiles."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction

from comptoir.core import clock
from comptoir.core.errors import ValidationFailed
from comptoir.core.outbox import record_event
from comptoir.locations.errors import LocationNotFound
from comptoir.locations.selectors import location_by_code

from .. import events
from ..domain import IdentityKind
from ..errors import EmailAlreadyRegistered
from ..models import Customer, Identity, TimelineEntry
from ..selectors import customer_by_id, customer_for_update
from .identities import normalised

User = get_user_model()


def register_shopper(
    *,
    email: str,
    password: str,
    first_name: str,
    last_name: str,
    channel: str = "web",
    language: str = "fr",
) -> Customer:
    """A shopper account and its profile, created together; the email is the login."""
    email = User.objects.normalize_email(email).lower()
    with transaction.atomic():
        if (
            Customer.objects.filter(email=email).exists()
            or User.objects.filter(username=email).exists()
        ):
            raise EmailAlreadyRegistered("An account already uses this email; sign in instead.")
        try:
            with transaction.atomic():  # a concurrent twin may win the race: 409, not 500
                user = User.objects.create_user(
                    username=email,
                    email=email,
                    password=password,
                    first_name=first_name,
                    last_name=last_name,
                )
                customer = Customer.objects.create(
                    user=user,
                    first_name=first_name,
                    last_name=last_name,
                    email=email,
                    language=language,
                    created_at=clock.now(),
                )
                _record_identities(
                    customer, channel=channel, identities=[(IdentityKind.EMAIL, email, False)]
                )
        except IntegrityError:
            raise EmailAlreadyRegistered(
                "An account already uses this email; sign in instead."
            ) from None
        record_event(
            events.CUSTOMER_REGISTERED,
            aggregate=f"customer:{customer.pk}",
            payload={"customer_id": customer.pk, "channel": channel},
        )
    return customer


def add_to_timeline(
    *,
    customer_id: int,
    event_id: UUID,
    kind: str,
    channel: str,
    summary: str,
    occurred_at: datetime,
    details: dict[str, Any] | None = None,
) -> TimelineEntry:
    """Idempotent on `event_id`: an event delivered twice lands once. An entry for a profile
    merged meanwhile lands on its survivor."""
    survivor_id = (
        Customer.objects.filter(pk=customer_id).values_list("merged_into_id", flat=True).first()
    )
    customer_id = survivor_id or customer_id
    entry, _ = TimelineEntry.objects.get_or_create(
        event_id=event_id,
        defaults={
            "customer_id": customer_id,
            "kind": kind,
            "channel": channel,
            "summary": summary,
            "details": details or {},
            "occurred_at": occurred_at,
        },
    )
    return entry


def record_customer_profile(
    *,
    first_name: str,
    last_name: str,
    email: str | None,
    channel: str,
    language: str = "fr",
    phone: str | None = None,
    store_record: str | None = None,
) -> Customer:
    """A profile without an online account (met in store, by phone). Same email → same profile.

    The email and phone are kept as unverified identities: they match nobody until confirmed.
    `store_record` is the reference a store or a till gave the person (verified: we issued it).
    """
    email = normalised(IdentityKind.EMAIL, email, field="email") if email else None
    phone = normalised(IdentityKind.PHONE, phone, field="phone") if phone else None
    if store_record:
        store_record = normalised(IdentityKind.STORE_RECORD, store_record, field="store_record")
    with transaction.atomic():
        existing = Customer.objects.filter(email=email).first() if email else None
        if existing is None and store_record:
            existing = Customer.objects.filter(
                identities__kind=IdentityKind.STORE_RECORD,
                identities__value=store_record,
                identities__verified=True,
            ).first()
        if existing is not None:
            return existing
        customer = Customer.objects.create(
            first_name=first_name,
            last_name=last_name,
            email=email,
            phone=phone,
            language=language,
            created_at=clock.now(),
        )
        _record_identities(
            customer,
            channel=channel,
            identities=[
                (IdentityKind.EMAIL, email, False),
                (IdentityKind.PHONE, phone, False),
                (IdentityKind.STORE_RECORD, store_record, True),
            ],
        )
        record_event(
            events.CUSTOMER_REGISTERED,
            aggregate=f"customer:{customer.pk}",
            payload={"customer_id": customer.pk, "channel": channel},
        )
    return customer


def record_walk_up_profile(
    *, first_name: str, email: str | None, phone: str | None, channel: str, language: str
) -> Customer | None:
    """A new profile for a shopper met at a shared screen (the kiosk), or None when the email
    typed is already someone's: whoever typed it may not be them, so their profile is
    neither matched nor written to (the order is a guest's)."""
    if email:
        known = normalised(IdentityKind.EMAIL, email, field="email")
        if Customer.objects.filter(email=known).exists():
            return None
    return record_customer_profile(
        first_name=first_name,
        last_name="",
        email=email,
        phone=phone,
        channel=channel,
        language=language,
    )


def choose_favourite_store(*, customer_id: int, location_code: str | None) -> Customer:
    """Make the store with `location_code` the customer's favourite, in one call (None: none).

    Only an open store can be a favourite, not a warehouse. Records
    `customer.favourite_store_changed` when the favourite changes; choosing the same store
    again changes nothing and records nothing.
    """
    store_id = None
    if location_code is not None:
        try:
            store = location_by_code(code=location_code)
        except LocationNotFound:
            store = None
        if store is None or store.kind != store.Kind.STORE or not store.is_active:
            raise ValidationFailed(
                f"No open store has the code {location_code!r}.",
                errors=[{"field": "location", "message": "the code of an open store"}],
            )
        store_id = store.pk
    with transaction.atomic():
        customer = customer_for_update(customer_id=customer_id)
        previous_id = customer.favourite_location_id
        if previous_id != store_id:
            customer.favourite_location_id = store_id
            customer.save(update_fields=["favourite_location"])
            record_event(
                events.FAVOURITE_STORE_CHANGED,
                aggregate=f"customer:{customer.pk}",
                payload={
                    "customer_id": customer.pk,
                    "location_id": store_id,
                    "location_code": location_code,
                    "previous_location_id": previous_id,
                },
            )
    return customer_by_id(customer_id=customer_id)


def _record_identities(
    customer: Customer, *, channel: str, identities: list[tuple[str, str | None, bool]]
) -> None:
    now = clock.now()
    Identity.objects.bulk_create(
        [
            Identity(
                customer=customer,
                kind=kind,
                value=value,
                verified=verified,
                channel=channel,
                added_at=now,
            )
            for kind, value, verified in identities
            if value
        ]
    )
