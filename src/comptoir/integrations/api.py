from django.http import HttpRequest
from ninja import Router, Status
from ninja.decorators import decorate_view

from comptoir.core import outbox
from comptoir.core.access import authorize
from comptoir.core.idempotency import idempotent
from comptoir.core.models import Delivery
from comptoir.core.pagination import Page, paginate

from . import selectors, services
from .schemas import (
    CreatedWebhookOut,
    DeliveryOut,
    WebhookSecretOut,
    WebhookSubscriptionIn,
    WebhookSubscriptionOut,
)

router = Router(tags=["webhooks"])


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
@decorate_view(idempotent)
def subscribe_webhook(request: HttpRequest, payload: WebhookSubscriptionIn) -> Status[dict]:
    authorize(request.auth, "webhooks.manage")
    subscription, secret = services.subscribe_webhook(**payload.dict())
    return Status(201, {**WebhookSubscriptionOut.from_orm(subscription).dict(), "secret": secret})


@router.get("", response=list[WebhookSubscriptionOut], operation_id="list_webhooks")
def list_webhooks(request: HttpRequest) -> object:
    authorize(request.auth, "webhooks.manage")
    return selectors.subscription_list()


@router.post(
    "/{subscription_id}/rotate-secret",
    response=WebhookSecretOut,
    operation_id="rotate_webhook_secret",
)
def rotate_webhook_secret(request: HttpRequest, subscription_id: int) -> dict:
    """A new secret signs from now; the old one keeps signing for 24 h beside it."""
    authorize(request.auth, "webhooks.manage")
    return {"secret": services.rotate_webhook_secret(subscription_id=subscription_id)}


@router.get(
    "/{subscription_id}/deliveries",
    response=Page[DeliveryOut],
    operation_id="list_webhook_deliveries",
)
def list_webhook_deliveries(
    request: HttpRequest, subscription_id: int, cursor: str | None = None, limit: int = 50
) -> dict:
    """The delivery log: every event sent to this subscriber, each try and what it answered."""
    authorize(request.auth, "webhooks.manage")
    selectors.subscription_by_id(subscription_id=subscription_id)
    page = paginate(
        selectors.deliveries_of(subscription_id=subscription_id), cursor=cursor, limit=limit
    )
    return {**page, "items": [_delivery_out(d) for d in page["items"]]}


@router.post(
    "/deliveries/{delivery_id}/replay", response=DeliveryOut, operation_id="replay_webhook_delivery"
)
def replay_webhook_delivery(request: HttpRequest, delivery_id: int) -> dict:
    """Send again, with the same webhook-id so that the receiver can drop it if it has it."""
    authorize(request.auth, "webhooks.manage")
    return _delivery_out(outbox.replay(delivery_id))
