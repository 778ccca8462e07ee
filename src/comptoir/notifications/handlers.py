"""Reactions of notifications to order, shipment and refund events (wired in comptoir.wiring).
One handler per channel, so that each channel has its own delivery and its own retries."""

from collections.abc import Callable
from typing import TypeVar

from comptoir.core.outbox import Event

from .domain import EMAIL, SMS
from .services import move_messages_to_survivor, notify

Handler = TypeVar("Handler", bound=Callable[[Event], None])


def calls_the_outside_world(handler: Handler) -> Handler:
    """Marks a handler that calls a server outside (mail, SMS) between short transactions of
    its own: `wiring.deliver` runs it outside any transaction instead of inside one."""
    handler.outside_transaction = True  # type: ignore[attr-defined]
    return handler


@calls_the_outside_world
def send_email_for(event: Event) -> None:
    notify(event=event, channel=EMAIL)


@calls_the_outside_world
def send_sms_for(event: Event) -> None:
    notify(event=event, channel=SMS)


def move_messages_of_merged_profile(event: Event) -> None:
    move_messages_to_survivor(
        survivor_id=event.payload["survivor_id"], merged_id=event.payload["merged_id"]
    )
