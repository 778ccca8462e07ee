"""Webhook endpoints for the fault tests: tests/webhooks/receiver.py's verifying receiver,
served here with a pause per request, so that a worker has many deliveries in flight."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field

from comptoir.integrations.services import subscribe_webhook
from tests.webhooks.receiver import WebhookReceiver, receiving_webhooks


@dataclass
class SlowReceiver:
    """Wraps a receiver: each request waits `pause` seconds first; counts those in flight."""

    inner: Callable[[bytes, dict[str, str]], int]
    pause: float
    in_flight: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def receive(self, body: bytes, headers: dict[str, str]) -> int:
        with self.lock:
            self.in_flight += 1
        try:
            time.sleep(self.pause)
            return self.inner(body, headers)
        finally:
            with self.lock:
                self.in_flight -= 1


@contextmanager
def slow_receiver(pause: float) -> Iterator[tuple[WebhookReceiver, SlowReceiver]]:
    with receiving_webhooks() as receiver:
        slow = SlowReceiver(receiver.receive, pause)
        receiver.receive = slow.receive  # the endpoint calls the receiver's method by name
        yield receiver, slow


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
