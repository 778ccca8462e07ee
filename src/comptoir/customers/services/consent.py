"""Consent per purpose: given or withdrawn, when, in which channel and how; history kept."""

from __future__ import annotations

from django.db import transaction

from comptoir.core import clock
from comptoir.core.channels import CHANNEL_CODES
from comptoir.core.errors import ValidationFailed
from comptoir.core.outbox import record_event

from .. import events
from ..domain import INFERRED_UNDER, PURPOSES
from ..errors import ConsentRequired
from ..models import ConsentRecord, Preference
from ..selectors import customer_for_update, may_use
from .guards import ensure_open

CONSENT_METHODS = frozenset(
    {"checkbox", "preference_centre", "verbal", "signed_form", "unsubscribe_link", "app_setting"}
)


def check_purpose(purpose: str) -> None:
    if purpose not in PURPOSES:
        raise ValidationFailed(
            f"Unknown purpose {purpose!r}.",
            errors=[{"field": "purpose", "message": f"one of {', '.join(sorted(PURPOSES))}"}],
        )


def record_consent(
    *,
    customer_id: int,
    purpose: str,
    granted: bool,
    channel: str,
    method: str,
    recorded_by_id: int | None = None,
) -> ConsentRecord:
    """Append a consent given or withdrawn; the latest per purpose is in force from now on.

    Records `customer.consent_changed` with it. Recording the same answer again is kept in the
    history too (a renewed consent has its own date), but is not an error. Withdrawing the
    personalisation consent deletes what was inferred under it, in the same transaction and
    under the profile's lock, which inferring takes too (no inference slips in between).
    """
    check_purpose(purpose)
    if channel not in CHANNEL_CODES:
        raise ValidationFailed(
            f"Unknown channel {channel!r}.",
            errors=[{"field": "channel", "message": f"one of {', '.join(sorted(CHANNEL_CODES))}"}],
        )
    if method not in CONSENT_METHODS:
        raise ValidationFailed(
            f"Unknown method {method!r}.",
            errors=[{"field": "method", "message": f"one of {', '.join(sorted(CONSENT_METHODS))}"}],
        )
    with transaction.atomic():
        customer = customer_for_update(customer_id=customer_id)
        ensure_open(customer)
        record = ConsentRecord.objects.create(
            customer_id=customer_id,
            purpose=purpose,
            granted=granted,
            channel=channel,
            method=method,
            recorded_by_id=recorded_by_id,
            recorded_at=clock.now(),
        )
        if purpose == INFERRED_UNDER and not granted:
            Preference.objects.filter(
                customer_id=customer_id, source=Preference.Source.INFERRED
            ).delete()
        record_event(
            events.CONSENT_CHANGED,
            aggregate=f"customer:{customer_id}",
            payload={
                "customer_id": customer_id,
                "purpose": purpose,
                "granted": granted,
                "channel": channel,
                "method": method,
            },
        )
    return record


def require_consent(*, customer_id: int, purpose: str) -> None:
    """Raise ConsentRequired unless the person consents to `purpose` now."""
    if not may_use(customer_id=customer_id, purpose=purpose):
        raise ConsentRequired(
            f"The customer has not consented to {purpose.replace('_', ' ')}.",
            errors=[{"field": "purpose", "message": f"no consent in force for {purpose}"}],
        )


def request_marketing_message(
    *, customer_id: int, purpose: str, campaign: str, channel: str = "web"
) -> None:
    """Ask the messaging apps to send a marketing message, only within the consent given.

    Raises ConsentRequired (and records nothing) without it.
    """
    if purpose not in {"marketing_email", "marketing_sms"}:
        raise ValidationFailed(
            "A marketing message goes by email or SMS.",
            errors=[{"field": "purpose", "message": "marketing_email or marketing_sms"}],
        )
    with transaction.atomic():
        require_consent(customer_id=customer_id, purpose=purpose)
        record_event(
            events.MARKETING_MESSAGE_REQUESTED,
            aggregate=f"customer:{customer_id}",
            payload={
                "customer_id": customer_id,
                "purpose": purpose,
                "campaign": campaign,
                "channel": channel,
            },
        )
