"""A cart as every channel shows it: its lines with the favourite store's stock, N+1-free."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from comptoir.carts.selectors import cart_view
from comptoir.carts.services import add_line, cart_of_customer
from comptoir.customers.services import choose_favourite_store
from comptoir.customers.tests.factories import make_shopper
from comptoir.inventory.tests.factories import make_store, make_variant, put_on_shelf

pytestmark = pytest.mark.django_db


def jeans_cart_with(line_count, email="jean.martin@example.fr"):
    lyon = make_store("lyon-part-dieu")
    jean = make_shopper(email)
    choose_favourite_store(customer_id=jean.pk, location_code="lyon-part-dieu")
    cart = cart_of_customer(customer_id=jean.pk, channel="web")
    for number in range(line_count):
        variant = make_variant(f"SKU-{email[0]}{number}", product_slug=f"p-{email[0]}{number}")
        put_on_shelf(variant, lyon, number + 1)
        add_line(cart_id=cart.pk, sku=variant.sku, quantity=1, channel="web")
    return cart


def queries_to_view(cart):
    with CaptureQueriesContext(connection) as queries:
        cart_view(cart=cart)
    return len(queries)


def test_lines_show_what_the_favourite_store_can_promise():
    cart = jeans_cart_with(3)

    view = cart_view(cart=cart)

    assert view.store == "lyon-part-dieu"
    assert [(line.sku, line.available_at_store) for line in view.lines] == [
        ("SKU-j0", 1),
        ("SKU-j1", 2),
        ("SKU-j2", 3),
    ]


def test_a_cart_of_twenty_lines_costs_the_same_queries_as_one_of_two():
    small = queries_to_view(jeans_cart_with(2))
    large = queries_to_view(jeans_cart_with(20, email="marie.dupont@example.fr"))

    assert large == small
