"""When an order placed now could be collected at each store: the fulfilment promise's rule
(`pickup_ready_by`) applied to what the locations app knows of each store."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from zoneinfo import ZoneInfo

from comptoir.core import clock
from comptoir.fulfilment.domain.promise import OpeningHours, pickup_ready_by
from comptoir.locations.selectors import pickup_offers


def ready_times(
    *, location_ids: Collection[int], service: str = "click_and_collect"
) -> dict[int, datetime | None]:
    """Store id → when it would be ready, on the store's own clock (None: it never opens).

    Stores that do not offer `service` are absent.
    """
    now = clock.now()
    ready = {}
    for pk, offer in pickup_offers(location_ids=location_ids, service=service, now=now).items():
        hours = OpeningHours(tuple(offer.weekly), tuple(offer.closures), offer.timezone)
        at = pickup_ready_by(now=now, hours=hours, lead_minutes=offer.lead_minutes)
        ready[pk] = at.astimezone(ZoneInfo(offer.timezone)) if at else None
    return ready
