"""Defects the attack tests found that issue 13 did not list: each one's test, failing until
it is fixed."""

from datetime import timedelta

import pytest

from comptoir.core import clock
from comptoir.core.errors import DomainError
from comptoir.fulfilment import services as fulfilment
from comptoir.fulfilment.models import StoreTask
from comptoir.inventory.models import Hold
from comptoir.inventory.services.releases import expire_holds
from comptoir.orders.models import Order
from comptoir.orders.tests.factories import deliver_events

from .world import open_the_shop, place_home


@pytest.mark.django_db
def test_an_order_past_its_hold_time_is_still_dispatched_or_cancelled_not_stuck():
    world = open_the_shop()
    placed = place_home(world)
    deliver_events()  # the warehouse gets its task
    task = StoreTask.objects.get(order_id=placed.order.pk, kind="ship")

    # The warehouse is slow: the worker's sweeps run weeks later (the holds once expired after
    # 14 days).
    later = clock.now() + timedelta(days=30)
    fulfilment.cancel_unpaid_orders(now=later)
    fulfilment.expire_uncollected(now=later)
    expire_holds(now=later)

    order = Order.objects.get(pk=placed.order.pk)
    if order.status == "cancelled":  # one honest answer: cancelled, its units given back
        return
    # The other: still the customer's, its units still held for it, and it can be shipped.
    assert Hold.objects.get(pk=placed.lines[0].hold_id).status == "active"
    try:
        fulfilment.dispatch(task_id=task.pk, now=later)
    except DomainError as refused:
        pytest.fail(f"the order is {order.status} but cannot be dispatched: {refused}")
