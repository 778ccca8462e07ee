"""Reactions of the service inbox to its own events (wired in comptoir.wiring)."""

from comptoir.core.outbox import Event

from .services import send_reply


def send_written_reply(event: Event) -> None:
    send_reply(message_pk=event.payload["message_id"])


# It calls the mail server between short transactions of its own (wiring.deliver).
send_written_reply.outside_transaction = True  # type: ignore[attr-defined]
