"""The shopper's order page lists the order's parcels and links each to its tracking page."""

from datetime import UTC, date, datetime

import pytest

from comptoir.locations.tests.factories import make_store
from comptoir.shipping.selectors import shipments_of_order
from comptoir.shipping.tests.factories import make_carriers, make_shipment

pytestmark = pytest.mark.django_db


def test_an_orders_parcels_are_listed_first_sent_first_and_no_other_orders():
    make_carriers()
    lyon = make_store()
    monday = datetime(2026, 11, 23, 9, tzinfo=UTC)
    first = make_shipment(lyon, promised_by=date(2026, 11, 25), now=monday)
    second = make_shipment(lyon, promised_by=date(2026, 11, 26), now=monday)

    assert list(shipments_of_order(order_id=1001)) == [first, second]  # the factory's order
    assert list(shipments_of_order(order_id=999)) == []
