"""GET/PATCH/DELETE /api/v1/webhooks/{id}, disable, enable, ping and replay: what each does to
the subscription and to its deliveries."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.test import override_settings

from comptoir.core import clock, outbox
from comptoir.core.models import Delivery, OutboxEvent
from comptoir.integrations.models import WebhookSecret, WebhookSubscription
from comptoir.integrations.selectors import subscription_targets_for
from comptoir.integrations.services import subscribe_webhook
from comptoir.integrations.tests.factories import CRM_URL, webhook_manager
from comptoir.wiring import ROUTES

pytestmark = pytest.mark.django_db
URL = "/api/v1/webhooks"


def crm(*event_types: str) -> WebhookSubscription:
    subscription, _ = subscribe_webhook(url=CRM_URL, event_types=list(event_types) or ["*"])
    return subscription


def delivery_for(target: str, *, status: str = Delivery.Status.PENDING) -> Delivery:
    with transaction.atomic():
        event = outbox.record_event("order.placed", aggregate="order:1", payload={"order_id": 1})
    return Delivery.objects.create(
        event=event,
        target=target,
        status=status,
        next_attempt_at=clock.now(),
        delivered_at=clock.now() if status == Delivery.Status.DELIVERED else None,
    )


def post(client, path, body=None):
    return client.post(path, body or {}, content_type="application/json", headers=webhook_manager())


def test_a_subscription_is_read_by_its_id(client):
    subscription = crm("order.placed")

    response = client.get(f"{URL}/{subscription.pk}", headers=webhook_manager())
    missing = client.get(f"{URL}/{subscription.pk + 1}", headers=webhook_manager())

    assert response.status_code == 200
    assert (response.json()["url"], response.json()["event_types"]) == (CRM_URL, ["order.placed"])
    assert missing.status_code == 404
    assert missing.json()["code"] == "webhook-subscription-not-found"


def test_an_update_changes_only_what_is_sent(client):
    subscription = crm("order.placed")

    response = client.patch(
        f"{URL}/{subscription.pk}",
        {"event_types": ["order.placed", "order.cancelled"]},
        content_type="application/json",
        headers=webhook_manager(),
    )

    assert response.status_code == 200
    subscription.refresh_from_db()
    assert subscription.event_types == ["order.placed", "order.cancelled"]
    assert subscription.url == CRM_URL


def test_an_update_checks_the_new_url_and_event_types_again(client):
    subscription = crm("order.placed")

    with override_settings(WEBHOOK_ALLOWED_NETWORKS=[]):
        to_metadata = client.patch(
            f"{URL}/{subscription.pk}",
            {"url": "https://169.254.169.254/"},
            content_type="application/json",
            headers=webhook_manager(),
        )
    to_unknown = client.patch(
        f"{URL}/{subscription.pk}",
        {"event_types": ["order.teleported"]},
        content_type="application/json",
        headers=webhook_manager(),
    )

    assert (to_metadata.status_code, to_metadata.json()["errors"][0]["field"]) == (422, "body.url")
    assert (to_unknown.status_code, to_unknown.json()["errors"][0]["field"]) == (
        422,
        "body.event_types",
    )
    subscription.refresh_from_db()
    assert (subscription.url, subscription.event_types) == (CRM_URL, ["order.placed"])


def test_disabling_dead_letters_pending_deliveries_and_stops_new_ones(client):
    subscription = crm()
    target = f"webhook:{subscription.pk}"
    pending = delivery_for(target)
    delivered = delivery_for(target, status=Delivery.Status.DELIVERED)

    response = post(client, f"{URL}/{subscription.pk}/disable")

    assert response.status_code == 200
    assert response.json()["is_active"] is False
    pending.refresh_from_db()
    delivered.refresh_from_db()
    assert (pending.status, pending.last_error) == ("dead", "subscription disabled")
    assert delivered.status == "delivered"
    assert target not in subscription_targets_for([("order.placed", clock.now())])[0]


def test_a_delivery_given_up_by_disabling_is_replayed_once_enabled(client):
    subscription = crm()
    pending = delivery_for(f"webhook:{subscription.pk}")
    post(client, f"{URL}/{subscription.pk}/disable")
    replay = f"{URL}/{subscription.pk}/deliveries/{pending.pk}/replay"

    while_disabled = post(client, replay)
    enabled = post(client, f"{URL}/{subscription.pk}/enable")
    once_enabled = post(client, replay)

    assert while_disabled.status_code == 409
    assert while_disabled.json()["code"] == "webhook-subscription-disabled"
    assert enabled.json()["is_active"] is True
    assert once_enabled.status_code == 200
    pending.refresh_from_db()
    assert (pending.status, pending.attempts) == ("pending", 0)


def test_deleting_removes_the_subscription_and_its_secrets(client):
    subscription = crm()
    pending = delivery_for(f"webhook:{subscription.pk}")

    response = client.delete(f"{URL}/{subscription.pk}", headers=webhook_manager())

    assert response.status_code == 204
    assert not WebhookSubscription.objects.filter(pk=subscription.pk).exists()
    assert not WebhookSecret.objects.filter(subscription_id=subscription.pk).exists()
    pending.refresh_from_db()
    assert (pending.status, pending.last_error) == ("dead", "subscription deleted")
    gone = client.get(f"{URL}/{subscription.pk}/deliveries", headers=webhook_manager())
    assert gone.status_code == 404


def test_a_ping_is_one_delivery_to_that_subscriber_only(client):
    pinged, everything = crm(), crm()

    response = post(client, f"{URL}/{pinged.pk}/ping")

    assert response.status_code == 202
    assert response.json()["event_type"] == "webhook.ping"
    event = OutboxEvent.objects.get(type="webhook.ping")
    assert event.payload == {"subscription_id": pinged.pk}
    assert list(Delivery.objects.filter(event=event).values_list("target", "status")) == [
        (f"webhook:{pinged.pk}", "pending")
    ]
    outbox.fan_out(ROUTES)
    assert not Delivery.objects.filter(target=f"webhook:{everything.pk}").exists()


def test_a_disabled_subscription_cannot_be_pinged(client):
    subscription = crm()
    post(client, f"{URL}/{subscription.pk}/disable")

    response = post(client, f"{URL}/{subscription.pk}/ping")

    assert response.status_code == 409
    assert not OutboxEvent.objects.filter(type="webhook.ping").exists()


@pytest.mark.parametrize("path", ["/deliveries/{d}/replay", "/{s}/deliveries/{d}/replay"])
def test_a_delivery_to_an_internal_handler_is_not_replayed(client, path):
    subscription = crm()
    handler = delivery_for(
        "handler:comptoir.customers.handlers.put_purchase_on_timeline", status="dead"
    )

    response = post(client, URL + path.format(s=subscription.pk, d=handler.pk))

    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == "webhook-delivery-not-found"
    handler.refresh_from_db()
    assert handler.status == "dead"


def test_another_subscriptions_delivery_is_not_replayed_through_this_one(client):
    mine, theirs = crm(), crm()
    their_delivery = delivery_for(f"webhook:{theirs.pk}", status="dead")

    response = post(client, f"{URL}/{mine.pk}/deliveries/{their_delivery.pk}/replay")
    by_id = post(client, f"{URL}/deliveries/{their_delivery.pk}/replay")

    assert response.status_code == 404
    assert by_id.status_code == 200  # the unscoped path finds it: it is a webhook delivery


def test_the_delivery_log_limit_is_bounded(client):
    subscription = crm()

    response = client.get(
        f"{URL}/{subscription.pk}/deliveries?limit=100000", headers=webhook_manager()
    )

    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "query.limit"
