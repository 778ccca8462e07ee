"""comptoir receives mail itself: an SMTP (or LMTP) server whose every accepted message is
stored in the inbox (services.receive_email) before the server answers "250".

A message the inbox cannot store is refused with a 4xx, so the sending server keeps it and
tries again later; one it cannot read at all (no sender, no Message-ID) gets a 5xx.
"""

from __future__ import annotations

import logging
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.lmtp import LMTP
from aiosmtpd.smtp import SMTP
from asgiref.sync import sync_to_async
from django.db import connections

from .domain import read_email
from .errors import UnreadableMessage
from .services import receive_email

logger = logging.getLogger(__name__)
MAX_MESSAGE_BYTES = 10 * 1024 * 1024


def _store(raw: bytes) -> str:
    """Store one message on this worker thread's own connection, closed after it: the
    listener's threads come and go, their connections must not outlive them."""
    try:
        message, stored = receive_email(mail=read_email(raw))
    except UnreadableMessage as refused:
        return f"550 {refused}"
    finally:
        connections.close_all()
    logger.info("inbound mail %s %s", message.pk, "stored" if stored else "already held")
    return "250 OK"


class InboxHandler:
    """aiosmtpd's handler: the message goes to the database in a worker thread (the ORM is
    synchronous), and the server answers with the outcome."""

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        try:
            return await sync_to_async(_store, thread_sensitive=False)(envelope.original_content)
        except Exception:
            logger.exception("could not store an inbound message")
            return "451 Requested action aborted: try again later"


class MailInController(Controller):
    """The listener on (host, port), speaking SMTP or LMTP (behind a mail server)."""

    def __init__(self, *, host: str, port: int, lmtp: bool = False) -> None:
        super().__init__(
            InboxHandler(), hostname=host, port=port, data_size_limit=MAX_MESSAGE_BYTES
        )
        self.lmtp = lmtp

    def factory(self) -> SMTP:
        server_class = LMTP if self.lmtp else SMTP
        return server_class(self.handler, **self.SMTP_kwargs)
