"""Builders for returns tests: a parcel the carrier scans, an order that reached Jean."""

from __future__ import annotations

import itertools
from datetime import timedelta

from comptoir.core import clock
from comptoir.customers.tests.factories import make_shopper
from comptoir.fulfilment import services as fulfilment
from comptoir.fulfilment.models import StoreTask
from comptoir.locations.models import Location
from comptoir.orders.models import Order
from comptoir.orders.tests.factories import (
    HOME,
    deliver_events,
    make_jackets,
    make_location,
    order_body,
    stock,
)
from comptoir.shipping.domain.tracking import TrackingStatus, TrackingUpdate
from comptoir.shipping.models import Shipment
from comptoir.shipping.services.tracking import take_in
from comptoir.shipping.tests.factories import make_carriers

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


def shipped_home_order(
    client, *, quantity: int, in_stock: int | None = None
) -> tuple[Order, Location]:
    """Jean's web order of `quantity` size-M jackets from the warehouse (which had `in_stock`,
    by default just enough), dispatched: the carrier has the parcel. Jean is signed in."""
    make_carriers()
    warehouse = make_location("entrepot-lyon", city="Saint-Priest", kind="warehouse")
    make_jackets()
    stock("JACKET-TRAIL-M", warehouse, quantity if in_stock is None else in_stock)
    client.force_login(make_shopper().user)
    body = order_body(
        mode="home_delivery",
        pickup=None,
        lines=[{"sku": "JACKET-TRAIL-M", "quantity": quantity, "location": "entrepot-lyon"}],
        delivery_address=HOME,
    )
    response = client.post("/api/v1/orders", body, content_type="application/json")
    assert response.status_code == 201, response.json()
    deliver_events()
    order = Order.objects.get(reference=response.json()["reference"])
    dispatch_parcel(order)
    return order, warehouse
