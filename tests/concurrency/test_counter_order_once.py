"""Sofia taps "Place the order" and the phone sends it four times at once (a double tap, a
retry on a flaky network): one order, one hold, one payment link; every answer is the same
page. Real parallel connections: PostgreSQL only."""

import pytest
from django.test import Client

from comptoir.accounts.tests.factories import STAFF_PASSWORD, make_staff
from comptoir.core.models import OutboxEvent
from comptoir.customers.services import add_identity
from comptoir.customers.tests.factories import make_shopper
from comptoir.fulfilment.tests.checkout_factories import (
    JACKET,
    TUESDAY_11_AM,
    at,
    part_dieu,
    shelve,
    warehouse,
)
from comptoir.inventory.models import StockLevel
from comptoir.orders.models import Order

from .racing import at_once

TAPS = 4
ORDER = {
    "option": "home:home_standard",
    "quantity": "1",
    "ticket": "A-RACE-1",
    "customer": "ELAN-0000-0042",
    "name": "Jean Martin",
    "line1": "12 rue de la République",
    "postcode": "69002",
    "city": "Lyon",
    "pay": "link",
}


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_four_sendings_of_one_counter_order_at_once_make_one_order(monkeypatch):
    store = part_dieu("click_and_collect")
    depot = warehouse()
    shelve(depot, 5)
    jean = make_shopper()
    add_identity(customer_id=jean.pk, kind="loyalty_card", value="ELAN-0000-0042", channel="store")
    make_staff("associate", [store], username="sofia")
    at(monkeypatch, TUESDAY_11_AM)
    signed_in = Client()
    assert signed_in.login(username="sofia", password=STAFF_PASSWORD)
    pages: list[bytes] = []

    def tap(number: int) -> str:
        client = Client()
        client.cookies = signed_in.cookies
        answer = client.post(f"/associate/lyon-part-dieu/aisle/{JACKET}/", ORDER)
        pages.append(answer.content)
        return str(answer.status_code)

    outcomes = at_once(TAPS, tap)

    assert outcomes == ["200"] * TAPS
    order = Order.objects.get()
    assert order.status == "awaiting_payment"
    assert all(page == pages[0] for page in pages)
    assert order.reference in pages[0].decode()
    assert StockLevel.objects.get(location=depot, variant__sku=JACKET).held == 1
    assert OutboxEvent.objects.filter(type="order.payment_link_sent").count() == 1
