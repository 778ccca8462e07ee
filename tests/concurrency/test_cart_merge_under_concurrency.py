"""Jean signs in on two tabs at once: the anonymous cart is merged once, nothing doubled.

On PostgreSQL the connections really run in parallel; on SQLite they are serialised.
"""

import threading

import pytest
from django.db import connection

from comptoir.carts.models import Cart, CartLine
from comptoir.carts.services import (
    add_line,
    cart_of_customer,
    merge_anonymous_cart,
    open_anonymous_cart,
)
from comptoir.customers.tests.factories import make_shopper
from comptoir.inventory.tests.factories import make_variant

TABS = 8


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    "jackets_already_in_his_cart",
    [pytest.param(1, id="with_a_cart_case"), pytest.param(0, id="no_cart_yet_case")],
)
def test_eight_sign_ins_at_once_merge_the_anonymous_cart_exactly_once(jackets_already_in_his_cart):
    make_variant("JACKET-M")
    make_variant("BOTTLE-750", product_slug="bottle")
    jean = make_shopper()
    if jackets_already_in_his_cart:
        add_line(
            cart_id=cart_of_customer(customer_id=jean.pk, channel="web").pk,
            sku="JACKET-M",
            quantity=jackets_already_in_his_cart,
            channel="web",
        )
    anonymous = open_anonymous_cart(channel="app")
    add_line(cart_id=anonymous.pk, sku="JACKET-M", quantity=2, channel="app")
    add_line(cart_id=anonymous.pk, sku="BOTTLE-750", quantity=1, channel="app")
    start = threading.Barrier(TABS)
    errors: list[BaseException] = []

    def sign_in() -> None:
        try:
            start.wait()
            merge_anonymous_cart(
                token=anonymous.anonymous_token, customer_id=jean.pk, channel="app"
            )
        except BaseException as error:  # noqa: BLE001 - reported below, with the thread's error
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=sign_in) for _ in range(TABS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    cart = Cart.objects.get(customer=jean, status="open")
    assert dict(CartLine.objects.filter(cart=cart).values_list("variant__sku", "quantity")) == {
        "JACKET-M": 2 + jackets_already_in_his_cart,
        "BOTTLE-750": 1,
    }
    assert Cart.objects.get(pk=anonymous.pk).status == "merged"
