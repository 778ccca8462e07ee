"""Webhooks over real HTTP to a receiver that verifies them with the reference library.

The receiver runs in a thread that never touches the database, so these tests stay inside the
test transaction. The commit's wake-up therefore never fires and each delivery happens where
the test calls `run_due_work`, as one worker sweep.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from comptoir.core import clock
from comptoir.core.domain import RETRY_DELAYS
from comptoir.core.models import Delivery, DeliveryAttempt, OutboxEvent
from comptoir.core.outbox import replay, run_due_work
from comptoir.customers.models import Customer
from comptoir.customers.services import register_shopper
from comptoir.integrations.domain import new_secret
from comptoir.integrations.models import WebhookSecret
from comptoir.integrations.services import rotate_webhook_secret, subscribe_webhook
from comptoir.wiring import ROUTES

from .receiver import WebhookReceiver, receiving_webhooks


def subscribe(receiver: WebhookReceiver) -> tuple[int, str]:
    subscription, secret = subscribe_webhook(url=receiver.url, event_types=["customer.registered"])
    return subscription.pk, secret


def register_jean() -> tuple[Customer, OutboxEvent]:
    jean = register_shopper(
        email="jean@example.com", password="correct horse", first_name="Jean", last_name="Dupont"
    )
    return jean, OutboxEvent.objects.get(
        type="customer.registered", aggregate=f"customer:{jean.pk}"
    )


def delivery_to(subscription_id: int) -> Delivery:
    return Delivery.objects.get(target=f"webhook:{subscription_id}")


def log_of(delivery: Delivery) -> list[tuple[bool, int | None]]:
    attempts = DeliveryAttempt.objects.filter(delivery=delivery).order_by("id")
    return [(attempt.succeeded, attempt.response_status) for attempt in attempts]


def signatures_sent(receiver: WebhookReceiver) -> list[int]:
    return [len(headers["webhook-signature"].split(" ")) for headers in receiver.requests]


@pytest.mark.django_db
def test_a_signed_event_is_accepted_by_a_receiver_that_verifies_it():
    with receiving_webhooks() as crm:
        subscription_id, crm.secret = subscribe(crm)
        jean, event = register_jean()

        run_due_work(ROUTES, worker="worker-a")

    assert crm.rejected == []
    assert crm.accepted == [
        (
            f"msg_{event.event_id.hex}",
            {
                "type": "customer.registered",
                "timestamp": event.occurred_at.isoformat(),
                "data": {
                    "aggregate": f"customer:{jean.pk}",
                    "customer_id": jean.pk,
                    "channel": "web",
                },
            },
        )
    ]
    delivery = delivery_to(subscription_id)
    assert delivery.status == Delivery.Status.DELIVERED
    assert log_of(delivery) == [(True, 200)]


@pytest.mark.django_db
def test_a_receiver_that_knows_another_secret_rejects_the_event():
    with receiving_webhooks() as impostor:
        subscription_id, _ = subscribe(impostor)
        impostor.secret = new_secret()  # not the one comptoir signs with
        register_jean()

        run_due_work(ROUTES, worker="worker-a")

    assert (impostor.accepted, impostor.rejected) == ([], ["No matching signature found"])
    delivery = delivery_to(subscription_id)
    assert delivery.status == Delivery.Status.PENDING
    assert log_of(delivery) == [(False, 400)]


@pytest.mark.django_db
def test_during_a_secret_rotation_receivers_knowing_either_secret_accept_the_event():
    with receiving_webhooks() as switched, receiving_webhooks() as not_yet_switched:
        switched_id, _ = subscribe(switched)
        not_yet_id, old_secret = subscribe(not_yet_switched)
        switched.secret = rotate_webhook_secret(subscription_id=switched_id)
        rotate_webhook_secret(subscription_id=not_yet_id)
        not_yet_switched.secret = old_secret
        _, event = register_jean()

        run_due_work(ROUTES, worker="worker-a")

    message_id = f"msg_{event.event_id.hex}"
    assert [message for message, _ in switched.accepted] == [message_id]
    assert [message for message, _ in not_yet_switched.accepted] == [message_id]
    assert (switched.rejected, not_yet_switched.rejected) == ([], [])
    assert signatures_sent(switched) == signatures_sent(not_yet_switched) == [2]
    assert delivery_to(switched_id).status == Delivery.Status.DELIVERED
    assert delivery_to(not_yet_id).status == Delivery.Status.DELIVERED


@pytest.mark.django_db
def test_once_the_grace_period_is_over_only_the_new_secret_signs():
    with receiving_webhooks() as switched, receiving_webhooks() as not_yet_switched:
        switched_id, _ = subscribe(switched)
        not_yet_id, old_secret = subscribe(not_yet_switched)
        switched.secret = rotate_webhook_secret(subscription_id=switched_id)
        rotate_webhook_secret(subscription_id=not_yet_id)
        not_yet_switched.secret = old_secret
        # The 24 h have passed: move the retirement of both old secrets into the past.
        WebhookSecret.objects.filter(retires_at__isnull=False).update(
            retires_at=clock.now() - timedelta(seconds=1)
        )
        register_jean()

        run_due_work(ROUTES, worker="worker-a")

    assert len(switched.accepted) == 1
    assert (not_yet_switched.accepted, not_yet_switched.rejected) == (
        [],
        ["No matching signature found"],
    )
    assert signatures_sent(switched) == signatures_sent(not_yet_switched) == [1]
    assert delivery_to(switched_id).status == Delivery.Status.DELIVERED
    assert log_of(delivery_to(not_yet_id)) == [(False, 400)]


@pytest.mark.django_db
def test_a_replayed_delivery_carries_the_same_webhook_id_and_the_receiver_drops_it():
    with receiving_webhooks() as crm:
        subscription_id, crm.secret = subscribe(crm)
        _, event = register_jean()
        run_due_work(ROUTES, worker="worker-a")

        replay(delivery_to(subscription_id).pk)
        run_due_work(ROUTES, worker="worker-b")

    message_id = f"msg_{event.event_id.hex}"
    assert [headers["webhook-id"] for headers in crm.requests] == [message_id, message_id]
    assert [message for message, _ in crm.accepted] == [message_id]
    assert crm.duplicates == [message_id]
    delivery = delivery_to(subscription_id)
    assert delivery.status == Delivery.Status.DELIVERED
    assert log_of(delivery) == [(True, 200), (True, 200)]


@pytest.mark.django_db
def test_a_receiver_answering_500_gets_the_event_again_on_the_retry_schedule():
    with receiving_webhooks(answer=500) as crm:
        subscription_id, crm.secret = subscribe(crm)
        register_jean()

        before = clock.now()
        run_due_work(ROUTES, worker="worker-a")
        after = clock.now()

    assert (len(crm.requests), crm.rejected, crm.accepted) == (1, [], [])
    delivery = delivery_to(subscription_id)
    assert (delivery.status, delivery.attempts) == (Delivery.Status.PENDING, 1)
    assert before + RETRY_DELAYS[0] <= delivery.next_attempt_at <= after + RETRY_DELAYS[0]
    assert (delivery.lease_owner, delivery.lease_until) == ("", None)
    assert log_of(delivery) == [(False, 500)]
