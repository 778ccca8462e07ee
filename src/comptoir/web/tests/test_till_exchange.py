"""The till's exchange pages: an online order found by reference, a line and the size it
becomes, the difference shown, then taken at the till or refunded; a refusal in plain words."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client

from comptoir.accounts.tests.factories import make_staff
from comptoir.orders.models import Order, PaymentOperation
from comptoir.orders.payments.fake import TERMINAL_APPROVED
from comptoir.returns.models import Return
from comptoir.returns.tests.test_till_exchange import collected_online_order, price

pytestmark = pytest.mark.django_db
EXCHANGE = "/associate/lyon-bellecour/till/exchange/"


def _associate_with_an_order(client: Client) -> Order:
    order, store = collected_online_order(client)
    client.force_login(make_staff("associate", [store]))
    return order


def test_the_order_found_lists_the_lines_that_can_come_back(client):
    order = _associate_with_an_order(client)

    page = client.get(EXCHANGE, {"order": order.reference}).content.decode()

    assert 'data-sku="JACKET-TRAIL-S"' in page
    assert f"{EXCHANGE}{order.reference}/1/" in page


def test_the_line_shows_what_the_customer_pays_for_a_dearer_size(client):
    order = _associate_with_an_order(client)
    price("JACKET-TRAIL-L", "149.00")

    page = client.get(f"{EXCHANGE}{order.reference}/1/", {"sku": "JACKET-TRAIL-L"}).content
    page = page.decode()

    assert "Le client paie" in page
    assert "20,00" in page


def test_a_dearer_size_is_paid_and_exchanged(client):
    order = _associate_with_an_order(client)
    price("JACKET-TRAIL-L", "149.00")

    page = client.post(
        f"{EXCHANGE}{order.reference}/1/go/",
        {
            "sku": "JACKET-TRAIL-L",
            "quantity": "1",
            "card": "",
            "cash_given": "20,00",
            "terminal": TERMINAL_APPROVED,
            "ticket": "X-WEB",
        },
    ).content.decode()

    assert "Échangé. 20,00" in page
    assert Return.objects.filter(order=order).count() == 1
    assert dict(
        PaymentOperation.objects.filter(payment__order__reference="X-WEB").values_list(
            "tender", "amount"
        )
    ) == {"exchange": Decimal("129.00"), "cash": Decimal("20.00")}


def test_another_product_is_refused_in_plain_words(client):
    order = _associate_with_an_order(client)

    page = client.get(f"{EXCHANGE}{order.reference}/1/", {"sku": "NOPE"}).content.decode()

    assert 'role="alert"' in page
    assert "Aucun produit n&#x27;a ce code" in page
