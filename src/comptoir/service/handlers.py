"""Reactions of the service inbox to its own events (wired in comptoir.wiring)."""

from comptoir.core.outbox import Event

from .services import forget_conversations_of, move_conversations_to_survivor, send_reply


def send_written_reply(event: Event) -> None:
    send_reply(message_pk=event.payload["message_id"])


# It calls the mail server between short transactions of its own (wiring.deliver).
send_written_reply.outside_transaction = True  # type: ignore[attr-defined]


def move_conversations_of_merged_profile(event: Event) -> None:
    move_conversations_to_survivor(
        survivor_id=event.payload["survivor_id"], merged_id=event.payload["merged_id"]
    )


def forget_conversations_of_erased_customer(event: Event) -> None:
    forget_conversations_of(customer_id=event.payload["customer_id"])
