"""The mail server down, then up; or hung: orders go on being placed, and every order's
confirmation reaches the shopper once, when the server takes it.

A real web server and a real worker on a private Redis; the mail server is aiosmtpd on a port
of the test (notifications/tests/inbox.py), started only when the test says so, or holding
each message until the test lets it go. Orders are placed over HTTP, as a shop would.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

import httpx
import pytest
from aiosmtpd.controller import Controller

from comptoir.accounts.tests.factories import bearer, make_api_token
from comptoir.core.models import Delivery, DeliveryAttempt
from comptoir.customers.tests.factories import make_shopper
from comptoir.notifications.models import MessageLog
from comptoir.notifications.tests.inbox import Inbox
from comptoir.orders.tests.factories import make_jackets, make_location, order_body, stock

from .processes import Machines, free_port, machines, private_redis

EMAIL = "handler:comptoir.notifications.handlers.send_email_for"
JEAN = "jean.martin@example.fr"

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]


@contextmanager
def mail_server(port: int, *, slow: bool = False) -> Iterator[Inbox]:
    """An SMTP server on `port`; a `slow` one holds each message until `inbox.release`."""
    inbox = Inbox(release=threading.Event() if slow else None)
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox
    finally:
        if inbox.release is not None:
            inbox.release.set()
        controller.stop()


@contextmanager
def shop(tmp_path, smtp_port: int) -> Iterator[tuple[Machines, httpx.Client, int]]:
    """The web server and the worker, mailing through `smtp_port`; a client with a till's
    token, and Jean's customer id."""
    bellecour = make_location("lyon-bellecour", city="Lyon")
    make_jackets()
    stock("JACKET-TRAIL-S", bellecour, 10)
    jean = make_shopper(JEAN)
    _, token = make_api_token("orders.write", name="web-shop")
    with private_redis(tmp_path) as redis, machines(tmp_path) as running:
        env = running.env(redis.url, COMPTOIR_SMTP_PORT=str(smtp_port))
        base = running.web("web", env)
        running.worker("worker", env)
        with httpx.Client(base_url=base, headers=bearer(token), timeout=30) as client:
            yield running, client, jean.pk


def place_order(client: httpx.Client, customer_id: int) -> str:
    answer = client.post("/api/v1/orders", json=order_body(customer=customer_id))
    assert answer.status_code == 201, answer.text
    return answer.json()["reference"]


def confirmations() -> list[MessageLog]:
    return list(MessageLog.objects.filter(kind="order_confirmed", channel="email"))


def test_confirmations_wait_while_the_mail_server_is_down_and_go_once_it_is_up(tmp_path):
    port = free_port()  # nothing listens on it yet
    with shop(tmp_path, port) as (running, client, jean):
        place_order(client, jean)
        running.wait_until(
            DeliveryAttempt.objects.filter(delivery__target=EMAIL, succeeded=False).exists,
            what="a try that found the mail server down",
        )
        with mail_server(port) as inbox:
            running.wait_until(
                lambda: [log.status for log in confirmations()] == [MessageLog.Status.SENT],
                what="the confirmation, sent on its retry",
            )

    assert [message.message["To"] for message in inbox.messages] == [JEAN]
    assert inbox.message_ids() == [confirmations()[0].message_id]
    delivery = Delivery.objects.get(target=EMAIL)
    assert delivery.status == Delivery.Status.DELIVERED
    assert delivery.attempts == 2  # refused, then sent


def test_orders_are_placed_while_the_mail_server_hangs_on_a_confirmation(tmp_path):
    port = free_port()
    with mail_server(port, slow=True) as inbox, shop(tmp_path, port) as (running, client, jean):
        first = place_order(client, jean)
        running.wait_until(inbox.arrived.is_set, what="the mail server to hold a message")
        second = place_order(client, jean)  # answered while the server still holds it
        held_meanwhile = list(inbox.messages)
        inbox.release.set()
        running.wait_until(
            lambda: [log.status for log in confirmations()] == [MessageLog.Status.SENT] * 2,
            what="both confirmations",
        )

    assert held_meanwhile == []
    assert first != second
    # Two emails, by Message-ID, as a mailbox counts them (a try that timed out while the
    # server held its message may have sent it again, under the same Message-ID).
    assert set(inbox.message_ids()) == {log.message_id for log in confirmations()}
    assert len(confirmations()) == 2
    assert {message.message["To"] for message in inbox.messages} == {JEAN}
