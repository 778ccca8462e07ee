"""The one payload shape of shipment.* events (order ids per the contract between apps)."""

from __future__ import annotations

from typing import Any

from ..models import Shipment


def shipment_payload(shipment: Shipment, **extra: Any) -> dict[str, Any]:
    return {
        "shipment_id": shipment.pk,
        "shipment_reference": shipment.reference,
        "order_id": shipment.order_id,
        "order_reference": shipment.order_reference,
        "customer_id": shipment.customer_id,
        "carrier": shipment.carrier.code,
        "tracking_number": shipment.tracking_number,
        "tracking_token": shipment.tracking_token,
        "promised_by": shipment.promised_by.isoformat(),
        "destination_kind": shipment.destination_kind,
        "destination_location_id": shipment.destination_location_id,
        **extra,
    }
