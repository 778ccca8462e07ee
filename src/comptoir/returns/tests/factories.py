"""Builders for returns tests: a parcel the carrier scans, an order that reached Jean."""

from __future__ import annotations

import itertools
from datetime import timedelta

from comptoir.core import clock
from comptoir.fulfilment import services as fulfilment
from comptoir.fulfilment.models import StoreTask
from comptoir.orders.models import Order
from comptoir.orders.tests.factories import deliver_events
from comptoir.shipping.domain.tracking import TrackingStatus, TrackingUpdate
from comptoir.shipping.models import Shipment
from comptoir.shipping.services.tracking import take_in

_scans = itertools.count(1)


def carrier_scans(order: Order, status: TrackingStatus, *, hours_later: int = 1) -> None:
    """The carrier of the order's parcel scans it (as its webhook would tell us), and the
    worker delivers the events that follow."""
    shipment = Shipment.objects.get(order_id=order.pk)
    take_in(
        carrier=shipment.carrier,
        updates=[
            TrackingUpdate(
                carrier_event_id=f"{shipment.tracking_number}-{next(_scans)}",
                tracking_number=shipment.tracking_number,
                status=status,
                occurred_at=clock.now() + timedelta(hours=hours_later),
            )
        ],
    )
    deliver_events()


def dispatch_parcel(order: Order) -> None:
    """The order's shipping task is packed and dispatched; the carrier gets the parcel."""
    task = StoreTask.objects.get(order=order, kind=StoreTask.Kind.SHIP)
    fulfilment.dispatch(task_id=task.pk)
    deliver_events()  # shipping makes the parcel's shipment
