"""Carriers behind one interface. A real carrier is one more class and one line in ADAPTERS."""

from __future__ import annotations

from .base import CarrierAdapter, Label, ParcelRequest, PickupBooking
from .fake import FakeCarrier

ADAPTERS: dict[str, type[CarrierAdapter]] = {"fake": FakeCarrier}


def adapter_for(name: str, *, carrier_code: str) -> CarrierAdapter:
    return ADAPTERS[name](carrier_code=carrier_code)


__all__ = ["ADAPTERS", "CarrierAdapter", "Label", "ParcelRequest", "PickupBooking", "adapter_for"]
