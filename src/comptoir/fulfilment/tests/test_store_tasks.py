from datetime import timedelta
from decimal import Decimal

import pytest

from comptoir.accounts.tests.factories import make_staff
from comptoir.core import clock
from comptoir.core.models import OutboxEvent
from comptoir.customers.tests.factories import make_shopper
from comptoir.fulfilment import services
from comptoir.fulfilment.errors import TaskStateConflict
from comptoir.fulfilment.models import StoreTask
from comptoir.inventory.models import Hold, StockLevel
from comptoir.locations.tests.factories import offering
from comptoir.orders.models import Order
from comptoir.orders.services import lifecycle
from comptoir.orders.services.lines import record_parcel_arrival
from comptoir.orders.tests.factories import (
    HOME,
    deliver_events,
    make_jackets,
    make_location,
    order_body,
    stock,
)


def _level(store, sku="JACKET-TRAIL-S"):
    level = StockLevel.objects.get(location=store, variant__sku=sku)
    return level.on_hand, level.held


def _reserve(client, *, mode="reserve_and_collect", units=2):
    store = make_location("lyon-bellecour", city="Lyon")
    make_jackets()
    stock("JACKET-TRAIL-S", store, units)
    client.force_login(make_shopper().user)
    payment = {"method": "at_pickup"} if mode == "reserve_and_collect" else None
    response = client.post(
        "/api/v1/orders", order_body(mode=mode, payment=payment), content_type="application/json"
    )
    assert response.status_code == 201, response.json()
    deliver_events()
    order = Order.objects.get(reference=response.json()["reference"])
    return store, order, StoreTask.objects.get(order=order)


def _types():
    return list(OutboxEvent.objects.order_by("id").values_list("type", flat=True))


@pytest.mark.django_db
def test_a_reservation_gives_its_store_one_task_even_if_the_event_comes_twice(client):
    store, order, task = _reserve(client)

    services.create_tasks_for_order(order_id=order.pk)

    assert StoreTask.objects.filter(order=order).count() == 1
    assert (task.kind, task.status, task.location_id) == ("set_aside", "open", store.pk)
    assert task.deadline - task.created_at == timedelta(hours=2)


@pytest.mark.django_db
def test_an_associate_of_another_store_cannot_see_or_work_its_tasks(client):
    _, _, task = _reserve(client)
    client.force_login(make_staff("associate", [make_location("lyon-part-dieu", city="Lyon")]))

    listing = client.get("/api/v1/store-tasks", {"location": "lyon-bellecour"})
    ready = client.post(f"/api/v1/store-tasks/{task.pk}/ready")

    assert (listing.status_code, ready.status_code) == (403, 403)
    assert StoreTask.objects.get(pk=task.pk).status == "open"


@pytest.mark.django_db
def test_a_reservation_is_paid_at_the_till_when_collected(client):
    store, order, task = _reserve(client)
    services.mark_ready(task_id=task.pk)
    order.refresh_from_db()

    services.hand_over(task_id=task.pk, pickup_code=order.pickup_code, tender="cash")

    order.refresh_from_db()
    assert (order.status, order.payment.status, order.payment.captured_amount) == (
        "collected",
        "captured",
        129,
    )
    assert _level(store) == (1, 0)


@pytest.mark.django_db
def test_an_uncollected_reservation_expires_and_its_unit_goes_back_on_sale(client):
    store, order, task = _reserve(client)
    assert _level(store) == (2, 1)

    assert services.expire_uncollected(now=clock.now() + timedelta(hours=47)) == 0
    assert services.expire_uncollected(now=clock.now() + timedelta(hours=49)) == 1

    order.refresh_from_db()
    assert order.status == "cancelled"
    assert Hold.objects.get(reference=order.reference).status == "expired"
    assert _level(store) == (2, 0)
    assert StoreTask.objects.get(pk=task.pk).status == "expired"
    cancelled = OutboxEvent.objects.get(type="order.cancelled")
    assert cancelled.payload["reason"] == "not collected in time"


