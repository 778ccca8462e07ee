"""The till's page for orders paid at pickup: found by reference or by the pickup code,
its lines and what is due shown, paid part card part cash, a refusal said in plain words."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client

from comptoir.accounts.tests.factories import make_staff
from comptoir.orders.models import Order, PaymentOperation
from comptoir.orders.payments.fake import TERMINAL_APPROVED, TERMINAL_DECLINED
from comptoir.orders.tests.services.test_pay_at_pickup import _reservation_ready

pytestmark = pytest.mark.django_db
TILL = "/associate/lyon-bellecour/till/orders/"


def _associate_with_an_order(client: Client) -> Order:
    order, store = _reservation_ready(client)
    client.force_login(make_staff("associate", [store]))
    return order


def _pay(client, order, **fields):
    body = {
        "pickup_code": order.pickup_code,
        "card": "",
        "cash_given": "",
        "terminal": TERMINAL_APPROVED,
        "ticket": "P-WEB",
        **fields,
    }
    return client.post(f"{TILL}{order.reference}/pay/", body)


def test_the_list_shows_what_each_order_waiting_here_owes(client):
    order = _associate_with_an_order(client)

    page = client.get(TILL).content.decode()

    assert f'data-reference="{order.reference}"' in page
    assert "258,00" in page


def test_the_order_is_found_by_its_reference(client):
    order = _associate_with_an_order(client)

    response = client.get(TILL, {"q": order.reference})

    assert response.status_code == 302
    assert response.url == f"{TILL}{order.reference}/"


def test_the_order_found_by_the_pickup_code_has_the_code_filled_in(client):
    order = _associate_with_an_order(client)

    page = client.get(TILL, {"q": order.pickup_code}).content.decode()

    assert 'data-testid="till-due"' in page
    assert f'name="pickup_code" value="{order.pickup_code}"' in page


def test_a_code_no_order_here_has_is_said_on_the_field(client):
    _associate_with_an_order(client)

    page = client.get(TILL, {"q": "999999"}).content.decode()

    assert "Aucune commande en attente ici n’a cette référence" in page


def test_part_card_part_cash_pays_and_hands_over(client):
    order = _associate_with_an_order(client)

    page = _pay(client, order, card="200,00", cash_given="60,00").content.decode()

    order.refresh_from_db()
    assert order.status == "collected"
    assert "Rendez 2,00" in page
    assert dict(
        PaymentOperation.objects.filter(kind="capture").values_list("tender", "amount")
    ) == {"store_card": Decimal("200.00"), "cash": Decimal("58.00")}


def test_a_declined_card_leaves_the_order_due_and_says_so(client):
    order = _associate_with_an_order(client)

    page = _pay(client, order, card="258,00", terminal=TERMINAL_DECLINED).content.decode()

    order.refresh_from_db()
    assert (order.status, PaymentOperation.objects.count()) == ("ready_for_pickup", 0)
    assert 'role="alert"' in page
    assert 'value="P-WEB"' not in page  # the next try is a new ticket


def test_another_store_cannot_open_the_order(client):
    order = _associate_with_an_order(client)

    response = client.get(f"/associate/lyon-bellecour/till/orders/X{order.reference}/")

    assert response.status_code == 404


def test_an_order_placed_at_the_counter_is_listed_and_paid_at_the_till(client, monkeypatch):
    from comptoir.orders.tests.services.test_pay_at_pickup import (
        _ordered_at_the_counter_to_pay_here,
    )

    order, store, _ = _ordered_at_the_counter_to_pay_here(monkeypatch)
    client.force_login(make_staff("associate", [store]))
    till = "/associate/lyon-part-dieu/till/orders/"

    listed = client.get(till).content.decode()
    form = client.get(f"{till}{order.reference}/").content.decode()
    paid = client.post(
        f"{till}{order.reference}/pay/",
        {
            "cash_given": str(order.total).replace(".", ","),
            "terminal": "tok_terminal",
            "ticket": "P-A",
        },
    ).content.decode()

    order.refresh_from_db()
    assert f'data-reference="{order.reference}"' in listed
    assert 'name="pickup_code"' not in form  # paid ahead: nothing is handed over here
    assert f"{order.reference} est passée" in paid
    assert (order.status, order.payment.status) == ("placed", "captured")
