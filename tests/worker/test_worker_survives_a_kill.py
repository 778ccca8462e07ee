"""The real worker, as a process of its own, on a real queue (SQLite file or Redis).

The worker and the shopper's sign-up run as subprocesses with the production settings, on the
test database: in this test process Huey runs tasks at once, so only a subprocess shows the
commit's wake-up going through the queue. A worker killed mid-delivery loses its lease after
COMPTOIR_OUTBOX_LEASE_SECONDS and the next worker delivers the event again, with the same
webhook-id. Every wait polls against a deadline; no test asserts how long anything took.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from urllib.parse import quote

import pytest
import redis
from django.db import connection

from comptoir.core.models import Delivery, DeliveryAttempt, OutboxEvent
from comptoir.customers.models import Customer
from comptoir.integrations.services import subscribe_webhook
from tests.webhooks.receiver import WebhookReceiver, receiving_webhooks

REDIS_QUEUE_URL = "redis://127.0.0.1:6379/13"
DEADLINE_SECONDS = 30
COMPTOIR = [sys.executable, "-m", "comptoir"]
QUEUES = [
    pytest.param("sqlite", id="sqlite_queue_case"),
    pytest.param("redis", id="redis_queue_case"),
]


def empty_queue_url(queue: str, tmp_path: Path) -> str:
    if queue == "sqlite":
        return f"sqlite:///{tmp_path / 'queue.sqlite3'}"
    try:
        redis.Redis.from_url(REDIS_QUEUE_URL, socket_connect_timeout=3).flushdb()
    except redis.ConnectionError as error:
        if os.environ.get("CI") == "true":
            raise
        pytest.skip(f"Redis is not reachable at {REDIS_QUEUE_URL}: {error}")
    return REDIS_QUEUE_URL


def url_of_the_test_database() -> str:
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    credentials = quote(db["USER"]) + (f":{quote(db['PASSWORD'])}" if db["PASSWORD"] else "")
    return f"postgresql://{credentials}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


def production_env(queue_url: str, tmp_path: Path, *, lease_seconds: int) -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "comptoir.settings.base",
        "COMPTOIR_DATABASE_URL": url_of_the_test_database(),
        "COMPTOIR_QUEUE_URL": queue_url,
        "COMPTOIR_OUTBOX_LEASE_SECONDS": str(lease_seconds),
        "COMPTOIR_VAR_DIR": str(tmp_path / "var"),
        # The receiver listens on this machine, which production settings refuse otherwise.
        "COMPTOIR_WEBHOOK_ALLOWED_NETWORKS": "127.0.0.0/8,::1/128",
    }


def wait_until(
    condition: Callable[[], bool],
    *,
    what: str,
    workers: list[subprocess.Popen[bytes]],
    logs: list[Path],
) -> None:
    """Poll until `condition` holds; fail, showing the workers' logs, at the deadline."""
    deadline = time.monotonic() + DEADLINE_SECONDS
    while not condition():
        exited = [worker.pid for worker in workers if worker.poll() is not None]
        if exited or time.monotonic() > deadline:
            shown = "\n".join(f"--- {log.name}\n{log.read_text()}" for log in logs if log.exists())
            why = f"worker {exited} exited" if exited else f"{DEADLINE_SECONDS} s passed"
            pytest.fail(f"gave up waiting for {what}: {why}\n{shown}")
        time.sleep(0.05)


@contextmanager
def running_worker(env: dict[str, str], log: Path) -> Iterator[subprocess.Popen[bytes]]:
    """`comptoir worker` in a process of its own; always killed when the block ends."""
    with log.open("wb") as output:
        worker = subprocess.Popen(
            [*COMPTOIR, "worker"], env=env, stdout=output, stderr=subprocess.STDOUT
        )
    try:
        yield worker
    finally:
        if worker.poll() is None:
            worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=10)


