"""Where a line's units are once they left their shelf: arrived, and taken back."""

import pytest
from django.db import transaction

from comptoir.customers.tests.factories import make_shopper
from comptoir.fulfilment import services as fulfilment
from comptoir.fulfilment.models import StoreTask
from comptoir.orders.models import Order, OrderLine
from comptoir.orders.services.lines import record_parcel_arrival, record_units_returned
from comptoir.orders.tests.factories import (
    HOME,
    deliver_events,
    make_jackets,
    make_location,
    order_body,
    stock,
)


def _shipped_from_two_places(client):
    """Jean's home delivery: a jacket from the warehouse, another from Part-Dieu."""
    warehouse = make_location("entrepot-lyon", city="Saint-Priest", kind="warehouse")
    part_dieu = make_location("lyon-part-dieu", city="Lyon")
    make_jackets()
    stock("JACKET-TRAIL-M", warehouse, 3)
    stock("JACKET-TRAIL-L", part_dieu, 3)
    client.force_login(make_shopper().user)
    body = order_body(
        mode="home_delivery",
        pickup=None,
        lines=[
            {"sku": "JACKET-TRAIL-M", "quantity": 2, "location": "entrepot-lyon"},
            {"sku": "JACKET-TRAIL-L", "quantity": 1, "location": "lyon-part-dieu"},
        ],
        delivery_address=HOME,
    )
    response = client.post("/api/v1/orders", body, content_type="application/json")
    assert response.status_code == 201, response.json()
    deliver_events()
    order = Order.objects.get(reference=response.json()["reference"])
    for task in StoreTask.objects.filter(order=order):
        fulfilment.dispatch(task_id=task.pk)
    return order, warehouse, part_dieu


def _statuses(order):
    return list(order.lines.order_by("line_number").values_list("status", "returned_quantity"))


@pytest.mark.django_db
def test_a_parcel_delivered_home_delivers_only_the_lines_it_carried_and_only_once(client):
    order, warehouse, _ = _shipped_from_two_places(client)

    moved = record_parcel_arrival(order_id=order.pk, from_location_id=warehouse.pk, at_store=False)
    again = record_parcel_arrival(order_id=order.pk, from_location_id=warehouse.pk, at_store=False)

    assert [line.line_number for line in moved] == [1]
    assert again == []
    assert _statuses(order) == [("delivered", 0), ("dispatched", 0)]
    assert OrderLine.objects.get(order=order, line_number=1).delivered_at is not None


@pytest.mark.django_db
def test_a_parcel_that_reached_the_pickup_store_makes_its_lines_at_store(client):
    order, warehouse, part_dieu = _shipped_from_two_places(client)

    record_parcel_arrival(order_id=order.pk, from_location_id=part_dieu.pk, at_store=True)

    assert _statuses(order) == [("dispatched", 0), ("at_store", 0)]


@pytest.mark.django_db
def test_units_are_counted_back_only_on_received_lines_and_never_beyond_their_quantity(client):
    order, warehouse, _ = _shipped_from_two_places(client)
    record_parcel_arrival(order_id=order.pk, from_location_id=warehouse.pk, at_store=False)

    with transaction.atomic():
        first = record_units_returned(order_id=order.pk, quantities={1: 2})
        beyond = record_units_returned(order_id=order.pk, quantities={1: 1})
        not_received = record_units_returned(order_id=order.pk, quantities={2: 1})

    assert (first, beyond, not_received) == ([], [1], [2])
    assert _statuses(order) == [("delivered", 2), ("dispatched", 0)]