@pytest.mark.django_db
def test_a_ready_order_gets_one_reminder_the_day_before_its_deadline(client):
    _, order, task = _reserve(client, mode="click_and_collect")
    services.mark_ready(task_id=task.pk)
    order.refresh_from_db()
    day_before = order.collect_by - timedelta(hours=12)

    assert services.send_pickup_reminders(now=order.collect_by - timedelta(days=3)) == 0
    assert services.send_pickup_reminders(now=day_before) == 1
    assert services.send_pickup_reminders(now=day_before) == 0

    [reminder] = OutboxEvent.objects.filter(type="order.pickup_reminder")
    assert reminder.payload["pickup_code"] == order.pickup_code
    assert reminder.payload["collect_by"] == order.collect_by.isoformat()


@pytest.mark.django_db
def test_an_item_not_found_cancels_its_line_and_corrects_the_count(client):
    store, order, task = _reserve(client, mode="click_and_collect", units=1)
    client.force_login(make_staff("associate", [store]))

    response = client.post(
        f"/api/v1/store-tasks/{task.pk}/not-found", {"lines": [1]}, content_type="application/json"
    )

    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "not_found"
    deliver_events()  # order.cancelled: the task keeps saying why
    assert StoreTask.objects.get(pk=task.pk).status == "not_found"
    order.refresh_from_db()
    assert (order.status, order.payment.status) == ("cancelled", "voided")
    assert _level(store) == (0, 0)  # the phantom unit is off the books, not back on sale
    assert OutboxEvent.objects.get(type="order.cancelled").payload["reason"] == (
        "not found in store"
    )


@pytest.mark.django_db
def test_a_wrong_pickup_code_changes_nothing(client):
    store, order, task = _reserve(client, mode="click_and_collect")
    services.mark_ready(task_id=task.pk)
    order.refresh_from_db()
    client.force_login(make_staff("associate", [store]))
    wrong = "123456" if order.pickup_code != "123456" else "654321"

    response = client.post(
        f"/api/v1/store-tasks/{task.pk}/handover",
        {"pickup_code": wrong},
        content_type="application/json",
    )

    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"field": "body.pickup_code", "message": "does not match this order"}
    ]
    order.refresh_from_db()
    assert (order.status, order.payment.status) == ("ready_for_pickup", "authorised")
    assert _level(store) == (2, 1)
    assert "order.collected" not in _types()


@pytest.mark.django_db
def test_an_item_not_found_is_sourced_again_from_another_store_and_shipped_to_the_pickup_store(
    client,
):
    store, order, task = _reserve(client, mode="click_and_collect", units=1)
    # A store sends a parcel, to a home or to another store, only if it ships from store.
    part_dieu = offering(make_location("lyon-part-dieu", city="Lyon"), "ship_from_store")
    stock("JACKET-TRAIL-S", part_dieu, 3)
    client.force_login(make_staff("associate", [store]))

    response = client.post(
        f"/api/v1/store-tasks/{task.pk}/not-found", {"lines": [1]}, content_type="application/json"
    )

    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "open"  # the pickup store waits for the parcel
    assert _level(store) == (0, 0)  # counted out, not back on sale
    assert _level(part_dieu) == (3, 1)  # held at once where it was found
    lines = list(order.lines.order_by("line_number").values_list("location_id", "status"))
    assert lines == [(store.pk, "cancelled"), (part_dieu.pk, "open")]
    resourced = OutboxEvent.objects.get(type="order.line_resourced")
    assert (resourced.payload["from_location_id"], resourced.payload["to_location_id"]) == (
        store.pk,
        part_dieu.pk,
    )
    order.refresh_from_db()
    assert order.sourcing_explanation[0].startswith("JACKET-TRAIL-S ×1 was not found")
    assert not OutboxEvent.objects.filter(type="order.cancelled").exists()

    # Not ready before the parcel has left Part-Dieu, nor before it arrived; then ready, and
    # collected.
    assert client.post(f"/api/v1/store-tasks/{task.pk}/ready").status_code == 409
    ship = StoreTask.objects.get(order=order, location=part_dieu)
    services.dispatch(task_id=ship.pk)
    dispatched = OutboxEvent.objects.get(type="fulfilment.dispatched").payload
    assert dispatched["destination"]["kind"] == "store"
    assert dispatched["destination"]["location_id"] == store.pk
    with pytest.raises(TaskStateConflict):
        services.mark_ready(task_id=task.pk)
    record_parcel_arrival(order_id=order.pk, from_location_id=part_dieu.pk, at_store=True)
    services.mark_ready(task_id=task.pk)
    order.refresh_from_db()
    services.hand_over(task_id=task.pk, pickup_code=order.pickup_code)
    order.refresh_from_db()
    assert (order.status, order.payment.captured_amount) == ("collected", 129)
    assert _level(part_dieu) == (2, 0)


