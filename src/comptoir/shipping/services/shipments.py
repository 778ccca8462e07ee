"""Shipments: made from a dispatched fulfilment, sent with the best carrier, switched if need be."""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from django.db import IntegrityError, transaction

from comptoir.core import clock
from comptoir.core.outbox import record_event
from comptoir.locations.selectors import locations_by_id

from .. import events
from ..adapters import ParcelRequest, adapter_for
from ..domain.alerts import late_after
from ..domain.carriers import choose_service, collection_day
from ..errors import CarrierSwitchRefused, NoCarrierService
from ..models import CarrierPickup, CarrierService, Shipment
from ..selectors import service_terms, shipment_by_id, terms_of
from . import settings as shipping_settings
from .payloads import shipment_payload

if TYPE_CHECKING:
    from comptoir.locations.models import Location


@dataclass(frozen=True)
class Destination:
    kind: str  # "home" | "store"
    location_id: int | None = None
    name: str = ""
    line1: str = ""
    postcode: str = ""
    city: str = ""
    country: str = "FR"
    latitude: float | None = None
    longitude: float | None = None

    @classmethod
    def from_payload(cls, data: dict[str, Any]) -> Destination:
        return cls(
            kind=data.get("kind", "home"),
            location_id=data.get("location_id"),
            name=data.get("name") or "",
            line1=data.get("line1") or "",
            postcode=data.get("postcode") or "",
            city=data.get("city") or "",
            country=(data.get("country") or "FR").upper(),
            latitude=data.get("lat"),
            longitude=data.get("lon"),
        )


def _parcel(shipment: Shipment, service: CarrierService) -> ParcelRequest:
    return ParcelRequest(
        reference=shipment.reference,
        service_code=service.code,
        from_postcode=shipment.origin.postcode,
        from_country=shipment.origin.country,
        to_name=shipment.destination_name,
        to_line1=shipment.destination_line1,
        to_postcode=shipment.destination_postcode,
        to_city=shipment.destination_city,
        to_country=shipment.destination_country,
        weight_kg=str(shipment.weight_kg),
        delivery_window=(shipment.window_starts_at, shipment.window_ends_at)
        if shipment.window_starts_at and shipment.window_ends_at
        else None,
    )


def _local(now: datetime) -> datetime:
    return now.astimezone(ZoneInfo(shipping_settings.timezone()))


