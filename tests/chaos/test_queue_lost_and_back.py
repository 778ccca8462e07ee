"""The queue's Redis crashes under load and comes back empty: nothing is lost.

A private redis-server (never the shared one) is the queue of a real web server and a real
worker. While it is down, stock receipts keep arriving and every one succeeds: the wake-up
their commit sends fails, and a failed wake-up must not fail the request. Redis comes back
without the wake-ups and tasks it held (no persistence); the next commits wake a sweep, which
fans out every event recorded meanwhile. Each reaches the subscriber once by webhook-id.
"""

from __future__ import annotations

import itertools

import httpx
import pytest

from comptoir.accounts.tests.factories import bearer, make_api_token
from comptoir.core.models import Delivery, OutboxEvent
from comptoir.inventory.tests.factories import make_store, make_variant

from .processes import in_parallel, machines, private_redis
from .receiver import subscribers

CLERKS = 4
RECEIPTS_EACH = 5  # per clerk and per phase

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]


def test_events_committed_while_the_queue_is_down_are_all_delivered_once_it_is_back(tmp_path):
    store, jacket = make_store(), make_variant("JACKET-S")
    _, token = make_api_token("stock.adjust", name="warehouse")
    numbers = itertools.count()

    def receive_units() -> list[httpx.Response]:
        body = {"location": store.code, "sku": jacket.sku, "quantity": 1}
        with httpx.Client(base_url=base, headers=bearer(token), timeout=30) as client:
            return [
                client.post("/api/v1/stock-receipts", json={**body, "reference": f"BL-{n}"})
                for n in itertools.islice(numbers, RECEIPTS_EACH)
            ]

    with (
        private_redis(tmp_path) as redis,
        subscribers(1, event_types=["stock.changed"]) as [crm],
        machines(tmp_path) as running,
    ):
        env = running.env(redis.url)
        base = running.web("web", env)
        running.worker("worker", env)
        before = in_parallel(CLERKS, receive_units)
        running.wait_until(lambda: len(crm.accepted) == len(before), what="the first receipts")

        redis.stop()
        while_down = in_parallel(CLERKS, receive_units)
        redis.start()
        after = in_parallel(CLERKS, receive_units)

        answers = before + while_down + after
        # A subscriber holds a POST before its sender writes the outcome: wait for both.
        running.wait_until(
            lambda: (
                len(crm.accepted) == len(answers)
                and not Delivery.objects.exclude(status=Delivery.Status.DELIVERED).exists()
            ),
            what="every event, the ones committed while the queue was down included, delivered",
        )

    assert [answer.status_code for answer in answers] == [201] * len(answers)
    events = OutboxEvent.objects.filter(type="stock.changed", payload__sku=jacket.sku)
    assert len(events) == len(answers)
    assert {message for message, _ in crm.accepted} == {
        f"msg_{event.event_id.hex}" for event in events
    }
    assert (crm.duplicates, crm.rejected) == ([], [])
    assert not Delivery.objects.exclude(status=Delivery.Status.DELIVERED).exists()
