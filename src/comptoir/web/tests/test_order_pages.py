"""A shopper sees their own orders, and another's order does not exist for them."""

from __future__ import annotations

import pytest
from django.test import Client

from comptoir.customers.models import Customer
from comptoir.customers.tests.factories import SHOPPER_PASSWORD, make_shopper
from comptoir.demo.retailer import DEMO_PASSWORD, load
from comptoir.orders.models import Order

pytestmark = pytest.mark.django_db


def test_jean_sees_his_orders_and_marie_is_told_they_do_not_exist():
    load(customers=2, stores=3, skus=30)
    jean = Customer.objects.get(email="jean.martin@example.fr")
    his = Order.objects.filter(customer_id=jean.pk).first()
    assert his is not None  # the demo gives Jean orders
    make_shopper("marie.curie@example.fr", first_name="Marie", last_name="Curie")
    as_jean, as_marie = Client(), Client()
    assert as_jean.login(username="jean.martin@example.fr", password=DEMO_PASSWORD)
    assert as_marie.login(username="marie.curie@example.fr", password=SHOPPER_PASSWORD)

    listed = as_jean.get("/account/orders/")
    mine = as_jean.get(f"/account/orders/{his.reference}/")
    theirs = as_marie.get(f"/account/orders/{his.reference}/")

    assert his.reference in listed.content.decode()
    assert mine.status_code == 200
    assert theirs.status_code == 404
    assert his.reference not in as_marie.get("/account/orders/").content.decode()
