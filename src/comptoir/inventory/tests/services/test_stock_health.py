"""The back office's picture of stock now: levels out, low or well stocked, and where."""

import pytest

from comptoir.inventory.selectors import locations_most_out_of_stock, stock_health
from comptoir.inventory.services.holds import HoldRequestLine, place_hold
from comptoir.inventory.services.till import TillLine, sell_at_till
from comptoir.inventory.tests.factories import make_store, make_variant, put_on_shelf

pytestmark = pytest.mark.django_db


def test_levels_count_as_out_low_or_stocked_by_their_free_units():
    lyon, paris = make_store(), make_store("paris-rivoli", city="Paris")
    small, medium, large = (make_variant(sku) for sku in ("JACKET-S", "JACKET-M", "JACKET-L"))
    put_on_shelf(small, lyon, 1)
    put_on_shelf(medium, lyon, 2)
    put_on_shelf(large, lyon, 10)
    put_on_shelf(small, paris, 3)
    # The one small jacket in Lyon is held for Jean: nothing left to sell there.
    place_hold(
        lines=[HoldRequestLine(lyon.pk, small.pk, small.sku, 1)],
        channel="web",
        reference="order-jean-1",
    )
    # Paris sells all three of its small jackets.
    sell_at_till(location_id=paris.pk, lines=[TillLine(small.pk, small.sku, 3)], ticket="T-1")

    everywhere = stock_health()
    in_lyon = stock_health(location_ids=[lyon.pk])

    assert (everywhere.out, everywhere.low, everywhere.stocked) == (2, 1, 1)
    assert (in_lyon.out, in_lyon.low, in_lyon.stocked) == (1, 1, 1)
    assert locations_most_out_of_stock() == [(lyon.pk, 1), (paris.pk, 1)]
