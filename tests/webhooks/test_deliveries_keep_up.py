"""Deliveries that keep up: breakers, leases kept alive, subscriptions that start or stop.

Real HTTP to receivers on 127.0.0.1 that verify each signature with the reference library.
Tests that need a second worker beside the first (a rival claiming while a batch is sent) run
outside the test transaction, with real connections from several threads.
"""

from __future__ import annotations

import threading
import time
from datetime import timedelta

import pytest
from django.conf import settings
from django.db import connection, transaction

from comptoir.core import clock
from comptoir.core.models import Delivery, DeliveryAttempt, DeliveryTarget, OutboxEvent
from comptoir.core.outbox import claim_due, fan_out, record_event, run_due_work
from comptoir.integrations.models import WebhookSubscription
from comptoir.integrations.services import subscribe_webhook
from comptoir.wiring import ROUTES

from .receiver import WebhookReceiver, receiving_webhooks

STOCK_CHANGED = "stock.changed"  # no in-process handler: the webhook is its only delivery


def subscribe(receiver: WebhookReceiver) -> str:
    subscription, receiver.secret = subscribe_webhook(url=receiver.url, event_types=[STOCK_CHANGED])
    return f"webhook:{subscription.pk}"


def ship_parcels(count: int, *, first: int = 1) -> list[OutboxEvent]:
    with transaction.atomic():
        return [
            record_event(STOCK_CHANGED, aggregate=f"shipment:{n}", payload={"shipment_id": n})
            for n in range(first, first + count)
        ]


def deliveries_to(target: str) -> list[Delivery]:
    return list(Delivery.objects.filter(target=target).order_by("id"))


def tries_of(target: str) -> int:
    return DeliveryAttempt.objects.filter(delivery__target=target).count()


def sweep_until_idle(worker: str = "worker-a") -> None:
    while run_due_work(ROUTES, worker=worker).attempted:
        pass


def breaker_of(target: str) -> DeliveryTarget:
    return DeliveryTarget.objects.get(target=target)


def open_the_breaker_then_ship_three_more() -> None:
    ship_parcels(settings.OUTBOX_BREAKER_FAILURES)
    sweep_until_idle()
    ship_parcels(3, first=settings.OUTBOX_BREAKER_FAILURES + 1)
    sweep_until_idle()


def make_due_now(target: str) -> None:
    """Time passes: what the target's deliveries wait for (a cool-down, a probe) is over."""
    past = clock.now() - timedelta(milliseconds=1)
    Delivery.objects.filter(target=target, status=Delivery.Status.PENDING).update(
        next_attempt_at=past
    )
    DeliveryTarget.objects.filter(target=target, open_until__isnull=False).update(open_until=past)


@pytest.mark.django_db
def test_a_webhook_is_posted_to_the_path_and_query_of_its_url():
    with receiving_webhooks(keep_alive=True) as receiver:
        receiver.url += "?tenant=7"
        subscribe(receiver)
        ship_parcels(2)
        sweep_until_idle()

    assert receiver.paths == ["/hooks/comptoir?tenant=7"] * 2
    assert len(receiver.accepted) == 2


@pytest.mark.django_db
def test_a_dead_endpoint_opens_its_breaker_and_the_other_subscriber_still_gets_every_event():
    failures_to_open = settings.OUTBOX_BREAKER_FAILURES
    with receiving_webhooks(answer=503) as dead, receiving_webhooks() as alive:
        dead_target, alive_target = subscribe(dead), subscribe(alive)
        ship_parcels(failures_to_open)
        sweep_until_idle()  # the dead endpoint fails them all: its breaker opens
        ship_parcels(3, first=failures_to_open + 1)
        sweep_until_idle()

    assert len(alive.accepted) == failures_to_open + 3
    assert len(dead.requests) == failures_to_open  # the rest were held back, not sent
    breaker = breaker_of(dead_target)
    assert breaker.open_until is not None
    assert breaker.consecutive_failures == failures_to_open
    held_back = [d for d in deliveries_to(dead_target) if d.attempts == 0]
    assert len(held_back) == 3  # held back without using up a try
    # Every delivery to the dead endpoint, retries included, is due when it half-opens.
    assert {d.next_attempt_at for d in deliveries_to(dead_target)} == {breaker.open_until}
    assert {d.status for d in deliveries_to(alive_target)} == {Delivery.Status.DELIVERED}
    assert not DeliveryTarget.objects.filter(target=alive_target, open_until__isnull=False)


@pytest.mark.django_db
def test_after_the_cool_down_one_probe_that_succeeds_closes_the_breaker():
    with receiving_webhooks(answer=503) as crm:
        target = subscribe(crm)
        open_the_breaker_then_ship_three_more()
        requests_while_down = len(crm.requests)
        crm.answer = 200  # the endpoint is back
        make_due_now(target)

        run_due_work(ROUTES, worker="worker-b")
        probes = len(crm.requests) - requests_while_down
        breaker = breaker_of(target)
        make_due_now(target)  # the others waited for the probe's answer
        sweep_until_idle()

    assert probes == 1
    assert (breaker.consecutive_failures, breaker.open_until, breaker.probe_until) == (
        0,
        None,
        None,
    )
    assert {d.status for d in deliveries_to(target)} == {Delivery.Status.DELIVERED}
    assert len(crm.accepted) == settings.OUTBOX_BREAKER_FAILURES + 3


