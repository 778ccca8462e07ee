"""Sixteen shoppers order the last three jackets of a store at the same moment.

Each thread has its own HTTP client and its own database connection. Exactly three orders
are placed; the others get 409 out-of-stock, with no order, no hold, and the authorisation of
their card voided.
"""

import threading

import pytest
from django.db import connection
from django.test import Client

from comptoir.accounts.tests.factories import bearer, make_api_token
from comptoir.inventory.models import Hold, StockLevel
from comptoir.orders.models import Order
from comptoir.orders.tests.factories import HOME, make_jackets, make_location, order_body, stock

SHOPPERS = 16
UNITS = 3


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_sixteen_orders_racing_for_three_units_place_exactly_three():
    store = make_location("lyon-bellecour", city="Lyon")
    make_jackets()
    stock("JACKET-TRAIL-S", store, UNITS)
    _, raw = make_api_token("orders.write", name="web-shop")
    body = order_body(
        mode="ship_from_store",
        pickup=None,
        lines=[{"sku": "JACKET-TRAIL-S", "quantity": 1, "location": "lyon-bellecour"}],
        delivery_address=HOME,
    )
    start = threading.Barrier(SHOPPERS)
    statuses: list[int] = []
    failures: list[BaseException] = []
    lock = threading.Lock()

    def shop(number: int) -> None:
        client = Client()
        try:
            start.wait()
            response = client.post(
                "/api/v1/orders",
                body,
                content_type="application/json",
                headers={**bearer(raw), "Idempotency-Key": f"shopper-{number}"},
            )
            with lock:
                statuses.append(response.status_code)
        except BaseException as error:  # a thread's failure must fail the test, not vanish
            with lock:
                failures.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=shop, args=(n,)) for n in range(SHOPPERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert failures == []
    assert sorted(statuses) == [201] * UNITS + [409] * (SHOPPERS - UNITS)
    assert Order.objects.count() == UNITS
    assert Hold.objects.filter(status="active").count() == UNITS
    level = StockLevel.objects.get(location=store, variant__sku="JACKET-TRAIL-S")
    assert (level.on_hand, level.held) == (UNITS, UNITS)
