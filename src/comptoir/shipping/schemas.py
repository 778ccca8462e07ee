from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from ninja import Field, Schema
from pydantic import StrictFloat

from comptoir.core.schemas import RowId


class TrackingReceivedOut(Schema):
    accepted: int = Field(
        description="events for parcels we ship with this carrier, repeats included"
    )
    unknown: int = Field(description="events for tracking numbers we do not know (ignored)")


class DestinationIn(Schema):
    kind: str = Field(pattern="^(home|store)$")
    location_id: RowId | None = None
    name: str = Field("", max_length=200)
    line1: str = Field("", max_length=200)
    postcode: str = Field("", max_length=20)
    city: str = Field("", max_length=100)
    country: str = Field("FR", pattern="^[A-Z]{2}$")
    lat: StrictFloat | None = Field(None, ge=-90, le=90)
    lon: StrictFloat | None = Field(None, ge=-180, le=180)


class ShipmentIn(Schema):
    from_location: str = Field(max_length=40, description="the shipping store or warehouse code")
    destination: DestinationIn
    promised_by: date
    order_id: RowId | None = None
    order_reference: str = Field("", max_length=40)
    customer_id: RowId | None = None
    weight_kg: Decimal = Field(Decimal("1"), gt=0, le=1000)
    preferred_carrier: str | None = Field(None, max_length=40)


class SwitchCarrierIn(Schema):
    carrier: str = Field(max_length=40)
    service: str = Field(max_length=40)


class TrackingEventOut(Schema):
    status: str
    status_text: str = Field("", description="the status in words, in the page's language")
    occurred_at: datetime
    description: str
    place: str


class ShipmentOut(Schema):
    id: int
    reference: str
    order_id: int | None
    order_reference: str
    carrier: str
    service: str
    tracking_number: str
    status: str
    status_at: datetime
    promised_by: date
    estimated_delivery: date | None
    delivered_at: datetime | None
    origin: str
    destination_kind: str
    destination_store: str | None
    tracking_url: str
    pickup_day: date | None


class IncidentStepOut(Schema):
    kind: str
    at: datetime
    detail: str


class AlertOut(Schema):
    """A parcel's incident: `kind` is the strongest raised, `history` every kind in order."""

    id: int
    shipment_id: int
    shipment_reference: str
    order_id: int | None
    order_reference: str
    carrier: str
    kind: str
    history: list[IncidentStepOut]
    detail: str
    status: str
    raised_at: datetime
    upgraded_at: datetime | None
    assignee_id: int | None
    resolved_at: datetime | None
    resolution: str


class AssignIn(Schema):
    assignee_id: RowId | None


class ResolveIn(Schema):
    resolution: str = Field(min_length=1, max_length=200)


class PickupOut(Schema):
    carrier: str
    day: date
    status: str
    confirmation: str
    parcels: int
    booked_parcels: int = Field(description="the count the carrier was last told")


class StoreParcelsOut(Schema):
    store: str
    inbound: list[ShipmentOut]
    outbound: list[ShipmentOut]
    pickups: list[PickupOut]


class BrandOut(Schema):
    name: str
    colour: str
    logo_url: str


class HelpStoreOut(Schema):
    code: str
    name: str
    city: str
    distance_km: float


class TrackingPageOut(Schema):
    language: str = Field(description="fr or en: ?lang=, else the customer's language")
    status_text: str
    promise_text: str
    brand: BrandOut
    reference: str
    carrier: str
    tracking_number: str
    status: str
    promised_by: date
    estimated_delivery: date | None
    delivered_at: datetime | None
    destination_city: str
    events: list[TrackingEventOut]
    help_store: HelpStoreOut | None


class CountOut(Schema):
    key: str
    count: int


class KpisOut(Schema):
    delivered: int
    on_time_rate: float | None
    mean_delay_days: float | None
    exceptions_by_kind: list[CountOut]
    exceptions_by_carrier: list[CountOut]
    pickup_time_in_store_hours: float | None
    where_is_my_order_contact_share: float | None
    notes: list[str]