def sign_up_elsewhere(env: dict[str, str], *, email: str, first_name: str) -> OutboxEvent:
    """A shopper signs up in another process (the web app), which records customer.registered."""
    sign_up = (
        "from comptoir.customers.services import register_shopper; "
        f"register_shopper(email={email!r}, password='correct horse', "
        f"first_name={first_name!r}, last_name='Dupont')"
    )
    shell = subprocess.run(
        [*COMPTOIR, "shell", "-c", sign_up], env=env, capture_output=True, text=True, timeout=60
    )
    assert shell.returncode == 0, shell.stderr
    customer = Customer.objects.get(email=email)
    return OutboxEvent.objects.get(type="customer.registered", aggregate=f"customer:{customer.pk}")


def subscribe(receiver: WebhookReceiver) -> str:
    subscription, receiver.secret = subscribe_webhook(
        url=receiver.url, event_types=["customer.registered"]
    )
    return f"webhook:{subscription.pk}"


def is_delivered(target: str, event: OutboxEvent) -> Callable[[], bool]:
    return Delivery.objects.filter(
        target=target, event=event, status=Delivery.Status.DELIVERED
    ).exists


def log_of(delivery: Delivery) -> list[tuple[str, bool, int | None]]:
    """Each try as (pid of the worker that made it, succeeded, response status)."""
    attempts = DeliveryAttempt.objects.filter(delivery=delivery).order_by("id")
    return [(a.worker.split(":")[1], a.succeeded, a.response_status) for a in attempts]


@pytest.mark.parametrize("queue", QUEUES)
@pytest.mark.django_db(transaction=True)
def test_an_event_recorded_while_the_worker_runs_is_delivered_without_a_nudge(queue, tmp_path):
    # A long lease: the worker books no sweep for a lease running out while this test runs.
    env = production_env(empty_queue_url(queue, tmp_path), tmp_path, lease_seconds=600)
    log = tmp_path / "worker.log"

    with receiving_webhooks() as crm:
        target = subscribe(crm)
        jean = sign_up_elsewhere(env, email="jean@example.com", first_name="Jean")
        with running_worker(env, log) as worker:
            # Jean's event, waiting when the worker started, shows that it is up. Its
            # every-minute sweep ran as it started and runs next a minute later, after the
            # deadline, and no other sweep is booked: only the wake-up sent by Marie's commit,
            # through the queue, can deliver her event in time.
            wait_until(
                is_delivered(target, jean), what="Jean's event", workers=[worker], logs=[log]
            )
            marie = sign_up_elsewhere(env, email="marie@example.com", first_name="Marie")
            wait_until(
                is_delivered(target, marie), what="Marie's event", workers=[worker], logs=[log]
            )

    assert [message for message, _ in crm.accepted] == [
        f"msg_{jean.event_id.hex}",
        f"msg_{marie.event_id.hex}",
    ]
    assert (crm.duplicates, crm.rejected) == ([], [])
    delivery = Delivery.objects.get(target=target, event=marie)
    assert delivery.attempts == 1
    assert log_of(delivery) == [(str(worker.pid), True, 200)]


@pytest.mark.parametrize("queue", QUEUES)
@pytest.mark.django_db(transaction=True)
def test_a_webhook_cut_short_by_a_killed_worker_is_delivered_by_the_next_worker(queue, tmp_path):
    env = production_env(empty_queue_url(queue, tmp_path), tmp_path, lease_seconds=2)
    logs = [tmp_path / "first-worker.log", tmp_path / "second-worker.log"]

    with receiving_webhooks(hang_on_first_request=True) as crm, ExitStack() as workers:
        target = subscribe(crm)
        first = workers.enter_context(running_worker(env, logs[0]))
        jean = sign_up_elsewhere(env, email="jean@example.com", first_name="Jean")
        wait_until(
            crm.first_request_arrived.is_set,
            what="the first worker's request",
            workers=[first],
            logs=logs,
        )
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)
        second = workers.enter_context(running_worker(env, logs[1]))
        wait_until(is_delivered(target, jean), what="Jean's event", workers=[second], logs=logs)

    message_id = f"msg_{jean.event_id.hex}"
    assert [headers["webhook-id"] for headers in crm.requests] == [message_id, message_id]
    assert [message for message, _ in crm.accepted] == [message_id]
    delivery = Delivery.objects.get(target=target, event=jean)
    # The killed worker's try left no outcome, so only the second worker's try counts.
    assert delivery.attempts == 1
    assert log_of(delivery) == [(str(second.pid), True, 200)]
