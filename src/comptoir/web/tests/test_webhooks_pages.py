"""The back office's webhooks pages: the same rules as the API, in plain words, and a secret
shown once in the answer that made it."""

from __future__ import annotations

from html import unescape

import pytest
from django.db import transaction
from django.test import Client, override_settings

from comptoir.accounts.tests.factories import make_staff
from comptoir.core import clock, outbox
from comptoir.core.models import Delivery, OutboxEvent
from comptoir.integrations.models import WebhookSecret, WebhookSubscription
from comptoir.integrations.services import subscribe_webhook

pytestmark = pytest.mark.django_db
CRM_URL = "http://127.0.0.1:9/hooks/comptoir"


@pytest.fixture
def ops() -> Client:
    client = Client()
    client.force_login(make_staff("operations"))
    return client


def page(answer) -> str:
    return unescape(answer.content.decode())


def crm() -> WebhookSubscription:
    return subscribe_webhook(url=CRM_URL, event_types=["order.placed"])[0]


def test_adding_a_webhook_shows_its_secret_once(ops):
    answer = ops.post(
        "/backoffice/webhooks/",
        {"url": CRM_URL, "event_types": ["order.placed", "order.cancelled"], "description": "CRM"},
    )

    subscription = WebhookSubscription.objects.get()
    secret = WebhookSecret.objects.get(subscription=subscription).secret
    assert answer.status_code == 200
    assert secret in page(answer)
    assert subscription.event_types == ["order.placed", "order.cancelled"]
    assert secret not in page(ops.get("/backoffice/webhooks/"))
    assert secret not in page(ops.get(f"/backoffice/webhooks/{subscription.pk}/"))


@override_settings(WEBHOOK_ALLOWED_NETWORKS=[])
def test_a_refused_address_is_explained_on_the_form(ops):
    answer = ops.post(
        "/backoffice/webhooks/", {"url": "https://169.254.169.254/", "event_types": ["*"]}
    )

    assert answer.status_code == 200
    assert "comptoir n'envoie pas de webhooks à cette adresse" in page(answer)
    assert "a metadata or reserved address" in page(answer)
    assert not WebhookSubscription.objects.exists()


def test_disabling_asks_first_then_stops_pending_deliveries(ops):
    subscription = crm()
    with_pending = pending_delivery(subscription)

    question = ops.get(f"/backoffice/webhooks/{subscription.pk}/disable/")
    subscription.refresh_from_db()
    assert question.status_code == 200
    assert subscription.is_active  # asking changes nothing

    done = ops.post(f"/backoffice/webhooks/{subscription.pk}/disable/")

    assert done.status_code == 302
    subscription.refresh_from_db()
    with_pending.refresh_from_db()
    assert not subscription.is_active
    assert (with_pending.status, with_pending.last_error) == ("dead", "subscription disabled")


def test_a_disabled_webhook_is_enabled_and_its_delivery_sent_again(ops):
    subscription = crm()
    given_up = pending_delivery(subscription)
    ops.post(f"/backoffice/webhooks/{subscription.pk}/disable/")

    ops.post(f"/backoffice/webhooks/{subscription.pk}/enable/")
    ops.post(f"/backoffice/webhooks/{subscription.pk}/deliveries/{given_up.pk}/replay/")

    subscription.refresh_from_db()
    given_up.refresh_from_db()
    assert subscription.is_active
    assert (given_up.status, given_up.attempts) == ("pending", 0)


def test_deleting_asks_first_then_removes_it(ops):
    subscription = crm()

    ops.get(f"/backoffice/webhooks/{subscription.pk}/delete/")
    assert WebhookSubscription.objects.filter(pk=subscription.pk).exists()
    done = ops.post(f"/backoffice/webhooks/{subscription.pk}/delete/")

    assert done.status_code == 302
    assert done["Location"] == "/backoffice/webhooks/"
    assert not WebhookSubscription.objects.filter(pk=subscription.pk).exists()


def test_rotating_shows_the_new_secret_once(ops):
    subscription = crm()

    answer = ops.post(f"/backoffice/webhooks/{subscription.pk}/rotate/")

    newest = WebhookSecret.objects.filter(subscription=subscription).latest("created_at", "id")
    assert newest.secret in page(answer)
    assert WebhookSecret.objects.filter(subscription=subscription).count() == 2


def test_a_ping_is_recorded_for_this_webhook(ops):
    subscription = crm()

    answer = ops.post(f"/backoffice/webhooks/{subscription.pk}/ping/")

    assert answer.status_code == 302
    event = OutboxEvent.objects.get(type="webhook.ping")
    assert Delivery.objects.filter(event=event, target=f"webhook:{subscription.pk}").exists()


def test_an_associate_cannot_manage_webhooks(ops):
    associate = Client()
    associate.force_login(make_staff("associate", username="sofia"))

    answer = associate.post("/backoffice/webhooks/", {"url": CRM_URL, "event_types": ["*"]})

    assert answer.status_code == 403
    assert not WebhookSubscription.objects.exists()


def pending_delivery(subscription: WebhookSubscription) -> Delivery:
    with transaction.atomic():
        event = outbox.record_event("order.placed", aggregate="order:1", payload={"order_id": 1})
    return Delivery.objects.create(
        event=event, target=f"webhook:{subscription.pk}", next_attempt_at=clock.now()
    )


def test_the_webhooks_pages_speak_english_when_chosen(ops):
    subscription = crm()
    ops.post("/i18n/setlang/", {"language": "en", "next": "/backoffice/webhooks/"})

    listing = page(ops.get("/backoffice/webhooks/"))
    detail = page(ops.get(f"/backoffice/webhooks/{subscription.pk}/"))

    assert '<html lang="en">' in listing
    assert "Add a webhook" in listing
    assert "Send a test ping" in detail
    assert "Disabled" not in detail
    assert "Active" in detail
