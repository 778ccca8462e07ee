"""The carrier interface every adapter implements (outside the machine, so tests fake it)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Protocol

from ..domain.tracking import TrackingUpdate


@dataclass(frozen=True)
class ParcelRequest:
    reference: str
    service_code: str
    from_postcode: str
    from_country: str
    to_name: str
    to_line1: str
    to_postcode: str
    to_city: str
    to_country: str
    weight_kg: str
    # The window the customer chose at checkout (UTC), for a carrier that delivers in slots.
    delivery_window: tuple[datetime, datetime] | None = None


@dataclass(frozen=True)
class Label:
    tracking_number: str
    label: str  # ZPL or a PDF as base64; the fake returns a few lines of ZPL


@dataclass(frozen=True)
class PickupBooking:
    confirmation: str
    day: date


class CarrierAdapter(Protocol):
    carrier_code: str

    def __init__(self, *, carrier_code: str) -> None: ...

    def create_shipment(self, parcel: ParcelRequest) -> Label: ...

    def cancel_shipment(self, tracking_number: str) -> None: ...

    def book_pickup(
        self, *, location_code: str, postcode: str, day: date, parcels: int
    ) -> PickupBooking: ...

    def update_pickup(self, *, confirmation: str, parcels: int) -> None:
        """Tell the carrier how many parcels a booked collection now has."""
        ...

    def poll_tracking(
        self, tracking_number: str, *, since: datetime | None
    ) -> list[TrackingUpdate]:
        """Events the carrier knows of for this parcel (may repeat ones already received)."""
        ...

    def parse_webhook(self, body: dict[str, Any]) -> list[TrackingUpdate]:
        """A verified webhook body as tracking updates in the common vocabulary."""
        ...
