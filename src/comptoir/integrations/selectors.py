"""Reads about webhook subscriptions and their delivery log."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from comptoir.core import clock
from comptoir.core.models import Delivery

from .domain import subscribes_to
from .errors import WebhookSubscriptionNotFound
from .models import WebhookSecret, WebhookSubscription

TARGET_PREFIX = "webhook:"


def subscription_targets_for(event_type: str) -> list[str]:
    active = WebhookSubscription.objects.filter(is_active=True).values_list("pk", "event_types")
    return [f"{TARGET_PREFIX}{pk}" for pk, types in active if subscribes_to(types, event_type)]


def subscription_by_id(*, subscription_id: int) -> WebhookSubscription:
    try:
        return WebhookSubscription.objects.get(pk=subscription_id)
    except WebhookSubscription.DoesNotExist:
        raise WebhookSubscriptionNotFound("No such webhook subscription.") from None


def secrets_in_force(*, subscription_id: int) -> list[str]:
    """Newest first: the current secret, then any rotated-out one still in its grace period."""
    now = clock.now()
    return list(
        WebhookSecret.objects.filter(subscription_id=subscription_id)
        .filter(Q(retires_at__isnull=True) | Q(retires_at__gt=now))
        .order_by("-created_at", "-id")
        .values_list("secret", flat=True)
    )


def subscription_list() -> QuerySet[WebhookSubscription]:
    return WebhookSubscription.objects.all()


def deliveries_of(*, subscription_id: int) -> QuerySet[Delivery]:
    return (
        Delivery.objects.filter(target=f"{TARGET_PREFIX}{subscription_id}")
        .select_related("event")
        .prefetch_related("log")
    )
