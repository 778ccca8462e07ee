"""Jean presses "Pay" on two devices at once, each with its own Idempotency-Key: one order.

The cart row is locked before the payment is asked for, so the second checkout waits, then
finds the cart closed. Real parallel connections: PostgreSQL only.
"""

import threading
from datetime import UTC, datetime

import pytest
from django.db import connection

from comptoir.carts.errors import CartClosed
from comptoir.carts.models import Cart
from comptoir.carts.services import add_line, cart_of_customer
from comptoir.customers.tests.factories import make_shopper
from comptoir.fulfilment.checkout import CheckoutRequest, check_out
from comptoir.fulfilment.tests.checkout_factories import JACKET, part_dieu, shelve
from comptoir.inventory.models import StockLevel
from comptoir.orders.models import Order
from comptoir.orders.services.placing import PaymentRequest
from comptoir.orders.tests.factories import CARD_OK

DEVICES = 6
TUESDAY_11_AM = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_six_checkouts_of_one_cart_at_once_make_one_order():
    store = part_dieu("click_and_collect")
    shelve(store, 5)
    jean = make_shopper()
    cart = cart_of_customer(customer_id=jean.pk, channel="web")
    add_line(cart_id=cart.pk, sku=JACKET, quantity=1, channel="web")
    start = threading.Barrier(DEVICES)
    refused: list[BaseException] = []
    errors: list[BaseException] = []

    def pay() -> None:
        try:
            start.wait()
            check_out(
                CheckoutRequest(
                    cart_id=cart.pk,
                    customer_id=jean.pk,
                    option="click_and_collect",
                    payment=PaymentRequest("card", CARD_OK),
                    store_code=store.code,
                ),
                now=TUESDAY_11_AM,
            )
        except CartClosed as error:
            refused.append(error)
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=pay) for _ in range(DEVICES)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert len(refused) == DEVICES - 1
    assert Order.objects.count() == 1
    assert StockLevel.objects.get(location=store, variant__sku=JACKET).held == 1
    assert Cart.objects.get(pk=cart.pk).status == "ordered"
