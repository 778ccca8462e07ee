"""Write use cases for customer profiles."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction

from comptoir.core import clock
from comptoir.core.outbox import record_event

from . import events
from .errors import EmailAlreadyRegistered
from .models import Customer, TimelineEntry

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
) -> TimelineEntry:
    """Idempotent on `event_id`: an event delivered twice lands once."""
    entry, _ = TimelineEntry.objects.get_or_create(
        event_id=event_id,
        defaults={
            "customer_id": customer_id,
            "kind": kind,
            "channel": channel,
            "summary": summary,
            "occurred_at": occurred_at,
        },
    )
    return entry


def record_customer_profile(
    *, first_name: str, last_name: str, email: str | None, channel: str, language: str = "fr"
) -> Customer:
    """A profile without an online account (met in store, by phone). Same email → same profile."""
    email = email.lower() if email else None
    with transaction.atomic():
        existing = Customer.objects.filter(email=email).first() if email else None
        if existing is not None:
            return existing
        customer = Customer.objects.create(
            first_name=first_name,
            last_name=last_name,
            email=email,
            language=language,
            created_at=clock.now(),
        )
        record_event(
            events.CUSTOMER_REGISTERED,
            aggregate=f"customer:{customer.pk}",
            payload={"customer_id": customer.pk, "channel": channel},
        )
    return customer