def create_shipment(
    *,
    origin_location_id: int,
    destination: Destination,
    promised_by: date,
    order_id: int | None = None,
    order_reference: str = "",
    customer_id: int | None = None,
    lines: list[dict[str, Any]] | None = None,
    weight_kg: Decimal = Decimal("1"),
    preferred_carrier: str | None = None,
    dispatch_event_id: uuid.UUID | None = None,
    delivery_window: tuple[datetime, datetime] | None = None,
    now: datetime | None = None,
) -> Shipment:
    """A shipment with a label from the chosen carrier (the cheapest keeping the promise, or the
    preferred carrier's if it keeps it), on the store's carrier pickup if it ships from a store.
    The delivery window chosen at checkout, if any, is kept and booked with the carrier.
    Made once per `dispatch_event_id`: a redelivered event returns the shipment already made."""
    now = now or clock.now()
    if dispatch_event_id is not None:
        existing = Shipment.objects.filter(dispatch_event_id=dispatch_event_id).first()
        if existing is not None:
            return existing
    origin = locations_by_id([origin_location_id])[origin_location_id]
    quote = choose_service(
        service_terms(),
        country=destination.country,
        ready_at=_local(now),
        weight_kg=weight_kg,
        promised_by=promised_by,
        preferred_carrier=preferred_carrier,
    )
    if quote is None:
        raise NoCarrierService(
            f"No carrier service delivers to {destination.country} at {weight_kg} kg.",
            errors=[{"field": "destination.country", "message": "no service"}],
        )
    service = CarrierService.objects.select_related("carrier").get(pk=quote.service_id)
    deadline = late_after(promised_by, timezone=shipping_settings.timezone())
    shipment = Shipment(
        reference=f"SHP-{secrets.token_hex(5).upper()}",
        order_id=order_id,
        order_reference=order_reference,
        customer_id=customer_id,
        origin=origin,
        destination_kind=destination.kind,
        destination_location_id=destination.location_id,
        destination_name=destination.name,
        destination_line1=destination.line1,
        destination_postcode=destination.postcode,
        destination_city=destination.city,
        destination_country=destination.country,
        destination_latitude=destination.latitude,
        destination_longitude=destination.longitude,
        lines=lines or [],
        weight_kg=weight_kg,
        carrier=service.carrier,
        service=service,
        tracking_token=secrets.token_urlsafe(24),
        promised_by=promised_by,
        window_starts_at=delivery_window[0] if delivery_window else None,
        window_ends_at=delivery_window[1] if delivery_window else None,
        late_after=deadline,
        late_watch_at=deadline,
        status_at=now,
        quiet_deadline=now + shipping_settings.no_movement_after(),
        created_at=now,
        dispatch_event_id=dispatch_event_id,
    )
    # The carrier call is outside the machine: made before the transaction, so a slow carrier
    # holds no lock. A label made for a transaction that then fails is cancelled below.
    label = adapter_for(service.carrier.adapter, carrier_code=service.carrier.code).create_shipment(
        _parcel(shipment, service)
    )
    shipment.tracking_number, shipment.label = label.tracking_number, label.label
    try:
        with transaction.atomic():
            if origin.kind == "store":
                shipment.pickup = _pickup_for(service, origin, now=now)
            shipment.save()
            record_event(
                events.SHIPMENT_CREATED,
                aggregate=f"shipment:{shipment.pk}",
                payload=shipment_payload(shipment, expected_by=quote.delivered_by.isoformat()),
                now=now,
            )
    except IntegrityError:
        adapter_for(service.carrier.adapter, carrier_code=service.carrier.code).cancel_shipment(
            label.tracking_number
        )
        if dispatch_event_id is not None:  # a concurrent twin made it first
            return Shipment.objects.get(dispatch_event_id=dispatch_event_id)
        raise
    if shipment.pickup_id is not None:
        tell_carrier_parcel_count(pickup_id=shipment.pickup_id)
    return shipment


def _pickup_for(service: CarrierService, origin: Location, *, now: datetime) -> CarrierPickup:
    """Ship-from-store parcels wait for the carrier's next collection at that store: one pickup
    per carrier, store and day, however many parcels it takes."""
    day = collection_day(terms_of(service), ready_at=_local(now))
    pickup, _ = CarrierPickup.objects.get_or_create(
        carrier=service.carrier, location=origin, day=day
    )
    return pickup


def switch_carrier(*, shipment_id: int, service_id: int, now: datetime | None = None) -> Shipment:
    """Send the parcel with another carrier service before the first carrier has scanned it:
    the old label is cancelled with the old carrier, a new one is made with the new one."""
    now = now or clock.now()
    shipment = shipment_by_id(shipment_id=shipment_id)
    if (
        shipment.last_scan_at is not None
        and shipment.events.exclude(status="info_received").exists()
    ):
        raise CarrierSwitchRefused("The carrier already has the parcel; it cannot be switched.")
    service = CarrierService.objects.select_related("carrier").get(pk=service_id)
    if service.pk == shipment.service_id:
        return shipment
    old_carrier, old_number = shipment.carrier, shipment.tracking_number
    old_pickup_id = shipment.pickup_id
    label = adapter_for(service.carrier.adapter, carrier_code=service.carrier.code).create_shipment(
        _parcel(shipment, service)
    )
    with transaction.atomic():
        shipment.carrier, shipment.service = service.carrier, service
        shipment.tracking_number, shipment.label = label.tracking_number, label.label
        shipment.pickup = (
            _pickup_for(service, shipment.origin, now=now)
            if shipment.origin.kind == "store"
            else None
        )
        shipment.save(update_fields=["carrier", "service", "tracking_number", "label", "pickup"])
        record_event(
            events.SHIPMENT_CARRIER_SWITCHED,
            aggregate=f"shipment:{shipment.pk}",
            payload=shipment_payload(shipment, previous_carrier=old_carrier.code),
            now=now,
        )
    adapter_for(old_carrier.adapter, carrier_code=old_carrier.code).cancel_shipment(old_number)
    for pickup_id in {old_pickup_id, shipment.pickup_id} - {None}:
        tell_carrier_parcel_count(pickup_id=pickup_id)
    return shipment


