"""Reads for notifications."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from .models import ChannelPreference, MessageLog


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