@pytest.mark.django_db
def test_an_unknown_task_status_is_a_422_naming_it(client):
    store = make_location("lyon-bellecour", city="Lyon")
    client.force_login(make_staff("associate", [store]))

    response = client.get("/api/v1/store-tasks", {"location": "lyon-bellecour", "status": "lost"})

    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "query.status"


@pytest.mark.django_db
def test_a_parcel_dispatched_twice_is_captured_and_sold_once(client):
    store = make_location("lyon-bellecour", city="Lyon")
    make_jackets()
    stock("JACKET-TRAIL-M", store, 2)
    client.force_login(make_shopper().user)
    body = order_body(
        mode="ship_from_store",
        pickup=None,
        lines=[{"sku": "JACKET-TRAIL-M", "quantity": 1, "location": "lyon-bellecour"}],
        delivery_address=HOME,
    )
    reference = client.post("/api/v1/orders", body, content_type="application/json").json()[
        "reference"
    ]
    deliver_events()
    task = StoreTask.objects.get(order__reference=reference)
    services.dispatch(task_id=task.pk)

    with pytest.raises(TaskStateConflict):
        services.dispatch(task_id=task.pk)

    order = Order.objects.get(reference=reference)
    assert order.payment.captured_amount == order.total == Decimal("133.90")  # + the fee
    assert _level(store, "JACKET-TRAIL-M") == (1, 0)
    assert OutboxEvent.objects.filter(type="fulfilment.dispatched").count() == 1


@pytest.mark.django_db
def test_a_reservation_handed_over_while_the_expiry_sweep_runs_stays_collected_and_paid(client):
    store, order, task = _reserve(client)
    services.mark_ready(task_id=task.pk)
    order.refresh_from_db()
    past_deadline = order.collect_by + timedelta(minutes=1)
    listed = lifecycle.reservations_to_expire(now=past_deadline)  # the sweep reads its list
    assert listed == [order.pk]

    services.hand_over(task_id=task.pk, pickup_code=order.pickup_code, tender="cash")
    expired = lifecycle.expire_reservation(order_id=order.pk, now=past_deadline)

    order.refresh_from_db()
    assert (expired, order.status, str(order.payment.captured_amount)) == (
        False,
        "collected",
        "129.00",
    )
    assert not OutboxEvent.objects.filter(type="order.cancelled").exists()


@pytest.mark.django_db
def test_an_order_paid_while_the_unpaid_sweep_runs_is_not_cancelled(client):
    from comptoir.orders.payments.fake import SIGNATURE_HEADER, FakePsp

    store = make_location("lyon-bellecour", city="Lyon")
    make_jackets()
    stock("JACKET-TRAIL-S", store, 2)
    client.force_login(make_shopper().user)
    FakePsp.take_sent()
    response = client.post(
        "/api/v1/orders",
        order_body(payment={"method": "card", "card_token": "tok_3ds_visa"}),
        content_type="application/json",
    )
    assert response.json()["status"] == "awaiting_payment", response.json()
    order = Order.objects.get(reference=response.json()["reference"])
    past_window = clock.now() + timedelta(hours=25)
    assert lifecycle.unpaid_orders_to_cancel(now=past_window) == [order.pk]
    [(body, signature)] = FakePsp.take_sent()
    confirmed = client.post(
        "/api/v1/payments/webhooks/fake",
        body,
        content_type="application/json",
        headers={SIGNATURE_HEADER: signature},
    )
    assert confirmed.json()["outcome"] == "applied"

    assert lifecycle.cancel_unpaid_order(order_id=order.pk, now=past_window) is False
    order.refresh_from_db()
    assert (order.status, order.payment.status) == ("placed", "authorised")
    assert Hold.objects.get(reference=order.reference).status == "active"