@pytest.mark.django_db
def test_a_probe_that_fails_opens_the_breaker_for_another_cool_down():
    with receiving_webhooks(answer=503) as crm:
        target = subscribe(crm)
        open_the_breaker_then_ship_three_more()
        make_due_now(target)
        before_probe = len(crm.requests)

        run_due_work(ROUTES, worker="worker-b")

    assert len(crm.requests) == before_probe + 1
    breaker = breaker_of(target)
    assert breaker.open_until > clock.now() + timedelta(
        seconds=settings.OUTBOX_BREAKER_COOLDOWN_SECONDS - 5
    )
    assert breaker.probe_until is None
    waiting = [d for d in deliveries_to(target) if d.status == Delivery.Status.PENDING]
    assert all(d.next_attempt_at >= breaker.open_until for d in waiting)


@pytest.mark.django_db
def test_events_that_occurred_before_a_subscription_existed_are_not_sent_to_it():
    with receiving_webhooks() as early, receiving_webhooks() as late:
        subscribe(early)
        before = ship_parcels(2)
        late_target = subscribe(late)
        after = ship_parcels(1, first=3)

        sweep_until_idle()

    # Sent side by side: in any order.
    assert sorted(message for message, _ in early.accepted) == sorted(
        f"msg_{event.event_id.hex}" for event in before + after
    )
    assert [message for message, _ in late.accepted] == [f"msg_{after[0].event_id.hex}"]
    assert [d.event_id for d in deliveries_to(late_target)] == [after[0].pk]


@pytest.mark.parametrize("ending", ["deleted", "disabled"])
@pytest.mark.django_db
def test_deliveries_to_a_subscription_that_ended_are_dead_lettered_at_once(ending):
    with receiving_webhooks() as crm:
        target = subscribe(crm)
        ship_parcels(2)
        fan_out(ROUTES)  # the deliveries exist when the subscription ends
        subscription = WebhookSubscription.objects.get()
        if ending == "deleted":
            subscription.delete()
        else:
            WebhookSubscription.objects.update(is_active=False)

        sweep_until_idle()

    assert crm.requests == []
    ended = deliveries_to(target)
    assert [(d.status, d.attempts) for d in ended] == [(Delivery.Status.DEAD, 1)] * 2
    why = {"deleted": "the subscription was deleted", "disabled": "the subscription is disabled"}
    assert {d.last_error for d in ended} == {why[ending]}
    assert not DeliveryTarget.objects.filter(target=target, consecutive_failures__gt=0)


@pytest.mark.django_db
def test_an_address_refused_at_delivery_time_is_a_failed_try_that_says_why():
    with receiving_webhooks() as crm:
        target = subscribe(crm)
        ship_parcels(1)
        WebhookSubscription.objects.update(url="ftp://127.0.0.1/hooks")

        run_due_work(ROUTES, worker="worker-a")

    assert crm.requests == []
    [delivery] = deliveries_to(target)
    assert (delivery.status, delivery.attempts) == (Delivery.Status.PENDING, 1)
    assert delivery.last_error.startswith("address refused:")


@pytest.mark.django_db(transaction=True)
def test_the_lease_of_a_batch_outlasting_it_is_renewed_so_no_rival_worker_takes_any(settings):
    settings.OUTBOX_LEASE_SECONDS = 1
    settings.OUTBOX_MAX_IN_FLIGHT_PER_TARGET = 1  # one at a time: the batch takes ~3 leases
    parcels = 8
    with receiving_webhooks() as slow_crm:
        slow_crm.seconds_per_answer = 0.3
        target = subscribe(slow_crm)
        # Fanned out due in an hour: the wake-up of the commit (at once in tests) sends none.
        with transaction.atomic():
            ship_parcels(parcels)
            fan_out(ROUTES, now=clock.now() + timedelta(hours=1))
        Delivery.objects.update(next_attempt_at=clock.now())
        sending = threading.Event()
        rival_claims: list[int] = []

        def rival_worker() -> None:
            try:
                sending.wait(timeout=10)
                while sending.is_set():
                    rival_claims.extend(claim_due(owner="worker-b", now=clock.now()))
                    time.sleep(0.05)
            finally:
                connection.close()

        rival = threading.Thread(target=rival_worker)
        rival.start()
        slow_crm.first_request_arrived = sending
        try:
            sweep_until_idle()
        finally:
            sending.clear()
            rival.join(timeout=10)

    assert rival_claims == []
    assert len(slow_crm.accepted) == parcels
    assert slow_crm.duplicates == []
    assert {(d.status, d.attempts) for d in deliveries_to(target)} == {
        (Delivery.Status.DELIVERED, 1)
    }
    workers = set(DeliveryAttempt.objects.values_list("worker", flat=True))
    assert workers == {"worker-a"}


@pytest.mark.django_db
def test_a_subscriber_gets_at_most_its_in_flight_limit_over_connections_kept_alive(settings):
    settings.OUTBOX_MAX_IN_FLIGHT_PER_TARGET = 2
    with receiving_webhooks(keep_alive=True) as crm:
        crm.seconds_per_answer = 0.1
        subscribe(crm)
        ship_parcels(8)

        sweep_until_idle()

    assert len(crm.accepted) == 8
    assert crm.most_in_flight == 2  # side by side, never more than the limit
    assert len(crm.connections) <= 2  # each connection carried several requests
