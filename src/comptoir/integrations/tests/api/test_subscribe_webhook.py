"""POST /api/v1/webhooks: what a subscription may point at and ask for; its secret shown once."""

from __future__ import annotations

import pytest
from django.test import override_settings

from comptoir.accounts.tests.factories import bearer, make_api_token
from comptoir.core.models import IdempotencyRecord
from comptoir.integrations.models import WebhookSecret, WebhookSubscription
from comptoir.integrations.tests.factories import CRM_URL, webhook_manager
from comptoir.wiring import HANDLERS

pytestmark = pytest.mark.django_db
URL = "/api/v1/webhooks"


def subscribe(client, body, **headers):
    return client.post(URL, body, content_type="application/json", headers=headers)


def test_a_subscription_is_created_with_a_secret_shown_once(client):
    response = subscribe(
        client, {"url": CRM_URL, "event_types": ["order.placed"]}, **webhook_manager()
    )

    assert response.status_code == 201
    body = response.json()
    subscription = WebhookSubscription.objects.get()
    assert body["secret"] == WebhookSecret.objects.get(subscription=subscription).secret
    assert (body["id"], body["event_types"], body["is_active"]) == (
        subscription.pk,
        ["order.placed"],
        True,
    )
    shown_again = client.get(f"{URL}/{subscription.pk}", headers=webhook_manager()).json()
    assert "secret" not in shown_again


@override_settings(WEBHOOK_ALLOWED_NETWORKS=[])
@pytest.mark.parametrize(
    "url",
    [
        "https://169.254.169.254/latest/meta-data/",
        "https://127.0.0.1/hooks",
        "https://localhost/hooks",
        "https://admin:hunter2@8.8.8.8/hooks",
        "https://[::ffff:10.0.0.1]/hooks",
    ],
)
def test_an_address_comptoir_must_not_reach_is_refused_on_the_url_field(client, url):
    response = subscribe(client, {"url": url}, **webhook_manager())

    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    problem = response.json()
    assert problem["code"] == "invalid-webhook-url"
    assert [error["field"] for error in problem["errors"]] == ["body.url"]
    assert not WebhookSubscription.objects.exists()


def test_an_unknown_event_type_is_refused_with_the_known_ones_listed(client):
    response = subscribe(
        client,
        {"url": CRM_URL, "event_types": ["order.placed", "order.shipped"]},
        **webhook_manager(),
    )

    assert response.status_code == 422
    problem = response.json()
    assert problem["code"] == "unknown-event-types"
    assert problem["errors"] == [{"field": "body.event_types", "message": "unknown: order.shipped"}]
    assert "order.placed" in problem["detail"]
    assert "shipment.delivered" in problem["detail"]
    assert not WebhookSubscription.objects.exists()


def test_every_event_stays_a_valid_choice(client):
    response = subscribe(client, {"url": CRM_URL, "event_types": ["*"]}, **webhook_manager())

    assert response.status_code == 201
    assert response.json()["event_types"] == ["*"]


def test_the_secret_is_not_kept_with_the_idempotent_answer_nor_replayed(client):
    headers = {**webhook_manager(), "Idempotency-Key": "crm-subscribe-1"}
    body = {"url": CRM_URL, "event_types": ["order.placed"]}

    first = subscribe(client, body, **headers)
    replayed = subscribe(client, body, **headers)

    secret = first.json()["secret"]
    assert secret.startswith("whsec_")
    record = IdempotencyRecord.objects.get(key="crm-subscribe-1")
    assert secret.encode() not in bytes(record.response_body)
    assert replayed.status_code == 201
    assert replayed["Idempotent-Replayed"] == "true"
    assert replayed.json() == {**first.json(), "secret": None}
    assert WebhookSubscription.objects.count() == 1


def test_the_event_types_a_subscription_may_ask_for_are_listed(client):
    response = client.get(f"{URL}/event-types", headers=webhook_manager())

    assert response.status_code == 200
    event_types = response.json()["event_types"]
    assert {"order.placed", "customer.registered", "stock.changed", "webhook.ping"} <= set(
        event_types
    )
    assert event_types == sorted(event_types)


def test_managing_webhooks_needs_the_permission(client):
    _, raw = make_api_token("orders.read")

    response = subscribe(client, {"url": CRM_URL}, **bearer(raw))

    assert response.status_code == 403
    assert not WebhookSubscription.objects.exists()


def test_every_event_type_the_apps_react_to_may_be_asked_for(client):
    response = client.get(f"{URL}/event-types", headers=webhook_manager())

    assert set(HANDLERS) <= set(response.json()["event_types"])
