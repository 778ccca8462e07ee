"""A local carrier that behaves like a real one: its own status codes, signed webhooks that
arrive late, twice or out of order, and a tracking API to poll. Used by tests, the demo and
the benchmark; it keeps its state in memory, as a remote carrier keeps it on its side."""

from __future__ import annotations

import hashlib
import json
import random
import threading
import time
import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import httpx

from ..domain.signatures import sign
from ..domain.tracking import TrackingStatus, TrackingUpdate
from .base import Label, ParcelRequest, PickupBooking

# The carrier's own codes, as a real carrier has them; the adapter maps them.
FAKE_CODES: dict[str, TrackingStatus] = {
    "MAN": TrackingStatus.INFO_RECEIVED,
    "PU": TrackingStatus.IN_TRANSIT,
    "HUB": TrackingStatus.IN_TRANSIT,
    "OFD": TrackingStatus.OUT_FOR_DELIVERY,
    "NH": TrackingStatus.FAILED_ATTEMPT,
    "PKP": TrackingStatus.AVAILABLE_FOR_PICKUP,
    "DLV": TrackingStatus.DELIVERED,
    "EXC": TrackingStatus.EXCEPTION,
    "RTS": TrackingStatus.RETURNED_TO_SENDER,
    "EXP": TrackingStatus.EXPIRED,
}
CODE_FOR = {
    TrackingStatus.INFO_RECEIVED: "MAN",
    TrackingStatus.IN_TRANSIT: "HUB",
    TrackingStatus.OUT_FOR_DELIVERY: "OFD",
    TrackingStatus.FAILED_ATTEMPT: "NH",
    TrackingStatus.AVAILABLE_FOR_PICKUP: "PKP",
    TrackingStatus.DELIVERED: "DLV",
    TrackingStatus.EXCEPTION: "EXC",
    TrackingStatus.RETURNED_TO_SENDER: "RTS",
    TrackingStatus.EXPIRED: "EXP",
}


@dataclass(frozen=True)
class SignedRequest:
    headers: dict[str, str]
    body: bytes


class _FakeCarrierState:
    """The carrier's side: parcels, cancellations, pickups and scans, shared by instances."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.parcels: dict[str, ParcelRequest] = {}
        self.cancelled: set[str] = set()
        self.pickups: list[tuple[str, date, int]] = []
        self.pickup_updates: list[tuple[str, int]] = []
        self.scans: dict[str, list[dict[str, Any]]] = defaultdict(list)

    def reset(self) -> None:
        with self.lock:
            self.parcels.clear()
            self.cancelled.clear()
            self.pickups.clear()
            self.pickup_updates.clear()
            self.scans.clear()


STATE = _FakeCarrierState()


def scan(
    *,
    event_id: str,
    tracking_number: str,
    status: TrackingStatus,
    at: datetime,
    place: str = "",
    latitude: float | None = None,
    longitude: float | None = None,
    estimated_delivery: date | None = None,
    reason: str = "",
) -> dict[str, Any]:
    """One scan as the fake carrier's API and webhooks spell it."""
    return {
        "id": event_id,
        "tracking_number": tracking_number,
        "code": CODE_FOR[status],
        "at": at.isoformat(),
        "place": place,
        "lat": latitude,
        "lon": longitude,
        "eta": estimated_delivery.isoformat() if estimated_delivery else None,
        "reason": reason,
    }


