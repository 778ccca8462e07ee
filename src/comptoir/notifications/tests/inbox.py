"""A real SMTP server on localhost for tests (aiosmtpd), and the mail it received."""

from __future__ import annotations

import asyncio
import email
import email.policy
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.message import EmailMessage

from aiosmtpd.controller import Controller


@dataclass
class Received:
    message: EmailMessage
    at: datetime

    @property
    def body(self) -> str:
        return self.message.get_content()


@dataclass
class Inbox:
    messages: list[Received] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    # A slow server: it has the whole message (`arrived`) and answers "250" only once the
    # test sets `release`. None: it answers at once.
    release: threading.Event | None = None
    arrived: threading.Event = field(default_factory=threading.Event)

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.arrived.set()
        while self.release is not None and not self.release.is_set():
            await asyncio.sleep(0.005)
        with self.lock:
            self.messages.append(Received(message, datetime.now(UTC)))
        return "250 OK"

    def message_ids(self) -> list[str]:
        """What a mailbox keys messages by: two deliveries with one Message-ID are one email."""
        return [str(m.message["Message-ID"]) for m in self.messages]

    def to(self, address: str) -> list[Received]:
        return [m for m in self.messages if address in m.message["To"]]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def smtp_server(settings, *, slow: bool = False) -> Iterator[Inbox]:
    """Point Django's SMTP backend at a real server on localhost for the test's duration;
    a `slow` one holds each message until the test sets `inbox.release`."""
    inbox = Inbox(release=threading.Event() if slow else None)
    port = _free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    try:
        yield inbox
    finally:
        if inbox.release is not None:
            inbox.release.set()
        controller.stop()
