"""Reads for notifications."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.db.models import QuerySet

from comptoir.core import clock
from comptoir.core.reconciling import Discrepancy

from .models import ChannelPreference, MessageLog

# Longer than the outbox takes to retry a message a few times: still `sending` after this, its
# tries have run out or its event was lost, and nobody knows whether the customer has it.
IN_DOUBT_AFTER = timedelta(hours=6)


def channel_preference(*, customer_id: int) -> ChannelPreference | None:
    return ChannelPreference.objects.filter(customer_id=customer_id).first()


def messages_of(*, customer_id: int) -> QuerySet[MessageLog]:
    return MessageLog.objects.filter(customer_id=customer_id).order_by("-created_at", "-id")


def messages_export(customer_id: int) -> dict[str, Any]:
    """The person's channel preferences and every message sent or withheld, for the export."""
    preference = channel_preference(customer_id=customer_id)
    return {
        "channel_preferences": (
            {"email": preference.email, "sms": preference.sms} if preference else None
        ),
        "messages": [
            {
                "kind": message.kind,
                "channel": message.channel,
                "language": message.language,
                "status": message.status,
                "reason": message.reason,
                "subject": message.subject,
                "created_at": message.created_at.isoformat(),
            }
            for message in messages_of(customer_id=customer_id).order_by("created_at", "id")
        ],
    }


def messages_in_doubt(
    *, now: datetime | None = None, after: timedelta = IN_DOUBT_AFTER
) -> list[Discrepancy]:
    """For `comptoir reconcile`: messages recorded as being sent and never confirmed sent
    (`notify` records the intent, calls the provider, then the outcome). Each names its
    Message-ID, to look up in the mail server's log."""
    now = now or clock.now()
    stuck = MessageLog.objects.filter(
        status=MessageLog.Status.SENDING, created_at__lt=now - after
    ).order_by("created_at", "pk")
    return [
        Discrepancy(
            check="message-sent-unconfirmed",
            subject=f"message:{message.pk}",
            detail=(
                f"{message.kind} by {message.channel} to customer {message.customer_id}, "
                f"recorded {message.created_at:%Y-%m-%d %H:%M} UTC, "
                f"Message-ID {message.message_id or '-'}"
            ),
        )
        for message in stuck
    ]
