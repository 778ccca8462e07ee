"""The back office counts orders by channel and by fulfilment mode."""

from datetime import timedelta

import pytest

from comptoir.core import clock
from comptoir.orders.selectors import order_counts, order_list
from comptoir.orders.services.placing import (
    LineRequest,
    OrderRequest,
    PaymentRequest,
    place_order,
)
from comptoir.orders.tests.factories import CARD_OK, make_jackets, make_location, stock

pytestmark = pytest.mark.django_db


def place(channel: str, mode: str, store) -> None:
    method = "at_pickup" if mode == "reserve_and_collect" else "card"
    place_order(
        OrderRequest(
            channel=channel,
            fulfilment_mode=mode,
            lines=[LineRequest("JACKET-TRAIL-S", 1, store.pk)],
            payment=PaymentRequest(method, CARD_OK if method == "card" else ""),
            pickup_location_id=store.pk,
        )
    )


def test_orders_are_counted_by_channel_and_by_mode_largest_first():
    store = make_location("lyon-bellecour", city="Lyon")
    make_jackets()
    stock("JACKET-TRAIL-S", store, 10)
    place("web", "click_and_collect", store)
    place("web", "reserve_and_collect", store)
    place("app", "reserve_and_collect", store)
    since = clock.now() - timedelta(days=1)

    assert order_counts(since=since, by="channel") == [("web", 2), ("app", 1)]
    assert order_counts(since=since, by="fulfilment_mode") == [
        ("reserve_and_collect", 2),
        ("click_and_collect", 1),
    ]
    assert order_counts(since=clock.now() + timedelta(seconds=1), by="channel") == []
    assert [o.fulfilment_mode for o in order_list(mode="click_and_collect")] == [
        "click_and_collect"
    ]
