"""Reactions of notifications to order, shipment and refund events (wired in comptoir.wiring).
One handler per channel, so that each channel has its own delivery and its own retries."""

from comptoir.core.outbox import Event

from .domain import EMAIL, SMS
from .services import move_messages_to_survivor, notify


def send_email_for(event: Event) -> None:
    notify(event=event, channel=EMAIL)


def send_sms_for(event: Event) -> None:
    notify(event=event, channel=SMS)


def move_messages_of_merged_profile(event: Event) -> None:
    move_messages_to_survivor(
        survivor_id=event.payload["survivor_id"], merged_id=event.payload["merged_id"]
    )
