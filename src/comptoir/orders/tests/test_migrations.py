from datetime import timedelta

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from comptoir.core import clock
from comptoir.customers.tests.factories import make_shopper
from comptoir.inventory.models import Hold
from comptoir.inventory.services.holds import HoldRequestLine, place_hold
from comptoir.orders.services.placing import (
    LineRequest,
    OrderRequest,
    PaymentRequest,
    place_order,
)
from comptoir.orders.tests.factories import CARD_OK, HOME, make_jackets, make_location, stock

BEFORE_KEPT_HOLDS = ("orders", "0005_payment_ledger")
KEPT_HOLDS = ("orders", "0006_order_holds_kept_by_the_order")


def migrate(target: tuple[str, str] | None = None) -> None:
    """To `target`, or (None) to every app's latest migration: where the tests after this
    one expect the schema."""
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate([target] if target else executor.loader.graph.leaf_nodes())


@pytest.fixture
def schema_put_back():
    yield
    migrate()


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("schema_put_back")
def test_the_holds_of_open_lines_lose_their_expiry_and_a_carts_keeps_its():
    bellecour = make_location("lyon-bellecour", city="Lyon")
    medium = make_jackets()[1]  # JACKET-TRAIL-M
    stock("JACKET-TRAIL-S", bellecour, 2)
    stock("JACKET-TRAIL-M", bellecour, 2)
    placed = place_order(
        OrderRequest(
            channel="web",
            fulfilment_mode="home_delivery",
            lines=[LineRequest("JACKET-TRAIL-S", 1, bellecour.pk)],
            payment=PaymentRequest("card", CARD_OK),
            customer_id=make_shopper().pk,
            delivery_address=HOME,
            created_by="test",
        )
    )
    [cart] = place_hold(
        lines=[HoldRequestLine(bellecour.pk, medium.pk, medium.sku, 1)],
        channel="web",
        reference="cart-1",
    )
    migrate(BEFORE_KEPT_HOLDS)
    order_hold = Hold.objects.filter(pk=placed.lines[0].hold_id)
    order_hold.update(expires_at=clock.now() + timedelta(days=14))  # as orders held them

    migrate(KEPT_HOLDS)

    assert order_hold.get().expires_at is None
    assert Hold.objects.get(pk=cart.pk).expires_at == cart.expires_at
