"""One status vocabulary for every carrier, and a shipment's status derived from its events.

Carriers resend events and deliver them out of order; the status is therefore never "the
last event received" but the event that happened last, whatever the order it arrived in.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
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
    """What a shipment's events add up to. Each field is a max or a min over the events, so
    folding them in any order, or one twice, gives the same summary."""

    status: TrackingStatus
    status_at: datetime
    last_scan_at: datetime
    delivered_at: datetime | None
    estimated_delivery: date | None
    estimated_at: datetime | None  # when the carrier gave the estimate in force


def _later(update: TrackingUpdate, summary: ScanSummary) -> bool:
    # Two scans stamped the same second (a carrier's batch scan) are ordered by how far along
    # the journey they are, so the result does not depend on the order they arrived in.
    return (update.occurred_at, JOURNEY_RANK[update.status]) > (
        summary.status_at,
        JOURNEY_RANK[summary.status],
    )


def _fold(summary: ScanSummary | None, update: TrackingUpdate) -> ScanSummary:
    if summary is None:
        summary = ScanSummary(
            update.status, update.occurred_at, update.occurred_at, None, None, None
        )
    elif _later(update, summary):
        summary = replace(summary, status=update.status, status_at=update.occurred_at)
    if update.occurred_at > summary.last_scan_at:
        summary = replace(summary, last_scan_at=update.occurred_at)
    if update.status == TrackingStatus.DELIVERED and (
        summary.delivered_at is None or update.occurred_at < summary.delivered_at
    ):
        summary = replace(summary, delivered_at=update.occurred_at)
    if update.estimated_delivery is not None and (
        summary.estimated_at is None
        or summary.estimated_delivery is None
        or (update.occurred_at, update.estimated_delivery)
        > (summary.estimated_at, summary.estimated_delivery)
    ):
        summary = replace(
            summary, estimated_delivery=update.estimated_delivery, estimated_at=update.occurred_at
        )
    return summary


def advance(summary: ScanSummary | None, updates: Iterable[TrackingUpdate]) -> ScanSummary | None:
    """The summary after these events, from the summary of those already taken in: the status
    is the latest event by time, the estimate the latest one given."""
    for update in updates:
        summary = _fold(summary, update)
    return summary


def summarise(updates: Iterable[TrackingUpdate]) -> ScanSummary | None:
    return advance(None, updates)
