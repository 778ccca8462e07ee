"""Builders for carriers, shipments and the fake carrier's scans."""

from __future__ import annotations

import itertools
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from comptoir.locations.models import Location
from comptoir.shipping.adapters.fake import FakeCarrier, scan
from comptoir.shipping.domain.tracking import TrackingStatus
from comptoir.shipping.models import Carrier, Shipment
from comptoir.shipping.services.carriers import offer_service, register_carrier
from comptoir.shipping.services.shipments import Destination, create_shipment

_event_ids = itertools.count(1)


def make_carriers() -> tuple[Carrier, Carrier]:
    """Two carriers as a French retailer has them: a cheap slow one and a fast dear one."""
    colis = register_carrier(code="colisexpress", name="Colis Express")
    rapide = register_carrier(code="rapidpost", name="Rapid Post")
    offer_service(
        carrier_code="colisexpress",
        code="standard",
        name="Standard 48h",
        transit_days=2,
        cutoff=time(16),
        countries=["FR", "BE"],
        price_grid=[(Decimal("2"), Decimal("4.90")), (Decimal("10"), Decimal("7.50"))],
        pickup_weekdays=[0, 2, 4],
    )
    offer_service(
        carrier_code="rapidpost",
        code="express",
        name="Express 24h",
        transit_days=1,
        cutoff=time(17),
        countries=["FR"],
        price_grid=[(Decimal("30"), Decimal("9.90"))],
    )
    return colis, rapide


PARIS_HOME = Destination(
    kind="home",
    name="Jean Martin",
    line1="12 rue de Rivoli",
    postcode="75004",
    city="Paris",
    country="FR",
    latitude=48.8559,
    longitude=2.3601,
)


def make_shipment(
    origin: Location,
    *,
    promised_by: date,
    now: datetime,
    customer_id: int | None = None,
    destination: Destination = PARIS_HOME,
    preferred_carrier: str | None = None,
) -> Shipment:
    return create_shipment(
        origin_location_id=origin.pk,
        destination=destination,
        promised_by=promised_by,
        order_id=1001,
        order_reference="WEB-1001",
        customer_id=customer_id,
        lines=[{"sku": "RETRO-CLOCK", "quantity": 1}],
        preferred_carrier=preferred_carrier,
        now=now,
    )


def a_scan(
    shipment: Shipment, status: TrackingStatus, at: datetime, **details: Any
) -> dict[str, Any]:
    return scan(
        event_id=f"{shipment.tracking_number}-{next(_event_ids)}",
        tracking_number=shipment.tracking_number,
        status=status,
        at=at,
        **details,
    )


def signed(carrier: Carrier, scans: list[dict[str, Any]], *, timestamp: int) -> dict[str, Any]:
    """The keyword arguments for `client.post` of a carrier webhook with these scans."""
    request = FakeCarrier.signed_webhook(
        carrier.webhook_secret, scans, message_id=f"msg_{next(_event_ids)}", timestamp=timestamp
    )
    return {
        "data": request.body,
        "content_type": "application/json",
        "headers": request.headers,
    }
