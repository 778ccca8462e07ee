"""Webhook subscriptions and sending one event to one subscriber."""

from __future__ import annotations

import json
from datetime import timedelta
from urllib.parse import urlsplit

import httpx
from django.conf import settings
from django.db import transaction

from comptoir.core import clock
from comptoir.core.outbox import Event, Outcome

from .domain import message_id_for, new_secret, signature_header
from .errors import InvalidWebhookUrl
from .models import WebhookSecret, WebhookSubscription
from .selectors import secrets_in_force, subscription_by_id

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


def send_webhook(*, subscription_id: int, event: Event) -> Outcome:
    """POST one event, signed with every secret in force. 2xx is success; anything else retries."""
    subscription = subscription_by_id(subscription_id=subscription_id)
    if not subscription.is_active:
        return Outcome(False, error="subscription disabled")
    body = json.dumps(
        {
            "type": event.type,
            "timestamp": event.occurred_at.isoformat(),
            "data": {"aggregate": event.aggregate, **event.payload},
        },
        separators=(",", ":"),
        ensure_ascii=False,
    ).encode()
    message_id = message_id_for(event.event_id.hex)
    timestamp = int(clock.now().timestamp())
    headers = {
        "content-type": "application/json",
        "user-agent": "comptoir-webhooks/1",
        "webhook-id": message_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": signature_header(
            secrets_in_force(subscription_id=subscription_id),
            message_id=message_id,
            timestamp=timestamp,
            body=body,
        ),
    }
    try:
        response = httpx.post(
            subscription.url,
            content=body,
            headers=headers,
            timeout=settings.WEBHOOK_TIMEOUT_SECONDS,
            follow_redirects=False,
        )
    except httpx.HTTPError as error:
        return Outcome(False, error=f"{type(error).__name__}: {error}")
    if 200 <= response.status_code < 300:
        return Outcome(True, response_status=response.status_code)
    return Outcome(
        False, response_status=response.status_code, error=response.text[:500] or "non-2xx"
    )
