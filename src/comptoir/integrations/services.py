"""Webhook subscriptions: subscribing and rotating secrets (sending is in `delivery`)."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlsplit

from django.db import transaction

from comptoir.core import clock

from .domain import new_secret
from .errors import InvalidWebhookUrl
from .models import WebhookSecret, WebhookSubscription
from .selectors import subscription_by_id

ROTATION_GRACE = timedelta(hours=24)


def _check_url(url: str) -> None:
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise InvalidWebhookUrl(
            "A webhook URL must be an absolute http(s) URL.",
            errors=[{"field": "url", "message": "absolute http(s) URL"}],
        )


def subscribe_webhook(
    *, url: str, event_types: list[str], description: str = ""
) -> tuple[WebhookSubscription, str]:
    """Create a subscription with its first secret; the secret is returned to show once."""
    _check_url(url)
    with transaction.atomic():
        subscription = WebhookSubscription.objects.create(
            url=url,
            event_types=event_types or ["*"],
            description=description,
            created_at=clock.now(),
        )
        secret = WebhookSecret.objects.create(
            subscription=subscription, secret=new_secret(), created_at=clock.now()
        )
    return subscription, secret.secret


def rotate_webhook_secret(*, subscription_id: int, grace: timedelta = ROTATION_GRACE) -> str:
    """A new secret signs from now on; the old ones keep signing for `grace`, then retire."""
    subscription_by_id(subscription_id=subscription_id)
    now = clock.now()
    with transaction.atomic():
        WebhookSecret.objects.filter(
            subscription_id=subscription_id, retires_at__isnull=True
        ).update(retires_at=now + grace)
        secret = WebhookSecret.objects.create(
            subscription_id=subscription_id, secret=new_secret(), created_at=now
        )
    return secret.secret
