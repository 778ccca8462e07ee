"""A worker killed with SIGKILL while many webhooks are in flight: after their leases run out
the next worker delivers every one, and the endpoint accepts each webhook-id once.

tests/worker/test_worker_survives_a_kill.py shows it for one event on either queue; this is
the batch: 80 events, 8 worker threads, a slow endpoint, PostgreSQL and a private Redis.
"""

from __future__ import annotations

import subprocess

import pytest

from comptoir.core.models import Delivery, OutboxEvent
from comptoir.inventory.tests.factories import make_store, make_variant

from .processes import COMPTOIR, machines, private_redis
from .receiver import slow_receiver, subscribe

EVENTS = 80

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]


def receive_units_elsewhere(env: dict[str, str], *, sku: str, store: str, times: int) -> None:
    """The back office receives one unit at a time in another process: an event per receipt."""
    script = (
        "from comptoir.inventory.services.stock import receive_stock\n"
        "from comptoir.catalog.models import Variant\n"
        "from comptoir.locations.models import Location\n"
        f"variant, store = Variant.objects.get(sku={sku!r}), Location.objects.get(code={store!r})\n"
        f"for number in range({times}):\n"
        "    receive_stock(variant_id=variant.pk, location_id=store.pk, sku=variant.sku,\n"
        "                  quantity=1, reference=f'receipt {number}')\n"
    )
    shell = subprocess.run(
        [*COMPTOIR, "shell", "-c", script], env=env, capture_output=True, text=True, timeout=120
    )
    assert shell.returncode == 0, shell.stderr


def test_a_batch_cut_short_by_a_killed_worker_reaches_the_endpoint_once_each(tmp_path):
    store, jacket = make_store(), make_variant("JACKET-S")
    with (
        private_redis(tmp_path) as redis,
        slow_receiver(pause=0.2) as crm,
        machines(tmp_path) as running,
    ):
        target = subscribe(crm, event_types=["stock.changed"])
        env = running.env(redis.url, COMPTOIR_OUTBOX_LEASE_SECONDS="5", COMPTOIR_WORKER_THREADS="8")
        # The whole batch waits before the first worker starts: it is in flight at the kill.
        receive_units_elsewhere(env, sku=jacket.sku, store=store.code, times=EVENTS)
        running.worker("first-worker", env)
        running.wait_until(
            lambda: len(crm.accepted) >= EVENTS // 4 and crm.in_flight >= 4,
            what="a quarter delivered and several in flight",
        )
        running.kill("first-worker")
        running.worker("second-worker", env)
        running.wait_until(
            lambda: all_delivered(target) and crm.in_flight == 0,
            what="every delivery",
        )

    expected = {f"msg_{event.event_id.hex}" for event in stock_changes(jacket.sku)}
    assert len(expected) == EVENTS
    assert {message for message, _ in crm.accepted} == expected
    assert len(crm.accepted) == EVENTS  # each webhook-id accepted once
    # Requests cut short were sent again, under the same webhook-ids.
    assert len(crm.requests) > EVENTS
    assert {headers["webhook-id"] for headers in crm.requests} == expected
    assert crm.rejected == []


def stock_changes(sku: str) -> list[OutboxEvent]:
    return list(OutboxEvent.objects.filter(type="stock.changed", payload__sku=sku))


def all_delivered(target: str) -> bool:
    deliveries = Delivery.objects.filter(target=target)
    return (
        deliveries.count() == EVENTS
        and not deliveries.exclude(status=Delivery.Status.DELIVERED).exists()
    )
