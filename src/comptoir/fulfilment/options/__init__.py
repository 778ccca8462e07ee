"""Delivery options with a promise: what is really possible now for these lines and this place.

Reads the stock (as the sourcing engine sees it) and the locations' hours and services, asks
the sourcing engine where the units would come from and the promise rules when they would be
ready or arrive, and prices each option from the retailer's offers (`offers.py`). An option
that cannot be fulfilled is listed as unavailable, with the reason in plain words. Checkout
computes the options again and places the order from the one chosen: never from a stale list.

`model.py` holds the shapes and what every option reads; `home.py` the options to a home
(parcels, a time slot, same day, from a store); `store.py` those collected in a store.
"""

from __future__ import annotations

from datetime import datetime

from ..domain.sourcing import OrderLine
from ..offers import DeliveryOffers
from ..selectors import sourcing_candidates
from .home import home_options
from .model import (
    Context,
    DeliveryOption,
    Piece,
    Place,
    Sites,
    Slot,
    home_place,
    store_place,
)
from .store import store_options

__all__ = [
    "DeliveryOption",
    "Piece",
    "Place",
    "Slot",
    "delivery_options",
    "home_place",
    "store_place",
]


def delivery_options(
    *,
    lines: list[OrderLine],
    variant_ids: dict[str, int],
    place: Place,
    offers: DeliveryOffers,
    now: datetime,
    channel: str = "web",
) -> list[DeliveryOption]:
    """Every option for this place, available or not (with its reason), cheapest first among
    the available ones. Guarantees: an available option's pieces cover every line from units
    available to `channel` now."""
    context = Context(
        lines=lines,
        candidates=sourcing_candidates(variant_ids=variant_ids, channel=channel, now=now),
        offers=offers,
        now=now,
        sites=Sites(now),
    )
    if place.kind == "store":
        options = store_options(context, place)
    else:
        options = home_options(context, place)
    return sorted(options, key=lambda o: (not o.available, o.price, o.code))
