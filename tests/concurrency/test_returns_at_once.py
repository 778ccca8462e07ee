"""Two associates take back the same two jackets of Jean's order at the same moment.

Issue 13, defect 2: both returns were accepted, four units went back on the shelf for two
sold, and one return was left "received" with a refund it could never get. Under the order's
lock, and with the count of returned units one conditional UPDATE, exactly one return takes
the units; the other is a clean 4xx. Real parallel connections: PostgreSQL only.
"""

import pytest
from django.test import Client

from comptoir.accounts.tests.factories import make_staff
from comptoir.customers.tests.factories import make_shopper
from comptoir.inventory.models import StockLevel, StockMovement
from comptoir.orders.models import Order, OrderLine
from comptoir.orders.tests.factories import (
    HOME,
    deliver_events,
    make_jackets,
    make_location,
    order_body,
    stock,
)
from comptoir.returns.models import Return
from comptoir.returns.selectors import return_discrepancies
from comptoir.returns.tests.factories import carrier_scans, dispatch_parcel
from comptoir.shipping.domain.tracking import TrackingStatus
from comptoir.shipping.tests.factories import make_carriers

from .racing import at_once, level_and_ledger

ASSOCIATES = 2
ROUNDS = 3


def _jeans_two_jackets_delivered(round_number: int) -> Order:
    warehouse = make_location("entrepot-lyon", city="Saint-Priest", kind="warehouse")
    stock("JACKET-TRAIL-M", warehouse, 2)
    client = Client()
    client.force_login(make_shopper(f"jean{round_number}@example.fr").user)
    body = order_body(
        mode="home_delivery",
        pickup=None,
        lines=[{"sku": "JACKET-TRAIL-M", "quantity": 2, "location": "entrepot-lyon"}],
        delivery_address=HOME,
    )
    response = client.post("/api/v1/orders", body, content_type="application/json")
    assert response.status_code == 201, response.json()
    deliver_events()
    order = Order.objects.get(reference=response.json()["reference"])
    dispatch_parcel(order)
    carrier_scans(order, TrackingStatus.DELIVERED)
    return order


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_returns_of_the_same_two_units_at_once_take_them_back_once():
    make_carriers()
    make_jackets()
    stores = [make_location(f"lyon-{n}", city="Lyon") for n in range(ASSOCIATES)]
    staff = [
        make_staff("associate", [store], username=f"associate-{n}")
        for n, store in enumerate(stores)
    ]
    for round_number in range(ROUNDS):
        order = _jeans_two_jackets_delivered(round_number)
        before = StockMovement.objects.filter(kind="return").count()

        def take_back(number: int, order: Order = order) -> str:
            client = Client()
            client.force_login(staff[number])
            response = client.post(
                "/api/v1/returns",
                {
                    "order": order.reference,
                    "location": stores[number].code,
                    "lines": [{"line_number": 1, "quantity": 2, "reason": "changed_mind"}],
                },
                content_type="application/json",
            )
            kind = response.headers["Content-Type"].split(";")[0]
            return f"{response.status_code} {kind}"

        outcomes = sorted(at_once(ASSOCIATES, take_back))

        assert outcomes[0] == "201 application/json"
        assert outcomes[1] in {"409 application/problem+json", "422 application/problem+json"}
        [taken] = Return.objects.filter(order=order)
        assert (taken.status, taken.refund_amount) == ("refunded", 258)
        order.refresh_from_db()
        assert order.payment.refunded_amount == 258
        assert OrderLine.objects.get(order=order).returned_quantity == 2
        assert StockMovement.objects.filter(kind="return").count() == before + 1
        shelves = StockLevel.objects.filter(variant__sku="JACKET-TRAIL-M", location__in=stores)
        assert sum(level.on_hand for level in shelves) == 2 * (round_number + 1)
        for level in shelves:
            on_shelf, ledger = level_and_ledger(level.variant, level.location)
            assert on_shelf == ledger
    assert return_discrepancies() == []
