"""Reactions of the shipping app to other apps' events (wired in comptoir.wiring)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from comptoir.core.outbox import Event

from .services import personal_data
from .services.shipments import Destination, create_shipment


def ship_dispatched_fulfilment(event: Event) -> None:
    """A fulfilment left its location: make its shipment (once per event, however often the
    event is delivered)."""
    payload = event.payload
    create_shipment(
        origin_location_id=payload["from_location_id"],
        destination=Destination.from_payload(payload["destination"]),
        promised_by=date.fromisoformat(payload["promised_by"]),
        order_id=payload.get("order_id"),
        order_reference=payload.get("order_reference") or "",
        customer_id=payload.get("customer_id"),
        lines=payload.get("lines") or [],
        weight_kg=Decimal(str(payload.get("weight_kg", "1"))),
        dispatch_event_id=event.event_id,
        delivery_window=_window(payload.get("slot")),
        now=event.occurred_at,
    )


def _window(slot: dict[str, str] | None) -> tuple[datetime, datetime] | None:
    if not slot:
        return None
    return datetime.fromisoformat(slot["starts_at"]), datetime.fromisoformat(slot["ends_at"])


def move_shipments_of_merged_profile(event: Event) -> None:
    personal_data.move_shipments_to_survivor(
        survivor_id=event.payload["survivor_id"], merged_id=event.payload["merged_id"]
    )


def forget_shipments_of_erased_customer(event: Event) -> None:
    personal_data.forget_shipments_of(customer_id=event.payload["customer_id"])
