"""More than one machine: two web servers on two ports, three workers on one Redis queue, one
PostgreSQL. A flash sale on one hot SKU, its holds sent through both servers in turn, sells
exactly the units there are; every stock event reaches each of two subscribers once.

Nothing here is shared between the servers but the database and the queue: whatever sells
exactly N units across them is the database's conditional UPDATE, not a lock in a process.
"""

from __future__ import annotations

import itertools

import httpx
import pytest

from comptoir.accounts.tests.factories import bearer, make_api_token
from comptoir.core.models import Delivery, OutboxEvent
from comptoir.inventory.models import Hold, StockLevel
from comptoir.inventory.tests.factories import make_store, make_variant, put_on_shelf
from comptoir.reconciliation import reconcile

from .processes import in_parallel, machines, private_redis
from .receiver import subscribers

UNITS = 25
SHOPPERS = 12
HOLDS_EACH = 6  # 72 holds asked for 25 units
WORKERS = 3

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]


def test_a_flash_sale_through_two_servers_sells_exactly_the_units_there_are(tmp_path):
    store, jacket = make_store(), make_variant("JACKET-S")
    put_on_shelf(jacket, store, UNITS)
    _, token = make_api_token("stock.hold", name="web-shop")
    numbers = itertools.count()

    def shopper() -> list[httpx.Response]:
        answers = []
        for number in itertools.islice(numbers, HOLDS_EACH):
            body = {
                "channel": "web",
                "reference": f"cart-{number}",
                "lines": [{"sku": jacket.sku, "location": store.code, "quantity": 1}],
            }
            server = servers[number % 2]  # as a load balancer would spread them
            answers.append(httpx.post(f"{server}/api/v1/holds", json=body, headers=auth))
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
            type="stock.changed", payload__sku=jacket.sku, id__gt=before_the_sale
        )
        expected = {f"msg_{event.event_id.hex}" for event in events}
        running.wait_until(
            lambda: all(len(crm.accepted) >= len(expected) for crm in integrators),
            what="every event at both subscribers",
        )

    statuses = sorted(answer.status_code for answer in answers)
    assert statuses == [201] * UNITS + [409] * (SHOPPERS * HOLDS_EACH - UNITS)
    assert {a.json()["code"] for a in answers if a.status_code == 409} == {"out-of-stock"}
    # Through both servers: each answered some of the winning holds.
    won_through = {str(a.request.url).split("/api")[0] for a in answers if a.status_code == 201}
    assert won_through == set(servers)
    level = StockLevel.objects.get(variant=jacket, location=store)
    assert (level.on_hand, level.held) == (UNITS, UNITS)
    assert Hold.objects.filter(variant=jacket).count() == UNITS
    assert reconcile() == []
    assert len(expected) == UNITS  # one per hold
    for crm in integrators:
        assert {message for message, _ in crm.accepted} == expected
        assert (crm.duplicates, crm.rejected) == ([], [])
    assert not Delivery.objects.exclude(status=Delivery.Status.DELIVERED).exists()
