"""A pickup code cannot be guessed: after five wrong codes for an order, no code is even
checked for a quarter of an hour, the store hears of it, and the right code then still waits."""

from datetime import timedelta

import pytest

from comptoir.core import clock
from comptoir.core.outbox import OutboxEvent
from comptoir.customers.tests.factories import make_shopper
from comptoir.orders.domain import PICKUP_CODE_LOCKOUT, PICKUP_CODE_TRIES
from comptoir.orders.errors import PickupCodeLocked, WrongPickupCode
from comptoir.orders.services import lifecycle
from comptoir.orders.services.placing import LineRequest, OrderRequest, PaymentRequest, place_order
from comptoir.orders.tests.factories import CARD_OK, make_jackets, make_location, stock

pytestmark = pytest.mark.django_db


def _ready():
    store = make_location("lyon-bellecour", city="Lyon")
    make_jackets()
    stock("JACKET-TRAIL-S", store, 5)
    order = place_order(
        OrderRequest(
            channel="web",
            fulfilment_mode="click_and_collect",
            lines=[LineRequest("JACKET-TRAIL-S", 1)],
            payment=PaymentRequest("card", CARD_OK),
            customer_id=make_shopper().pk,
            pickup_location_id=store.pk,
        )
    ).order
    lifecycle.mark_ready_for_pickup(order_id=order.pk)
    order.refresh_from_db()
    return order


def _wrong(order):
    return "000000" if order.pickup_code != "000000" else "111111"


def _collect(order, code, now=None):
    return lifecycle.collect_order(
        order_id=order.pk, pickup_code=code, location_id=order.pickup_location_id, now=now
    )


def test_five_wrong_codes_lock_the_order_and_tell_the_store():
    order = _ready()
    for _ in range(PICKUP_CODE_TRIES):
        with pytest.raises(WrongPickupCode):
            _collect(order, _wrong(order))

    with pytest.raises(PickupCodeLocked) as locked:
        _collect(order, order.pickup_code)  # even the right one waits

    assert "wrong codes" in str(locked.value)
    order.refresh_from_db()
    assert order.status == "ready_for_pickup"
    events = OutboxEvent.objects.filter(type="order.pickup_code_locked")
    assert events.count() == 1
    assert events.get().payload["location_id"] == order.pickup_location_id


def test_the_check_page_counts_its_tries_too():
    order = _ready()
    for _ in range(PICKUP_CODE_TRIES):
        with pytest.raises(WrongPickupCode):
            lifecycle.check_pickup_code(
                order_id=order.pk, location_id=order.pickup_location_id, pickup_code="x"
            )

    with pytest.raises(PickupCodeLocked):
        lifecycle.check_pickup_code(
            order_id=order.pk,
            location_id=order.pickup_location_id,
            pickup_code=order.pickup_code,
        )


def test_after_the_lockout_the_right_code_collects_and_forgets_the_wrong_ones():
    order = _ready()
    for _ in range(PICKUP_CODE_TRIES):
        with pytest.raises(WrongPickupCode):
            _collect(order, _wrong(order))

    later = clock.now() + PICKUP_CODE_LOCKOUT + timedelta(seconds=1)
    _collect(order, order.pickup_code, now=later)

    order.refresh_from_db()
    assert order.status == "collected"


def test_a_right_code_forgets_the_wrong_ones_before_it():
    order = _ready()
    for _ in range(PICKUP_CODE_TRIES - 1):
        with pytest.raises(WrongPickupCode):
            _collect(order, _wrong(order))
    lifecycle.check_pickup_code(
        order_id=order.pk, location_id=order.pickup_location_id, pickup_code=order.pickup_code
    )

    with pytest.raises(WrongPickupCode):
        _collect(order, _wrong(order))  # one wrong again: not locked
    _collect(order, order.pickup_code)
    order.refresh_from_db()
    assert order.status == "collected"
