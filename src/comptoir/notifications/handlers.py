"""Reactions of notifications to order, shipment and refund events (wired in comptoir.wiring).
One handler per channel, so that each channel has its own delivery and its own retries."""

from comptoir.core.outbox import Event

from .domain import EMAIL, SMS
from .services import notify


def send_email_for(event: Event) -> None:
    notify(event=event, channel=EMAIL)


def send_sms_for(event: Event) -> None:
    notify(event=event, channel=SMS)
