"""One status vocabulary for every carrier, and a shipment's status derived from its events.

Carriers resend events and deliver them out of order; the status is therefore never "the
last event received" but the event that happened last, whatever the order it arrived in.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum


class TrackingStatus(StrEnum):
    INFO_RECEIVED = "info_received"
    IN_TRANSIT = "in_transit"
    OUT_FOR_DELIVERY = "out_for_delivery"
    FAILED_ATTEMPT = "failed_attempt"
    AVAILABLE_FOR_PICKUP = "available_for_pickup"
    DELIVERED = "delivered"
    EXCEPTION = "exception"
    RETURNED_TO_SENDER = "returned_to_sender"
    EXPIRED = "expired"


# The parcel's journey is over: no more movement is expected, so no "no movement" alert.
FINAL_STATUSES = frozenset(
    {TrackingStatus.DELIVERED, TrackingStatus.RETURNED_TO_SENDER, TrackingStatus.EXPIRED}
)

# Two events stamped with the same second (a carrier's batch scan) are ordered by how far
# along the journey they are, so the result does not depend on the order they arrived in.
JOURNEY_RANK = {
    TrackingStatus.INFO_RECEIVED: 0,
    TrackingStatus.IN_TRANSIT: 1,
    TrackingStatus.EXCEPTION: 2,
    TrackingStatus.OUT_FOR_DELIVERY: 3,
    TrackingStatus.FAILED_ATTEMPT: 4,
    TrackingStatus.AVAILABLE_FOR_PICKUP: 5,
    TrackingStatus.DELIVERED: 6,
    TrackingStatus.RETURNED_TO_SENDER: 7,
    TrackingStatus.EXPIRED: 8,
}


@dataclass(frozen=True)
class TrackingUpdate:
    """One carrier scan, already mapped to the vocabulary by the carrier's adapter."""

    carrier_event_id: str
    tracking_number: str
    status: TrackingStatus
    occurred_at: datetime
    description: str = ""
    place: str = ""
    latitude: float | None = None
    longitude: float | None = None
    estimated_delivery: date | None = None
    reason: str = ""  # e.g. "lost", "address_unknown": what the carrier said went wrong


@dataclass(frozen=True)
class ScanSummary:
    """What a shipment's events add up to."""

    status: TrackingStatus
    status_at: datetime
    last_scan_at: datetime
    delivered_at: datetime | None
    estimated_delivery: date | None


def _order_key(update: TrackingUpdate) -> tuple[datetime, int, str]:
    return (update.occurred_at, JOURNEY_RANK[update.status], update.carrier_event_id)


def summarise(updates: Iterable[TrackingUpdate]) -> ScanSummary | None:
    """The status is the latest event by time; the estimate is the latest one given."""
    ordered = sorted(updates, key=_order_key)
    if not ordered:
        return None
    last = ordered[-1]
    delivered = [u.occurred_at for u in ordered if u.status == TrackingStatus.DELIVERED]
    estimates = [u.estimated_delivery for u in ordered if u.estimated_delivery is not None]
    return ScanSummary(
        status=last.status,
        status_at=last.occurred_at,
        last_scan_at=last.occurred_at,
        delivered_at=min(delivered) if delivered else None,
        estimated_delivery=estimates[-1] if estimates else None,
    )
