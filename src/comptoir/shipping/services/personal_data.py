"""A parcel's part in a person's lifecycle: profiles merged into one, a profile erased."""

from __future__ import annotations

from ..models import Shipment


def move_shipments_to_survivor(*, survivor_id: int, merged_id: int) -> int:
    """The merged profile's parcels now belong to the surviving one. Idempotent."""
    return Shipment.objects.filter(customer_id=merged_id).update(customer_id=survivor_id)


def forget_shipments_of(*, customer_id: int) -> int:
    """Blank who a parcel went to (name, street, and the label that prints them). The postcode
    and town stay: the carrier's statistics and the KPIs by zone need no person. Idempotent."""
    return Shipment.objects.filter(customer_id=customer_id).update(
        destination_name="", destination_line1="", label=""
    )
