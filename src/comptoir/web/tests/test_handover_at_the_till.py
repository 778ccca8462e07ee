"""The associate's task page asks how a reserve & collect order was paid at the till, and the
shopper's order page shows the delivery fee beside the total."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client

from comptoir.accounts.tests.factories import make_staff
from comptoir.customers.models import Customer
from comptoir.customers.tests.factories import make_shopper
from comptoir.demo.retailer import load
from comptoir.fulfilment import services
from comptoir.fulfilment.models import StoreTask
from comptoir.orders.models import Order, PaymentOperation
from comptoir.orders.selectors import money_discrepancies
from comptoir.orders.tests.factories import (
    deliver_events,
    make_jackets,
    make_location,
    order_body,
    stock,
)

pytestmark = pytest.mark.django_db
TASKS = "/associate/lyon-bellecour/tasks/"


def _reservation_ready(client: Client) -> tuple[Order, StoreTask]:
    store = make_location("lyon-bellecour", city="Lyon")
    make_jackets()
    stock("JACKET-TRAIL-S", store, 2)
    client.force_login(make_shopper().user)
    response = client.post(
        "/api/v1/orders",
        order_body(mode="reserve_and_collect", payment={"method": "at_pickup"}),
        content_type="application/json",
    )
    deliver_events()
    order = Order.objects.get(reference=response.json()["reference"])
    task = StoreTask.objects.get(order=order)
    services.mark_ready(task_id=task.pk)
    order.refresh_from_db()
    client.force_login(make_staff("associate", [store]))
    return order, task


def test_the_task_page_asks_how_the_customer_paid_at_the_till_in_french(client):
    order, _ = _reservation_ready(client)

    page = client.get(TASKS).content.decode()

    assert f'data-testid="tender-{order.reference}"' in page
    assert "À encaisser en caisse : 129,00" in page
    assert 'value="cash" required> Espèces' in page
    assert "Carte, sur le terminal du magasin" in page


def test_a_handover_without_the_tender_is_refused_in_plain_words(client):
    order, task = _reservation_ready(client)

    client.post(f"{TASKS}{task.pk}/handover/", {"pickup_code": order.pickup_code})

    page = client.get(TASKS).content.decode()
    assert "Dites comment le client a payé en caisse" in page
    order.refresh_from_db()
    assert (order.status, PaymentOperation.objects.count()) == ("ready_for_pickup", 0)


def test_a_handover_paid_in_cash_records_the_tills_payment(client):
    order, task = _reservation_ready(client)

    client.post(f"{TASKS}{task.pk}/handover/", {"pickup_code": order.pickup_code, "tender": "cash"})

    order.refresh_from_db()
    [operation] = PaymentOperation.objects.all()
    assert (order.status, order.payment.captured_amount) == ("collected", Decimal("129.00"))
    assert (operation.kind, operation.tender, operation.status) == ("capture", "cash", "succeeded")
    assert money_discrepancies() == []


def test_the_demos_money_adds_up_and_its_order_pages_show_the_delivery_fee():
    load(customers=2, stores=3, skus=30)
    with_accounts = Customer.objects.filter(user__isnull=False).values("pk")
    order = Order.objects.filter(delivery_fee__gt=0, customer_id__in=with_accounts).first()
    assert order is not None  # the demo has home deliveries for shoppers who sign in
    as_owner = Client()
    as_owner.force_login(Customer.objects.get(pk=order.customer_id).user)

    page = as_owner.get(f"/account/orders/{order.reference}/").content.decode()

    assert 'data-testid="order-delivery-fee">Livraison' in page
    assert money_discrepancies() == []
