"""Reads for notifications."""

from __future__ import annotations

from django.db.models import QuerySet

from .models import ChannelPreference, MessageLog


def channel_preference(*, customer_id: int) -> ChannelPreference | None:
    return ChannelPreference.objects.filter(customer_id=customer_id).first()


def messages_of(*, customer_id: int) -> QuerySet[MessageLog]:
    return MessageLog.objects.filter(customer_id=customer_id).order_by("-created_at", "-id")