def tell_carrier_parcel_count(*, pickup_id: int) -> int:
    """A booked collection whose parcels changed (one joined, one switched carrier): the
    carrier is told the new count, so it comes with room for all of them. Nothing to say of a
    collection not booked yet: the booking will count them. Returns the count."""
    pickup = CarrierPickup.objects.select_related("carrier").get(pk=pickup_id)
    parcels = pickup.shipments.count()
    if pickup.status != CarrierPickup.Status.BOOKED or parcels == pickup.booked_parcels:
        return parcels
    # Outside any transaction: the carrier's answer holds no lock. Two parcels joining at once
    # both count after their commit, so the last word the carrier hears counts both.
    adapter_for(pickup.carrier.adapter, carrier_code=pickup.carrier.code).update_pickup(
        confirmation=pickup.confirmation, parcels=parcels
    )
    CarrierPickup.objects.filter(pk=pickup.pk).update(booked_parcels=parcels)
    return parcels


def book_pickups(*, day: date, now: datetime | None = None) -> int:
    """Book with each carrier the store collections planned for `day`: one booking per
    carrier, store and day. Returns how many were booked."""
    now = now or clock.now()
    booked = 0
    planned = CarrierPickup.objects.filter(day=day, status=CarrierPickup.Status.PLANNED)
    for pickup in planned.select_related("carrier", "location"):
        parcels = pickup.shipments.count()
        if not parcels:
            continue
        booking = adapter_for(pickup.carrier.adapter, carrier_code=pickup.carrier.code).book_pickup(
            location_code=pickup.location.code,
            postcode=pickup.location.postcode,
            day=pickup.day,
            parcels=parcels,
        )
        booked += CarrierPickup.objects.filter(
            pk=pickup.pk, status=CarrierPickup.Status.PLANNED
        ).update(
            status=CarrierPickup.Status.BOOKED,
            confirmation=booking.confirmation,
            booked_at=now,
            booked_parcels=parcels,
        )
    return booked


@dataclass(frozen=True)
class ReturnParcelLabel:
    carrier: str  # the carrier's name, as the shopper reads it
    tracking_number: str
    label: str


def make_return_label(
    *, reference: str, sender_postcode: str, sender_country: str, to_location_id: int
) -> ReturnParcelLabel:
    """A prepaid label for a shopper's return parcel to `to_location_id`, from the first
    active carrier service that collects in the sender's country, through its adapter (the
    same call as an outbound parcel's label). Nothing is stored here: the return keeps it."""
    destination = locations_by_id([to_location_id])[to_location_id]
    services = CarrierService.objects.filter(active=True).select_related("carrier")
    service = next(
        (s for s in services.order_by("pk") if sender_country in (s.countries or [])), None
    )
    if service is None:
        raise NoCarrierService(f"No carrier collects parcels in {sender_country}.")
    made = adapter_for(service.carrier.adapter, carrier_code=service.carrier.code)
    label = made.create_shipment(
        ParcelRequest(
            reference=reference,
            service_code=service.code,
            from_postcode=sender_postcode,
            from_country=sender_country,
            to_name=destination.name,
            to_line1=destination.street,
            to_postcode=destination.postcode,
            to_city=destination.city,
            to_country=destination.country,
            weight_kg="1",
        )
    )
    return ReturnParcelLabel(service.carrier.name, label.tracking_number, label.label)
