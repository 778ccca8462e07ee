"""Webhook subscriptions for integrators: subscribe, change, pause, remove, test, read the log.

Every operation needs the `webhooks.manage` permission.
"""

from django.http import HttpRequest
from ninja import Router, Status
from ninja.decorators import decorate_view

from comptoir.core.access import authorize
from comptoir.core.idempotency import idempotent_keeping_out
from comptoir.core.models import Delivery
from comptoir.core.pagination import Page, PageLimit, paginate

from . import selectors, services
from .events import published_event_types
from .schemas import (
    CreatedWebhookOut,
    DeliveryOut,
    EventTypesOut,
    WebhookSecretOut,
    WebhookSubscriptionIn,
    WebhookSubscriptionOut,
    WebhookSubscriptionPatch,
)

router = Router(tags=["webhooks"])
MANAGE = "webhooks.manage"


def _delivery_out(delivery: Delivery) -> dict:
    return {
        "id": delivery.pk,
        "event_id": str(delivery.event.event_id),
        "event_type": delivery.event.type,
        "status": delivery.status,
        "attempts": delivery.attempts,
        "next_attempt_at": delivery.next_attempt_at,
        "delivered_at": delivery.delivered_at,
        "last_error": delivery.last_error,
        "log": list(delivery.log.all()),
    }


@router.post("", response={201: CreatedWebhookOut}, operation_id="subscribe_webhook")
@decorate_view(idempotent_keeping_out("secret"))
def subscribe_webhook(request: HttpRequest, payload: WebhookSubscriptionIn) -> Status[dict]:
    """The URL must be an https address that resolves to public addresses only (or one inside
    the networks the operator allowed); the event types must be known ones, or "*"."""
    authorize(request.auth, MANAGE)
    subscription, secret = services.subscribe_webhook(**payload.dict())
    return Status(201, {**WebhookSubscriptionOut.from_orm(subscription).dict(), "secret": secret})


@router.get("", response=list[WebhookSubscriptionOut], operation_id="list_webhooks")
def list_webhooks(request: HttpRequest) -> object:
    authorize(request.auth, MANAGE)
    return selectors.subscription_list()


@router.get("/event-types", response=EventTypesOut, operation_id="list_webhook_event_types")
def list_webhook_event_types(request: HttpRequest) -> dict:
    """Every event type a subscription may ask for."""
    authorize(request.auth, MANAGE)
    return {"event_types": published_event_types()}


@router.get("/{subscription_id}", response=WebhookSubscriptionOut, operation_id="get_webhook")
def get_webhook(request: HttpRequest, subscription_id: int) -> object:
    authorize(request.auth, MANAGE)
    return selectors.subscription_by_id(subscription_id=subscription_id)


@router.patch("/{subscription_id}", response=WebhookSubscriptionOut, operation_id="update_webhook")
def update_webhook(
    request: HttpRequest, subscription_id: int, payload: WebhookSubscriptionPatch
) -> object:
    """Change the URL (checked again), the event types or the description; fields not sent,
    or sent as null, stay as they are."""
    authorize(request.auth, MANAGE)
    return services.update_webhook(subscription_id=subscription_id, **payload.dict())


@router.delete("/{subscription_id}", response={204: None}, operation_id="delete_webhook")
def delete_webhook(request: HttpRequest, subscription_id: int) -> Status[None]:
    """Pending deliveries are dead-lettered; the subscription, its secrets and its delivery
    log are gone from the API."""
    authorize(request.auth, MANAGE)
    services.delete_webhook(subscription_id=subscription_id)
    return Status(204, None)


@router.post(
    "/{subscription_id}/disable", response=WebhookSubscriptionOut, operation_id="disable_webhook"
)
def disable_webhook(request: HttpRequest, subscription_id: int) -> object:
    """No new deliveries; pending ones are dead-lettered ("subscription disabled") and can be
    replayed once it is enabled again."""
    authorize(request.auth, MANAGE)
    return services.disable_webhook(subscription_id=subscription_id)


@router.post(
    "/{subscription_id}/enable", response=WebhookSubscriptionOut, operation_id="enable_webhook"
)
def enable_webhook(request: HttpRequest, subscription_id: int) -> object:
    """Events recorded from now on are delivered; none recorded while it was disabled."""
    authorize(request.auth, MANAGE)
    return services.enable_webhook(subscription_id=subscription_id)


@router.post(
    "/{subscription_id}/rotate-secret",
    response=WebhookSecretOut,
    operation_id="rotate_webhook_secret",
)
def rotate_webhook_secret(request: HttpRequest, subscription_id: int) -> dict:
    """A new secret signs from now; the old one keeps signing for 24 h beside it."""
    authorize(request.auth, MANAGE)
    return {"secret": services.rotate_webhook_secret(subscription_id=subscription_id)}


@router.post("/{subscription_id}/ping", response={202: DeliveryOut}, operation_id="ping_webhook")
def ping_webhook(request: HttpRequest, subscription_id: int) -> Status[dict]:
    """Send a signed `webhook.ping` event to this subscriber only, through the normal delivery
    path: follow it in the delivery log. 409 while the subscription is disabled."""
    authorize(request.auth, MANAGE)
    delivery = services.ping_webhook(subscription_id=subscription_id)
    return Status(202, _delivery_out(delivery))


@router.get(
    "/{subscription_id}/deliveries",
    response=Page[DeliveryOut],
    operation_id="list_webhook_deliveries",
)
def list_webhook_deliveries(
    request: HttpRequest,
    subscription_id: int,
    cursor: str | None = None,
    limit: PageLimit = 50,
) -> dict:
    """The delivery log: every event sent to this subscriber, each try and what it answered."""
    authorize(request.auth, MANAGE)
    selectors.subscription_by_id(subscription_id=subscription_id)
    page = paginate(
        selectors.deliveries_of(subscription_id=subscription_id), cursor=cursor, limit=limit
    )
    return {**page, "items": [_delivery_out(d) for d in page["items"]]}


@router.post(
    "/{subscription_id}/deliveries/{delivery_id}/replay",
    response=DeliveryOut,
    operation_id="replay_delivery_of_webhook",
)
def replay_delivery_of_webhook(
    request: HttpRequest, subscription_id: int, delivery_id: int
) -> dict:
    """Send again, with the same webhook-id so that the receiver can drop it if it has it.
    404 unless the delivery is this subscription's; 409 while it is pending or disabled."""
    authorize(request.auth, MANAGE)
    delivery = services.replay_webhook_delivery(
        delivery_id=delivery_id, subscription_id=subscription_id
    )
    return _delivery_out(delivery)


@router.post(
    "/deliveries/{delivery_id}/replay", response=DeliveryOut, operation_id="replay_webhook_delivery"
)
def replay_webhook_delivery(request: HttpRequest, delivery_id: int) -> dict:
    """As above, for a delivery known by its id alone: only a webhook delivery is found here,
    never one to comptoir's own handlers (404)."""
    authorize(request.auth, MANAGE)
    return _delivery_out(services.replay_webhook_delivery(delivery_id=delivery_id))
