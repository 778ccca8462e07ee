import pytest

from comptoir.core.errors import ValidationFailed
from comptoir.inventory.errors import HoldNotActive, OutOfStock
from comptoir.inventory.models import Hold, StockLevel, StockMovement
from comptoir.inventory.services.holds import HoldRequestLine, place_hold
from comptoir.inventory.services.till import TillLine, sell_at_till
from comptoir.inventory.tests.factories import make_store, make_variant, put_on_shelf


def level(variant, store) -> tuple[int, int]:
    row = StockLevel.objects.get(variant=variant, location=store)
    return row.on_hand, row.held


def reserve_last_jacket_for_jean(store, jacket):
    line = HoldRequestLine(store.pk, jacket.pk, jacket.sku, 1)
    [hold] = place_hold(lines=[line], channel="web", reference="order-jean-1")
    return hold


@pytest.mark.django_db
def test_the_till_cannot_sell_the_last_jacket_reserved_online_to_someone_else():
    store, jacket = make_store(), make_variant("JACKET-S")
    put_on_shelf(jacket, store, 1)
    reserve_last_jacket_for_jean(store, jacket)

    with pytest.raises(OutOfStock):
        sell_at_till(
            location_id=store.pk, lines=[TillLine(jacket.pk, "JACKET-S", 1)], ticket="T-100"
        )

    assert level(jacket, store) == (1, 1)


@pytest.mark.django_db
def test_the_associate_sells_the_held_jacket_to_jean_and_the_hold_is_consumed():
    store, jacket = make_store(), make_variant("JACKET-S")
    put_on_shelf(jacket, store, 1)
    hold = reserve_last_jacket_for_jean(store, jacket)

    sell_at_till(
        location_id=store.pk, lines=[TillLine(jacket.pk, "JACKET-S", 1, hold.pk)], ticket="T-101"
    )

    assert level(jacket, store) == (0, 0)
    assert Hold.objects.get(pk=hold.pk).status == "consumed"
    sale = StockMovement.objects.get(kind="till_sale")
    assert (sale.on_hand_delta, sale.held_delta, sale.hold_id, sale.reference) == (
        -1,
        -1,
        hold.pk,
        "T-101",
    )
    with pytest.raises(HoldNotActive):
        sell_at_till(
            location_id=store.pk,
            lines=[TillLine(jacket.pk, "JACKET-S", 1, hold.pk)],
            ticket="T-102",
        )


@pytest.mark.django_db
def test_a_till_sale_takes_free_units_beside_the_held_ones():
    store, jacket = make_store(), make_variant("JACKET-S")
    put_on_shelf(jacket, store, 3)
    reserve_last_jacket_for_jean(store, jacket)

    sell_at_till(location_id=store.pk, lines=[TillLine(jacket.pk, "JACKET-S", 2)], ticket="T-103")

    assert level(jacket, store) == (1, 1)


@pytest.mark.django_db
def test_a_hold_from_another_store_cannot_be_sold_here():
    lyon, paris = make_store(), make_store("paris-rivoli", city="Paris")
    jacket = make_variant("JACKET-S")
    put_on_shelf(jacket, lyon, 1)
    put_on_shelf(jacket, paris, 1)
    hold = reserve_last_jacket_for_jean(lyon, jacket)

    with pytest.raises(ValidationFailed):
        sell_at_till(
            location_id=paris.pk,
            lines=[TillLine(jacket.pk, "JACKET-S", 1, hold.pk)],
            ticket="T-104",
        )

    assert level(jacket, lyon) == (1, 1)
    assert level(jacket, paris) == (1, 0)


@pytest.mark.django_db
def test_a_sale_of_two_lines_is_all_or_nothing():
    store = make_store()
    jacket, shorts = make_variant("JACKET-S"), make_variant("SHORTS-M")
    put_on_shelf(jacket, store, 1)

    with pytest.raises(OutOfStock):
        sell_at_till(
            location_id=store.pk,
            lines=[TillLine(jacket.pk, "JACKET-S", 1), TillLine(shorts.pk, "SHORTS-M", 1)],
            ticket="T-105",
        )

    assert level(jacket, store) == (1, 0)
