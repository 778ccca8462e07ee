"""Webhook subscriptions: their lifecycle and secrets (sending is in `delivery`)."""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction

from comptoir.core import clock, outbox
from comptoir.core.models import Delivery

from .destinations import check_subscription_url
from .domain import new_secret, unknown_event_types
from .errors import UnknownEventTypes, WebhookSubscriptionDisabled
from .events import ALL_EVENTS, WEBHOOK_PING, published_event_types
from .models import WebhookSecret, WebhookSubscription
from .selectors import (
    subscription_by_id,
    subscription_for_update,
    subscription_id_of,
    target_of,
    webhook_delivery,
)

ROTATION_GRACE = timedelta(hours=24)
SUBSCRIPTION_DISABLED = "subscription disabled"
SUBSCRIPTION_DELETED = "subscription deleted"


def _checked_event_types(event_types: list[str]) -> list[str]:
    """The requested event types without repeats; ["*"] when none. Unknown ones are refused
    with the list of known ones, so that a typo never subscribes to nothing in silence."""
    requested = list(dict.fromkeys(event_types)) or [ALL_EVENTS]
    known = published_event_types()
    unknown = unknown_event_types(requested, known)
    if unknown:
        raise UnknownEventTypes(
            f'Unknown event types: {", ".join(unknown)}. Known types: "*" (all), '
            + ", ".join(known)
            + ".",
            errors=[{"field": "event_types", "message": f"unknown: {', '.join(unknown)}"}],
        )
    return requested


def subscribe_webhook(
    *, url: str, event_types: list[str], description: str = ""
) -> tuple[WebhookSubscription, str]:
    """Create a subscription with its first secret; the secret is returned to show once.
    The URL must pass the destination policy (destinations.py) and the event types be known."""
    check_subscription_url(url)
    event_types = _checked_event_types(event_types)
    with transaction.atomic():
        subscription = WebhookSubscription.objects.create(
            url=url,
            event_types=event_types,
            description=description,
            created_at=clock.now(),
        )
        secret = WebhookSecret.objects.create(
            subscription=subscription, secret=new_secret(), created_at=clock.now()
        )
    return subscription, secret.secret


def update_webhook(
    *,
    subscription_id: int,
    url: str | None = None,
    event_types: list[str] | None = None,
    description: str | None = None,
) -> WebhookSubscription:
    """Change what is given (None keeps it); a new URL passes the destination policy again.
    Deliveries already made for the old URL or types are not redone."""
    changes: dict[str, object] = {}
    if url is not None:
        check_subscription_url(url)
        changes["url"] = url
    if event_types is not None:
        changes["event_types"] = _checked_event_types(event_types)
    if description is not None:
        changes["description"] = description
    with transaction.atomic():
        subscription = subscription_for_update(subscription_id=subscription_id)
        for field, value in changes.items():
            setattr(subscription, field, value)
        if changes:
            subscription.save(update_fields=list(changes))
    return subscription


def _give_up_pending_deliveries(subscription_id: int, *, why: str) -> int:
    """Pending deliveries to this subscriber are dead-lettered with `why`: an operator may
    replay them once it is enabled again. One in flight keeps its lease and records its try."""
    return Delivery.objects.filter(
        target=target_of(subscription_id), status=Delivery.Status.PENDING
    ).update(status=Delivery.Status.DEAD, last_error=why)


def disable_webhook(*, subscription_id: int) -> WebhookSubscription:
    """No new events fan out to it, and what was still pending is dead-lettered. Idempotent."""
    with transaction.atomic():
        subscription = subscription_for_update(subscription_id=subscription_id)
        if subscription.is_active:
            subscription.is_active = False
            subscription.save(update_fields=["is_active"])
        _give_up_pending_deliveries(subscription_id, why=SUBSCRIPTION_DISABLED)
    return subscription


def enable_webhook(*, subscription_id: int) -> WebhookSubscription:
    """Events recorded from now on fan out to it again; those recorded while it was disabled
    do not, and dead-lettered deliveries wait for a replay. Idempotent."""
    with transaction.atomic():
        subscription = subscription_for_update(subscription_id=subscription_id)
        if not subscription.is_active:
            subscription.is_active = True
            subscription.save(update_fields=["is_active"])
    return subscription


def delete_webhook(*, subscription_id: int) -> None:
    """Pending deliveries are dead-lettered, then the subscription and its secrets are
    deleted. The deliveries stay in the outbox's tables, but no API or page shows them any
    more: they belong to no subscription."""
    with transaction.atomic():
        subscription = subscription_for_update(subscription_id=subscription_id)
        _give_up_pending_deliveries(subscription_id, why=SUBSCRIPTION_DELETED)
        subscription.delete()


def ping_webhook(*, subscription_id: int) -> Delivery:
    """Record a `webhook.ping` event meant for this subscriber alone, with its delivery, in one
    transaction: the worker sends it like any other event, signed, and it shows in the delivery
    log. The event is fanned out here (its one target written at once), so no other
    subscriber, even one to "*", receives it. A disabled subscription cannot be pinged."""
    now = clock.now()
    with transaction.atomic():
        subscription = subscription_for_update(subscription_id=subscription_id)
        if not subscription.is_active:
            raise WebhookSubscriptionDisabled("Enable the subscription before pinging it.")
        event = outbox.record_event(
            WEBHOOK_PING,
            aggregate=target_of(subscription_id),
            payload={"subscription_id": subscription_id},
            now=now,
        )
        event.fanned_out_at = now
        event.save(update_fields=["fanned_out_at"])
        return Delivery.objects.create(
            event=event, target=target_of(subscription_id), next_attempt_at=now
        )


def replay_webhook_delivery(*, delivery_id: int, subscription_id: int | None = None) -> Delivery:
    """Send one of a subscriber's delivered or dead-lettered deliveries again, with the same
    webhook-id. Only webhook deliveries (of this subscription, if given) are found; an
    in-process handler's delivery is not replayed from here. Refused while it is disabled."""
    delivery = webhook_delivery(delivery_id=delivery_id, subscription_id=subscription_id)
    owner = subscription_by_id(subscription_id=subscription_id_of(delivery.target))
    if not owner.is_active:
        raise WebhookSubscriptionDisabled("Enable the subscription before replaying to it.")
    return outbox.replay(delivery.pk)


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
