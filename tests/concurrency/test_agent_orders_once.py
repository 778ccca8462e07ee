"""Karim, the agent, sends his order for Jean four times at once (a double click, a retry on
a slow line), and Jean taps "Pay" four times at once on the link's page: one order, one
hold, one link sent, one authorisation. Real parallel connections: PostgreSQL only."""

import pytest
from django.test import Client

from comptoir.accounts.tests.factories import STAFF_PASSWORD, make_staff
from comptoir.core.models import OutboxEvent
from comptoir.fulfilment.tests.checkout_factories import (
    JACKET,
    TUESDAY_11_AM,
    at,
    jean_with_a_jacket,
    part_dieu,
    shelve,
    warehouse,
)
from comptoir.inventory.models import StockLevel
from comptoir.orders.models import Order

from .racing import at_once

TAPS = 4
HOME = {
    "option": "home_standard",
    "name": "Jean Martin",
    "line1": "12 rue de la République",
    "postcode": "69002",
    "city": "Lyon",
}


def _agent() -> Client:
    make_staff("agent", username="karim")
    signed_in = Client()
    assert signed_in.login(username="karim", password=STAFF_PASSWORD)
    return signed_in


def _racing(signed_in: Client, path: str, data: dict) -> str:
    client = Client()
    client.cookies = signed_in.cookies
    return str(client.post(path, data).status_code)


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_four_sendings_of_one_agent_order_at_once_make_one_order(monkeypatch):
    part_dieu("click_and_collect")
    depot = warehouse()
    shelve(depot, 5)
    jean = jean_with_a_jacket(Client())
    at(monkeypatch, TUESDAY_11_AM)
    agent = _agent()
    path = f"/service/customers/{jean.pk}/order/"

    outcomes = at_once(TAPS, lambda _n: _racing(agent, path, HOME))

    assert sorted(outcomes) == ["302"] + ["422"] * (TAPS - 1)  # the others: cart closed
    order = Order.objects.get()
    assert (order.channel, order.status) == ("call_centre", "awaiting_payment")
    assert StockLevel.objects.get(location=depot, variant__sku=JACKET).held == 1
    assert OutboxEvent.objects.filter(type="order.payment_link_sent").count() == 1


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_four_payments_of_one_link_at_once_authorise_it_once(monkeypatch):
    part_dieu("click_and_collect")
    shelve(warehouse(), 5)
    jean = jean_with_a_jacket(Client())
    at(monkeypatch, TUESDAY_11_AM)
    assert _agent().post(f"/service/customers/{jean.pk}/order/", HOME).status_code == 302
    order = Order.objects.get()
    path = order.payment.payment_link.split("127.0.0.1:8000", 1)[1]

    # The fake PSP reads a link's expiry on the wall clock: the same Tuesday as comptoir's.
    monkeypatch.setattr(
        "comptoir.orders.payments.fake.time.time", lambda: TUESDAY_11_AM.timestamp()
    )

    def pay(_number: int) -> str:
        return str(Client().post(path, {"card_token": "tok_visa"}).status_code)

    outcomes = at_once(TAPS, pay)

    assert sorted(outcomes) == ["200"] * TAPS  # each sees the order paid
    order.refresh_from_db()
    assert (order.status, order.payment.status) == ("placed", "authorised")
    placed = OutboxEvent.objects.filter(type="order.placed", aggregate=f"order:{order.pk}")
    assert placed.count() == 1
