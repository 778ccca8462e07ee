"""A two-line hold and an order's cancellation race on the same two levels (PostgreSQL).

The order lists its lines in the reverse of the lock order (JACKET-TRAIL-M, then -S), so
a cancellation that released them in line order would lock the M level, then the S level,
while the hold's statement locks S, then M: a deadlock, answered 500. Every path takes
levels in (location, variant) order (docs/locking.md), so each round ends with no 5xx, and
the levels agree with their ledger and with the active holds.
"""

import pytest
from django.db.models import Sum
from django.test import Client

from comptoir.accounts.tests.factories import bearer, make_api_token
from comptoir.inventory.models import Hold, StockLevel
from comptoir.orders.tests.factories import make_jackets, make_location, order_body, stock

from .racing import at_once, level_and_ledger

ROUNDS = 12
HOLDERS = 3
UNITS = 200
SKUS = ("JACKET-TRAIL-S", "JACKET-TRAIL-M")


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_line_holds_racing_an_order_cancellation_never_fail_and_keep_the_ledger():
    store = make_location("lyon-bellecour", city="Lyon")
    jackets = {variant.sku: variant for variant in make_jackets()}
    for sku in SKUS:
        stock(sku, store, UNITS)
    _, raw = make_api_token("orders.write", "orders.cancel", "stock.hold", name="web-shop")
    headers = bearer(raw)
    statuses: list[str] = []

    for round_number in range(ROUNDS):
        placed = Client().post(
            "/api/v1/orders",
            order_body(
                lines=[
                    {"sku": "JACKET-TRAIL-M", "quantity": 1, "location": "lyon-bellecour"},
                    {"sku": "JACKET-TRAIL-S", "quantity": 1, "location": "lyon-bellecour"},
                ]
            ),
            content_type="application/json",
            headers={**headers, "Idempotency-Key": f"order-{round_number}"},
        )
        assert placed.status_code == 201, placed.json()
        reference = placed.json()["reference"]

        def race(number: int, reference: str = reference, round_number: int = round_number) -> str:
            client = Client()
            if number == 0:
                response = client.post(
                    f"/api/v1/orders/{reference}/cancellation",
                    {"reason": "changed my mind"},
                    content_type="application/json",
                    headers=headers,
                )
            else:
                response = client.post(
                    "/api/v1/holds",
                    {
                        "channel": "web",
                        "reference": f"cart-{round_number}-{number}",
                        "ttl_minutes": 30,
                        "lines": [
                            {"sku": sku, "location": "lyon-bellecour", "quantity": 1}
                            for sku in SKUS
                        ],
                    },
                    content_type="application/json",
                    headers=headers,
                )
            return f"{number}:{response.status_code}"

        statuses += at_once(1 + HOLDERS, race)

    assert sorted(statuses) == sorted(
        ["0:200"] * ROUNDS + [f"{n}:201" for n in range(1, HOLDERS + 1)] * ROUNDS
    )
    for sku in SKUS:
        level, ledger = level_and_ledger(jackets[sku], store)
        active = Hold.objects.filter(variant=jackets[sku], status="active")
        assert level == ledger == (UNITS, HOLDERS * ROUNDS)
        assert active.aggregate(held=Sum("quantity"))["held"] == HOLDERS * ROUNDS
    assert StockLevel.objects.filter(held__gt=0).count() == 2
