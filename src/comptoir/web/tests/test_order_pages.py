"""A shopper sees their own orders, and another's order does not exist for them."""

from __future__ import annotations

import random
from datetime import timedelta

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


def _jeans_parcel_delivered() -> Order:
    """Jean's home delivery, shipped from the warehouse and scanned delivered, as the demo
    carries its orders out (through the services and the carrier's scans)."""
    from comptoir.core import clock
    from comptoir.demo.orders import KINDS, _carry_out, _place
    from comptoir.locations.models import Location

    load(customers=2, stores=3, skus=30)
    jean = Customer.objects.get(email="jean.martin@example.fr")
    stores = list(Location.objects.filter(kind="store").order_by("pk"))
    warehouse = Location.objects.filter(kind="warehouse").order_by("pk").first()
    at = clock.now() - timedelta(days=4)
    order = _place(jean, KINDS[2], stores=stores, warehouse=warehouse, rng=random.Random(5), at=at)
    _carry_out(order, at=at, collect=True)
    return order


def _page(order: Order, language: str) -> str:
    client = Client()
    client.cookies["django_language"] = language  # the visitor's choice (test_languages)
    assert client.login(username="jean.martin@example.fr", password=DEMO_PASSWORD)
    response = client.get(f"/account/orders/{order.reference}/")
    assert response.status_code == 200
    return response.content.decode()


def _status(page: str, testid: str = "order-status") -> str:
    return page.split(f'data-testid="{testid}">', 1)[1].split("<", 1)[0]


def test_a_delivered_parcel_reads_delivered_with_product_names_and_the_delivery_fee():
    order = _jeans_parcel_delivered()
    lines = list(order.lines.select_related("variant__product").order_by("line_number"))

    english, french = _page(order, "en"), _page(order, "fr")

    assert Order.objects.get(pk=order.pk).status == "dispatched"  # stored: as it was
    assert (_status(english), _status(french)) == ("Delivered", "Livrée")
    assert _status(english, "line-status") == "Delivered"
    for line in lines:
        assert line.variant.product.name in english
        assert f"<td>{line.sku}</td>" not in english
    assert 'data-testid="order-delivery-fee">Delivery: ' in english
    assert 'data-testid="order-delivery-fee">Livraison : ' in french


def test_an_order_all_brought_back_reads_returned_then_refunded():
    from comptoir.returns.services import ReturnLineRequest, receive_return

    order = _jeans_parcel_delivered()
    store = order.lines.first().location_id
    receive_return(
        order_id=order.pk,
        location_id=store,
        method="store",
        lines=[
            ReturnLineRequest(line.line_number, line.quantity, "too_small")
            for line in order.lines.all()
        ],
    )

    english, french = _page(order, "en"), _page(order, "fr")

    assert (_status(english), _status(french)) == ("Refunded", "Remboursée")
    assert (_status(english, "line-status"), _status(french, "line-status")) == (
        "Returned",
        "Retournée",
    )


def _signed_in_as_jean(language: str = "fr") -> Client:
    client = Client()
    client.cookies["django_language"] = language
    assert client.login(username="jean.martin@example.fr", password=DEMO_PASSWORD)
    return client


def test_jean_returns_a_delivered_item_by_post_and_sees_its_label_on_the_order():
    order = _jeans_parcel_delivered()
    line = order.lines.get(line_number=1)
    jean = _signed_in_as_jean("en")
    page = f"/account/orders/{order.reference}/return/"

    form = jean.get(page).content.decode()
    sent = jean.post(
        page, {f"quantity-{line.line_number}": "1", "reason-1": "too_big", "method": "post"}
    )

    assert line.variant.product.name in form
    assert sent.status_code == 302
    shown = jean.get(sent.url).content.decode()
    assert "on its way back" in shown
    assert "Prepaid label Colis Express" in shown
    again = jean.post(
        page, {f"quantity-{line.line_number}": "1", "reason-1": "too_big", "method": "post"}
    )
    assert again.status_code == 200  # its one unit is on its way back already: refused
    from comptoir.returns.models import Return

    assert Return.objects.filter(order_id=order.pk).count() == 1


def test_jean_returns_an_item_in_the_store_he_picks_in_french():
    from comptoir.locations.models import Location
    from comptoir.returns.models import Return

    order = _jeans_parcel_delivered()
    store = Location.objects.filter(kind="store").order_by("-pk").first()
    jean = _signed_in_as_jean()

    sent = jean.post(
        f"/account/orders/{order.reference}/return/",
        {"quantity-1": "1", "reason-1": "too_small", "method": "store", "store": str(store.pk)},
        follow=True,
    )

    record = Return.objects.get(order_id=order.pk)
    assert (record.status, record.method, record.location_id) == ("announced", "store", store.pk)
    assert "en cours de retour" in sent.content.decode()
    assert order.lines.get(line_number=1).returned_quantity == 0


def test_marie_cannot_start_a_return_of_jeans_order():
    order = _jeans_parcel_delivered()
    make_shopper("marie.curie@example.fr", first_name="Marie", last_name="Curie")
    marie = Client()
    assert marie.login(username="marie.curie@example.fr", password=SHOPPER_PASSWORD)

    answer = marie.post(
        f"/account/orders/{order.reference}/return/",
        {"quantity-1": "1", "reason-1": "too_small", "method": "post"},
    )

    assert answer.status_code == 404
    from comptoir.returns.models import Return

    assert not Return.objects.filter(order_id=order.pk).exists()
