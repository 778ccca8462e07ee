"""A subscription's life over real HTTP: a ping reaches the receiver signed and shows in the
delivery log; a disabled subscription receives nothing more. Deliveries happen where the test
calls `run_due_work`, as one worker sweep (see test_standard_webhooks.py)."""

from __future__ import annotations

import pytest

from comptoir.accounts.tests.factories import bearer, make_api_token
from comptoir.core.models import Delivery
from comptoir.core.outbox import run_due_work
from comptoir.customers.services import register_shopper
from comptoir.wiring import ROUTES

from .receiver import receiving_webhooks

pytestmark = pytest.mark.django_db
URL = "/api/v1/webhooks"


@pytest.fixture
def manager() -> dict[str, str]:
    _, raw = make_api_token("webhooks.manage", name="crm-connector")
    return bearer(raw)


def post(client, path, headers, body=None):
    return client.post(path, body or {}, content_type="application/json", headers=headers)


def test_a_ping_reaches_the_receiver_signed_and_shows_in_the_log(client, manager):
    with receiving_webhooks() as crm:
        created = post(client, URL, manager, {"url": crm.url, "event_types": ["order.placed"]})
        crm.secret = created.json()["secret"]
        subscription_id = created.json()["id"]

        pinged = post(client, f"{URL}/{subscription_id}/ping", manager)
        run_due_work(ROUTES, worker="worker-a")

    assert pinged.status_code == 202
    assert crm.rejected == []
    [(message_id, payload)] = crm.accepted
    assert message_id == f"msg_{pinged.json()['event_id'].replace('-', '')}"
    assert payload["type"] == "webhook.ping"
    assert payload["data"] == {
        "aggregate": f"webhook:{subscription_id}",
        "subscription_id": subscription_id,
    }
    log = client.get(f"{URL}/{subscription_id}/deliveries", headers=manager).json()["items"]
    assert [(d["event_type"], d["status"]) for d in log] == [("webhook.ping", "delivered")]
    assert [(a["succeeded"], a["response_status"]) for a in log[0]["log"]] == [(True, 200)]


def test_a_disabled_subscription_receives_nothing_more(client, manager):
    with receiving_webhooks() as crm:
        created = post(client, URL, manager, {"url": crm.url, "event_types": ["*"]})
        crm.secret = created.json()["secret"]
        subscription_id = created.json()["id"]
        jean = register_shopper(
            email="jean@example.com", password="correct horse", first_name="Jean", last_name="D"
        )
        run_due_work(ROUTES, worker="worker-a")  # fanned out, delivered
        post(client, f"{URL}/{subscription_id}/disable", manager)
        register_shopper(
            email="zoe@example.com", password="correct horse", first_name="Zoé", last_name="D"
        )
        run_due_work(ROUTES, worker="worker-a")

    assert [payload["data"]["aggregate"] for _, payload in crm.accepted] == [f"customer:{jean.pk}"]
    assert Delivery.objects.filter(target=f"webhook:{subscription_id}").count() == 1
