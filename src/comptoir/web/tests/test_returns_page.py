"""The associate's returns page offers only what the rules take back."""

import pytest

from comptoir.accounts.tests.factories import make_staff
from comptoir.returns.services import ReturnLineRequest, receive_return
from comptoir.returns.tests.services.test_refunds import _delivered


@pytest.mark.django_db
def test_the_returns_page_offers_only_the_units_not_yet_returned(client):
    order, warehouse = _delivered(client)  # two jackets on line 1
    client.force_login(make_staff("associate", [warehouse], username="sofia"))
    page = f"/associate/{warehouse.code}/returns/"

    before = client.get(page, {"order": order.reference}).content.decode()
    receive_return(
        order_id=order.pk,
        location_id=warehouse.pk,
        method="store",
        lines=[ReturnLineRequest(1, 1, "too_big")],
    )
    one_left = client.get(page, {"order": order.reference}).content.decode()
    receive_return(
        order_id=order.pk,
        location_id=warehouse.pk,
        method="store",
        lines=[ReturnLineRequest(1, 1, "too_big")],
    )
    none_left = client.get(page, {"order": order.reference}).content.decode()

    assert 'max="2"' in before
    assert 'max="1"' in one_left
    assert 'name="quantity-1"' not in none_left
