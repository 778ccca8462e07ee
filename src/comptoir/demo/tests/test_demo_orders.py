import pytest

from comptoir.core.channels import CHANNEL_CODES
from comptoir.customers.models import Customer
from comptoir.demo.retailer import load
from comptoir.orders.domain import FulfilmentMode
from comptoir.orders.models import Order
from comptoir.returns.models import Return


@pytest.mark.django_db
def test_the_demo_has_orders_in_every_channel_and_mode_and_jeans_are_waiting_for_him():
    load(seed=7, customers=10, stores=4, skus=60)

    orders = Order.objects.all()
    assert set(orders.values_list("channel", flat=True)) == CHANNEL_CODES
    assert set(orders.values_list("fulfilment_mode", flat=True)) == {
        m.value for m in FulfilmentMode
    }
    jean = Customer.objects.get(email="jean.martin@example.fr")
    ready = orders.filter(customer_id=jean.pk, status="ready_for_pickup")
    assert ready.count() == 2
    assert {o.pickup_location_id for o in ready} == {jean.favourite_location_id}
    [returned] = Return.objects.filter(order__customer_id=jean.pk)
    assert returned.location_id != jean.favourite_location_id
    assert returned.status == "refunded"