class FakeCarrier:
    def __init__(self, *, carrier_code: str) -> None:
        self.carrier_code = carrier_code

    def create_shipment(self, parcel: ParcelRequest) -> Label:
        digest = hashlib.sha256(f"{self.carrier_code}:{parcel.reference}".encode()).hexdigest()
        number = f"{self.carrier_code[:3].upper()}{int(digest[:12], 16) % 10**10:010d}"
        with STATE.lock:
            STATE.parcels[number] = parcel
        address = f"{parcel.to_postcode} {parcel.to_city}"
        label = f"^XA^FO50,50^A0N,40^FD{number}^FS^FO50,120^FD{address}^FS^XZ"
        return Label(tracking_number=number, label=label)

    def cancel_shipment(self, tracking_number: str) -> None:
        with STATE.lock:
            STATE.cancelled.add(tracking_number)

    def book_pickup(
        self, *, location_code: str, postcode: str, day: date, parcels: int
    ) -> PickupBooking:
        with STATE.lock:
            STATE.pickups.append((location_code, day, parcels))
        return PickupBooking(confirmation=f"PU-{location_code}-{day:%Y%m%d}", day=day)

    def update_pickup(self, *, confirmation: str, parcels: int) -> None:
        with STATE.lock:
            STATE.pickup_updates.append((confirmation, parcels))

    def poll_tracking(
        self, tracking_number: str, *, since: datetime | None
    ) -> list[TrackingUpdate]:
        with STATE.lock:
            raw = list(STATE.scans.get(tracking_number, []))
        updates = [self._update(item) for item in raw]
        return [u for u in updates if since is None or u.occurred_at >= since]

    def parse_webhook(self, body: dict[str, Any]) -> list[TrackingUpdate]:
        return [self._update(item) for item in body["events"]]

    def _update(self, item: dict[str, Any]) -> TrackingUpdate:
        return TrackingUpdate(
            carrier_event_id=str(item["id"]),
            tracking_number=str(item["tracking_number"]),
            status=FAKE_CODES[item["code"]],
            occurred_at=datetime.fromisoformat(item["at"]),
            description=item.get("description") or item["code"],
            place=item.get("place") or "",
            latitude=item.get("lat"),
            longitude=item.get("lon"),
            estimated_delivery=date.fromisoformat(item["eta"]) if item.get("eta") else None,
            reason=item.get("reason") or "",
        )

    # The carrier's side of things, for tests, the demo and the benchmark.

    @staticmethod
    def record_scans(scans: list[dict[str, Any]]) -> None:
        with STATE.lock:
            for item in scans:
                STATE.scans[item["tracking_number"]].append(item)

    @staticmethod
    def signed_webhook(
        secret: str, scans: list[dict[str, Any]], *, message_id: str, timestamp: int
    ) -> SignedRequest:
        body = json.dumps({"events": scans}).encode()
        return SignedRequest(
            headers={
                "webhook-id": message_id,
                "webhook-timestamp": str(timestamp),
                "webhook-signature": sign(
                    secret, message_id=message_id, timestamp=timestamp, body=body
                ),
            },
            body=body,
        )

    @staticmethod
    def push(
        url: str,
        secret: str,
        scans: list[dict[str, Any]],
        *,
        batch_size: int = 50,
        delay_seconds: float = 0.0,
        duplicate_share: float = 0.0,
        out_of_order_share: float = 0.0,
        seed: int = 0,
    ) -> list[int]:
        """Send scans to comptoir as the carrier's servers would: signed batches, some scans
        resent or late, a pause between calls. Returns the HTTP status of each call."""
        delivered = FakeCarrier.as_delivered(
            scans,
            duplicate_share=duplicate_share,
            out_of_order_share=out_of_order_share,
            seed=seed,
        )
        statuses = []
        with httpx.Client(timeout=30) as client:
            for start in range(0, len(delivered), batch_size):
                request = FakeCarrier.signed_webhook(
                    secret,
                    delivered[start : start + batch_size],
                    message_id=f"msg_{uuid.uuid4().hex}",
                    timestamp=int(time.time()),
                )
                response = client.post(
                    url,
                    content=request.body,
                    headers={**request.headers, "Content-Type": "application/json"},
                )
                statuses.append(response.status_code)
                time.sleep(delay_seconds)
        return statuses

    @staticmethod
    def as_delivered(
        scans: list[dict[str, Any]],
        *,
        duplicate_share: float = 0.0,
        out_of_order_share: float = 0.0,
        seed: int = 0,
    ) -> list[dict[str, Any]]:
        """What a real carrier's webhooks look like: some scans resent, some swapped with a
        later one (delayed), in the same order otherwise."""
        rng = random.Random(seed)  # noqa: S311 - a reproducible replay, not a secret
        delivered = list(scans)
        for _ in range(int(len(scans) * out_of_order_share)):
            i = rng.randrange(len(delivered) - 1)
            j = min(len(delivered) - 1, i + rng.randint(1, 50))
            delivered[i], delivered[j] = delivered[j], delivered[i]
        for _ in range(int(len(scans) * duplicate_share)):
            i = rng.randrange(len(delivered))
            delivered.insert(min(len(delivered), i + rng.randint(1, 200)), delivered[i])
        return delivered
