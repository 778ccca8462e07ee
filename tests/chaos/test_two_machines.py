"""More than one machine: two web servers on two ports, three workers on one Redis queue, one
PostgreSQL. A flash sale on one hot SKU, its orders and holds sent through both servers in
turn, sells exactly the units there are; every stock event reaches each of two subscribers
once.

Nothing here is shared between the servers but the database and the queue: whatever sells
exactly N units across them is the database's conditional UPDATE, not a lock in a process.
"""

from __future__ import annotations

import itertools

import httpx
import pytest

from comptoir.accounts.tests.factories import bearer, make_api_token
from comptoir.catalog.models import Variant
from comptoir.core.models import Delivery, OutboxEvent
from comptoir.customers.tests.factories import make_shopper
from comptoir.inventory.models import Hold, StockLevel
from comptoir.orders.models import Order
from comptoir.orders.tests.factories import make_jackets, make_location, order_body, stock
from comptoir.reconciliation import reconcile

from .processes import in_parallel, machines, private_redis
from .receiver import subscribers

UNITS = 25
SHOPPERS = 12
ASKS_EACH = 6  # 72 asked for 25 units: half of them orders, half holds
HOT_SKU = "JACKET-TRAIL-S"
STORE = "lyon-bellecour"
WORKERS = 3

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]


def test_a_flash_sale_through_two_servers_sells_exactly_the_units_there_are(tmp_path):
    make_jackets()
    stock(HOT_SKU, make_location(STORE, city="Lyon"), UNITS)
    jean = make_shopper()
    _, token = make_api_token("stock.hold", "orders.write", name="web-shop")
    numbers = itertools.count()

    def shopper() -> list[httpx.Response]:
        answers = []
        for number in itertools.islice(numbers, ASKS_EACH):
            server = servers[number % 2]  # as a load balancer would spread them
            if number % 4 < 2:
                body = order_body(customer=jean.pk, lines=[{"sku": HOT_SKU, "quantity": 1}])
                path = "/api/v1/orders"
            else:
                line = {"sku": HOT_SKU, "location": STORE, "quantity": 1}
                body = {"channel": "web", "reference": f"cart-{number}", "lines": [line]}
                path = "/api/v1/holds"
            answers.append(httpx.post(f"{server}{path}", json=body, headers=auth, timeout=60))
        return answers

    auth = bearer(token)
    before_the_sale = OutboxEvent.objects.order_by("-id").values_list("id", flat=True).first()
    with (
        private_redis(tmp_path) as redis,
        subscribers(2, event_types=["stock.changed"]) as integrators,
        machines(tmp_path) as running,
    ):
        env = running.env(redis.url)
        servers = [running.web("web-a", env), running.web("web-b", env)]
        for number in range(WORKERS):
            running.worker(f"worker-{number}", env)
        answers = in_parallel(SHOPPERS, shopper)
        events = OutboxEvent.objects.filter(
            type="stock.changed", payload__sku=HOT_SKU, id__gt=before_the_sale
        )
        expected = {f"msg_{event.event_id.hex}" for event in events}
        webhooks = Delivery.objects.filter(target__startswith="webhook:")
        # A subscriber holds a POST before its sender writes the outcome: wait for both.
        running.wait_until(
            lambda: (
                all(len(crm.accepted) >= len(expected) for crm in integrators)
                and not webhooks.exclude(status=Delivery.Status.DELIVERED).exists()
            ),
            what="every event at both subscribers, and every delivery recorded as delivered",
        )

    statuses = sorted(answer.status_code for answer in answers)
    assert statuses == [201] * UNITS + [409] * (SHOPPERS * ASKS_EACH - UNITS), [
        (a.status_code, a.text[:200]) for a in answers if a.status_code not in (201, 409)
    ]
    assert {a.json()["code"] for a in answers if a.status_code == 409} == {"out-of-stock"}
    won = [a for a in answers if a.status_code == 201]
    # Both servers sold, both kinds of request won: the race was across all of them.
    assert {str(a.request.url).split("/api")[0] for a in won} == set(servers)
    assert {a.request.url.path for a in won} == {"/api/v1/orders", "/api/v1/holds"}
    orders_won = sum(a.request.url.path == "/api/v1/orders" for a in won)
    assert Order.objects.count() == orders_won
    hot = Variant.objects.get(sku=HOT_SKU)
    level = StockLevel.objects.get(variant=hot, location__code=STORE)
    assert (level.on_hand, level.held) == (UNITS, UNITS)
    assert Hold.objects.filter(variant=hot).count() == UNITS
    assert reconcile() == []
    assert len(expected) == UNITS  # one per unit held
    for crm in integrators:
        assert {message for message, _ in crm.accepted} == expected
        assert (crm.duplicates, crm.rejected) == ([], [])
    assert not webhooks.exclude(status=Delivery.Status.DELIVERED).exists()
