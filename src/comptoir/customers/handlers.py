"""Reactions of the customers app to events (wired in comptoir.wiring)."""

from comptoir.core.outbox import Event

from . import services


def put_registration_on_timeline(event: Event) -> None:
    services.add_to_timeline(
        customer_id=event.payload["customer_id"],
        event_id=event.event_id,
        kind=event.type,
        channel=event.payload.get("channel", "web"),
        summary="Account created",
        occurred_at=event.occurred_at,
    )
