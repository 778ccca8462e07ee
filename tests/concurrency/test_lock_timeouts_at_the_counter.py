"""A dispatch, a handover or a collection that cannot have its order's row in time answers 503
(Busy), never a raw database error, and changes nothing (PostgreSQL, docs/locking.md).

Another connection keeps the order's row locked past a short `lock_timeout`: the service's
transaction, retried by `transaction_retried`, gives up with `Busy`, and the task, the order,
its payment and its stock are as they were.
"""

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pytest
from django.db import connection, transaction

from comptoir.accounts.tests.factories import make_staff
from comptoir.core.retrying import Busy
from comptoir.customers.tests.factories import make_shopper
from comptoir.fulfilment import services
from comptoir.fulfilment.models import StoreTask
from comptoir.inventory.models import StockLevel
from comptoir.orders.models import Order, PaymentOperation
from comptoir.orders.services import lifecycle
from comptoir.orders.tests.factories import (
    HOME,
    deliver_events,
    make_jackets,
    make_location,
    order_body,
    stock,
)

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]


@contextmanager
def _row_locked_elsewhere(lock: Callable[[], object]) -> Iterator[None]:
    """`lock` runs in another connection's transaction, kept open until the block ends; this
    connection waits at most 200 ms for a lock."""
    locked, done = threading.Event(), threading.Event()

    def keep_it_locked() -> None:
        try:
            with transaction.atomic():
                lock()
                locked.set()
                done.wait(timeout=30)
        finally:
            connection.close()

    holder = threading.Thread(target=keep_it_locked)
    holder.start()
    try:
        assert locked.wait(timeout=10)
        with connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = '200ms'")
        yield
    finally:
        done.set()
        holder.join(timeout=30)


def _order_locked(order: Order) -> Callable[[], object]:
    return lambda: Order.objects.select_for_update().get(pk=order.pk)


def _as_it_was(order: Order, task: StoreTask) -> tuple:
    order.refresh_from_db()
    task.refresh_from_db()
    levels = sorted(StockLevel.objects.values_list("location_id", "on_hand", "held"))
    return (
        order.status,
        order.payment.status,
        order.payment.captured_amount,
        task.status,
        PaymentOperation.objects.filter(kind="capture").count(),
        levels,
    )


def _busy(response) -> None:
    assert response.status_code == 503, response.content
    assert response["Content-Type"].startswith("application/problem+json")
    assert response.json()["code"] == "busy"


def _ready_for_pickup(client):
    store = make_location("lyon-bellecour", city="Lyon")
    make_jackets()
    stock("JACKET-TRAIL-S", store, 2)
    client.force_login(make_shopper().user)
    response = client.post(
        "/api/v1/orders", order_body(mode="click_and_collect"), content_type="application/json"
    )
    assert response.status_code == 201, response.json()
    deliver_events()
    order = Order.objects.get(reference=response.json()["reference"])
    task = StoreTask.objects.get(order=order)
    services.mark_ready(task_id=task.pk)
    order.refresh_from_db()
    client.force_login(make_staff("associate", [store]))
    return order, task


def test_a_dispatch_whose_order_is_locked_past_the_lock_timeout_answers_503(client):
    warehouse = make_location("entrepot-lyon", city="Saint-Priest", kind="warehouse")
    make_jackets()
    stock("JACKET-TRAIL-S", warehouse, 3)
    client.force_login(make_shopper().user)
    response = client.post(
        "/api/v1/orders",
        order_body(
            mode="home_delivery",
            pickup=None,
            lines=[{"sku": "JACKET-TRAIL-S", "quantity": 1, "location": "entrepot-lyon"}],
            delivery_address=HOME,
        ),
        content_type="application/json",
    )
    assert response.status_code == 201, response.json()
    deliver_events()
    order = Order.objects.get(reference=response.json()["reference"])
    task = StoreTask.objects.get(order=order)
    client.force_login(make_staff("associate", [warehouse]))
    before = _as_it_was(order, task)

    with _row_locked_elsewhere(_order_locked(order)):
        answer = client.post(f"/api/v1/store-tasks/{task.pk}/dispatch")

    _busy(answer)
    assert _as_it_was(order, task) == before
    assert before[0] == "placed"


def test_a_handover_whose_order_is_locked_past_the_lock_timeout_answers_503(client):
    order, task = _ready_for_pickup(client)
    before = _as_it_was(order, task)

    with _row_locked_elsewhere(_order_locked(order)):
        answer = client.post(
            f"/api/v1/store-tasks/{task.pk}/handover",
            {"pickup_code": order.pickup_code},
            content_type="application/json",
        )

    _busy(answer)
    assert _as_it_was(order, task) == before
    assert before[0] == "ready_for_pickup"


def test_a_handover_whose_task_is_locked_past_the_lock_timeout_answers_503(client):
    order, task = _ready_for_pickup(client)
    before = _as_it_was(order, task)

    with _row_locked_elsewhere(lambda: StoreTask.objects.select_for_update().get(pk=task.pk)):
        answer = client.post(
            f"/api/v1/store-tasks/{task.pk}/handover",
            {"pickup_code": order.pickup_code},
            content_type="application/json",
        )

    _busy(answer)
    assert _as_it_was(order, task) == before


def test_a_collection_whose_order_is_locked_past_the_lock_timeout_is_busy(client):
    order, task = _ready_for_pickup(client)
    before = _as_it_was(order, task)

    with _row_locked_elsewhere(_order_locked(order)), pytest.raises(Busy):
        lifecycle.collect_order(
            order_id=order.pk,
            pickup_code=order.pickup_code,
            location_id=order.pickup_location_id,
        )

    assert _as_it_was(order, task) == before
