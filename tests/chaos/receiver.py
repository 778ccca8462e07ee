"""Webhook endpoints for the fault tests: tests/webhooks/receiver.py's verifying receiver,
slowed down, or one per integrator."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack, contextmanager

from comptoir.integrations.services import subscribe_webhook
from tests.webhooks.receiver import WebhookReceiver, receiving_webhooks


@contextmanager
def slow_receiver(pause: float) -> Iterator[WebhookReceiver]:
    """A verifying receiver that waits `pause` seconds before each answer (it counts those in
    flight), so that a worker has many deliveries out at once."""
    with receiving_webhooks() as receiver:
        receiver.seconds_per_answer = pause
        yield receiver


@contextmanager
def subscribers(count: int, *, event_types: list[str]) -> Iterator[list[WebhookReceiver]]:
    """`count` integrators, each with its own endpoint and subscription."""
    with ExitStack() as stack:
        receivers = [stack.enter_context(receiving_webhooks()) for _ in range(count)]
        for receiver in receivers:
            subscribe(receiver, event_types=event_types)
        yield receivers


def subscribe(receiver: WebhookReceiver, *, event_types: list[str]) -> str:
    """Subscribe the receiver's URL; it learns the secret. Returns the delivery target."""
    subscription, receiver.secret = subscribe_webhook(url=receiver.url, event_types=event_types)
    return f"webhook:{subscription.pk}"
