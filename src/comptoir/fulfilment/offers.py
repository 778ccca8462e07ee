"""The retailer's delivery offers: prices, transit days, cut-offs and time slots.

A small table in settings (`COMPTOIR_DELIVERY_OFFERS`), merged over the defaults below, so a
retailer changes a price or a cut-off without a migration. docs/delivery-options.md lists
every key. Read once per request: a test (or an operator) may change the setting at run time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time
from decimal import Decimal
from typing import Any

from django.conf import settings

from comptoir.core.money import Money

from .domain.promise import TimeSlot

HOME_STANDARD = "home_standard"
HOME_EXPRESS = "home_express"
HOME_TIME_SLOT = "home_time_slot"
SAME_DAY = "same_day"
SHIP_FROM_STORE = "ship_from_store"
CLICK_AND_COLLECT = "click_and_collect"
RESERVE_AND_COLLECT = "reserve_and_collect"
SHIP_TO_STORE = "ship_to_store"
HOME_OPTIONS = (HOME_STANDARD, HOME_EXPRESS, HOME_TIME_SLOT, SAME_DAY, SHIP_FROM_STORE)
STORE_OPTIONS = (CLICK_AND_COLLECT, RESERVE_AND_COLLECT, SHIP_TO_STORE)

DEFAULT_DELIVERY_OFFERS: dict[str, Any] = {
    "currency": "EUR",
    # When a warehouse, or a store shipping a parcel, hands it to the carrier (local time).
    "warehouse_cut_off": "15:00",
    "store_cut_off": "12:00",
    HOME_STANDARD: {"label": "Home delivery", "price": "4.90", "transit_days": 2},
    HOME_EXPRESS: {"label": "Express home delivery", "price": "9.90", "transit_days": 1},
    HOME_TIME_SLOT: {
        "label": "Home delivery in a time slot",
        "price": "12.90",
        "transit_days": 1,
        "slots": ["08:00-10:00", "12:00-14:00", "18:00-20:00"],
        "days": 3,
    },
    SAME_DAY: {
        "label": "Same-day delivery",
        "price": "14.90",
        "cut_off": "14:00",  # the store's, local time
        "max_distance_km": 20,
        "delivered_by": "21:00",
    },
    SHIP_FROM_STORE: {"label": "Delivered from a store", "price": "4.90", "transit_days": 1},
    CLICK_AND_COLLECT: {"label": "Click & collect", "price": "0.00"},
    RESERVE_AND_COLLECT: {"label": "Reserve & collect, pay in store", "price": "0.00"},
    SHIP_TO_STORE: {
        "label": "Delivered to the store",
        "price": "0.00",
        "transit_days": 2,
        "receiving_minutes": 60,
    },
}


@dataclass(frozen=True)
class Offer:
    code: str
    label: str
    price: Decimal
    transit_days: int = 2


@dataclass(frozen=True)
class DeliveryOffers:
    currency: str
    warehouse_cut_off: time
    store_cut_off: time
    offers: dict[str, Offer]
    slots: tuple[TimeSlot, ...]
    slot_days: int
    same_day_cut_off: time
    same_day_max_km: float
    same_day_delivered_by: time
    receiving_minutes: int

    def __getitem__(self, code: str) -> Offer:
        return self.offers[code]


def _slot(text: str) -> TimeSlot:
    starts, ends = text.split("-")
    return TimeSlot(time.fromisoformat(starts.strip()), time.fromisoformat(ends.strip()))


def delivery_offers() -> DeliveryOffers:
    """The defaults with the retailer's settings over them (each offer merged key by key)."""
    configured: dict[str, Any] = getattr(settings, "COMPTOIR_DELIVERY_OFFERS", None) or {}
    table = {**DEFAULT_DELIVERY_OFFERS, **configured}
    for code in (*HOME_OPTIONS, *STORE_OPTIONS):
        table[code] = {**DEFAULT_DELIVERY_OFFERS[code], **configured.get(code, {})}
    currency = str(table["currency"])
    offers = {
        code: Offer(
            code,
            str(table[code]["label"]),
            # "3.5" is 3.50 in euros: Money rounds to the currency's minor unit.
            Money(Decimal(str(table[code]["price"])), currency).amount,
            int(table[code].get("transit_days", 2)),
        )
        for code in (*HOME_OPTIONS, *STORE_OPTIONS)
    }
    same_day = table[SAME_DAY]
    return DeliveryOffers(
        currency=currency,
        warehouse_cut_off=time.fromisoformat(table["warehouse_cut_off"]),
        store_cut_off=time.fromisoformat(table["store_cut_off"]),
        offers=offers,
        slots=tuple(_slot(text) for text in table[HOME_TIME_SLOT]["slots"]),
        slot_days=int(table[HOME_TIME_SLOT]["days"]),
        same_day_cut_off=time.fromisoformat(same_day["cut_off"]),
        same_day_max_km=float(same_day["max_distance_km"]),
        same_day_delivered_by=time.fromisoformat(same_day["delivered_by"]),
        receiving_minutes=int(table[SHIP_TO_STORE]["receiving_minutes"]),
    )
