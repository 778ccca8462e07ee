"""Issue 13, defect 4: a ship-to-store order was marked ready while its parcel was still
`info_received` at the warehouse, and the customer was told to come. Ready only when every
line's units are at the pickup store; the task page does not offer what the rules refuse."""

import pytest

from comptoir.accounts.tests.factories import make_staff
from comptoir.core.models import OutboxEvent
from comptoir.customers.tests.factories import make_shopper
from comptoir.fulfilment import services
from comptoir.fulfilment.errors import TaskStateConflict
from comptoir.fulfilment.models import StoreTask
from comptoir.fulfilment.selectors import task_actions
from comptoir.orders.models import Order
from comptoir.orders.tests.factories import (
    deliver_events,
    make_jackets,
    make_location,
    order_body,
    stock,
)
from comptoir.returns.tests.factories import carrier_scans, dispatch_parcel
from comptoir.shipping.domain.tracking import TrackingStatus
from comptoir.shipping.tests.factories import make_carriers


def _shipped_to_bellecour(client):
    make_carriers()
    bellecour = make_location("lyon-bellecour", city="Lyon")
    make_location("entrepot-lyon", city="Saint-Priest", kind="warehouse")
    make_jackets()
    stock("JACKET-TRAIL-M", make_location("entrepot-lyon", city="x"), 2)
    client.force_login(make_shopper().user)
    body = order_body(
        mode="ship_to_store",
        lines=[{"sku": "JACKET-TRAIL-M", "quantity": 1, "location": "entrepot-lyon"}],
    )
    response = client.post("/api/v1/orders", body, content_type="application/json")
    assert response.status_code == 201, response.json()
    deliver_events()
    order = Order.objects.get(reference=response.json()["reference"])
    dispatch_parcel(order)
    set_aside = StoreTask.objects.get(order=order, kind=StoreTask.Kind.SET_ASIDE)
    return bellecour, order, set_aside


def _tasks_page(client, store):
    client.force_login(make_staff("associate", [store], username="sofia"))
    return client.get(f"/associate/{store.code}/tasks/").content.decode()


@pytest.mark.django_db
def test_a_parcel_still_at_the_warehouse_cannot_be_made_ready_nor_is_it_offered(client):
    bellecour, order, task = _shipped_to_bellecour(client)
    carrier_scans(order, TrackingStatus.INFO_RECEIVED)

    with pytest.raises(TaskStateConflict):
        services.mark_ready(task_id=task.pk)

    order.refresh_from_db()
    assert order.status == "dispatched"
    assert not OutboxEvent.objects.filter(type="order.ready_for_pickup").exists()
    assert "ready" not in task_actions(task_by_pk(task.pk))
    assert f"/tasks/{task.pk}/ready/" not in _tasks_page(client, bellecour)


@pytest.mark.django_db
def test_once_the_parcel_is_at_the_store_it_is_offered_made_ready_and_collected(client):
    bellecour, order, task = _shipped_to_bellecour(client)
    carrier_scans(order, TrackingStatus.AVAILABLE_FOR_PICKUP)

    assert "ready" in task_actions(task_by_pk(task.pk))
    assert f"/tasks/{task.pk}/ready/" in _tasks_page(client, bellecour)
    services.mark_ready(task_id=task.pk)
    order.refresh_from_db()
    services.hand_over(task_id=task.pk, pickup_code=order.pickup_code)

    order.refresh_from_db()
    assert order.status == "collected"
    assert list(order.lines.values_list("status", flat=True)) == ["collected"]


def task_by_pk(pk):
    return StoreTask.objects.select_related("order").get(pk=pk)
