import pytest
from django.db.models import Sum

from comptoir.core.models import OutboxEvent
from comptoir.inventory.errors import StockWouldGoNegative
from comptoir.inventory.models import StockLevel, StockMovement
from comptoir.inventory.services.holds import HoldRequestLine, place_hold
from comptoir.inventory.services.stock import (
    adjust_stock,
    receive_stock,
    set_safety_stock,
    subscribe_back_in_stock,
)
from comptoir.inventory.services.till import TillLine, sell_at_till
from comptoir.inventory.tests.factories import make_store, make_variant, put_on_shelf


@pytest.mark.django_db
def test_the_ledger_always_adds_up_to_the_level():
    store, jacket = make_store(), make_variant("JACKET-S")
    put_on_shelf(jacket, store, 5)
    place_hold(
        lines=[HoldRequestLine(store.pk, jacket.pk, "JACKET-S", 2)],
        channel="web",
        reference="cart-1",
    )
    sell_at_till(location_id=store.pk, lines=[TillLine(jacket.pk, "JACKET-S", 1)], ticket="T1")
    adjust_stock(
        variant_id=jacket.pk, location_id=store.pk, sku="JACKET-S", delta=-1, reason="damaged"
    )

    sums = StockMovement.objects.filter(variant=jacket, location=store).aggregate(
        on_hand=Sum("on_hand_delta"), held=Sum("held_delta")
    )
    level = StockLevel.objects.get(variant=jacket, location=store)
    assert (level.on_hand, level.held) == (sums["on_hand"], sums["held"]) == (3, 2)


@pytest.mark.django_db
def test_a_first_receipt_creates_the_level_with_its_variants_product():
    store = make_store()
    jacket_s = make_variant("JACKET-S", product_slug="veste-trail")
    jacket_m = make_variant("JACKET-M", product_slug="veste-trail")
    socks = make_variant("SOCKS-42", product_slug="chaussettes-run")

    for variant in (socks, jacket_m, jacket_s):
        put_on_shelf(variant, store, 1)
    put_on_shelf(socks, store, 1)  # a second receipt finds the level

    assert dict(StockLevel.objects.values_list("variant__sku", "product__slug")) == {
        "JACKET-S": "veste-trail",
        "JACKET-M": "veste-trail",
        "SOCKS-42": "chaussettes-run",
    }


@pytest.mark.django_db
def test_an_adjustment_cannot_take_on_hand_below_what_is_held():
    store, jacket = make_store(), make_variant("JACKET-S")
    put_on_shelf(jacket, store, 2)
    place_hold(
        lines=[HoldRequestLine(store.pk, jacket.pk, "JACKET-S", 2)],
        channel="web",
        reference="cart-1",
    )

    with pytest.raises(StockWouldGoNegative):
        adjust_stock(
            variant_id=jacket.pk, location_id=store.pk, sku="JACKET-S", delta=-1, reason="miscount"
        )

    assert StockLevel.objects.get(variant=jacket, location=store).on_hand == 2


@pytest.mark.django_db
def test_subscribers_are_told_once_when_a_sku_comes_back_in_stock():
    store, jacket = make_store(), make_variant("JACKET-S")
    waiting = subscribe_back_in_stock(
        variant_id=jacket.pk, location_id=store.pk, email="jean.martin@example.fr"
    )

    put_on_shelf(jacket, store, 2)
    put_on_shelf(jacket, store, 1)

    [event] = OutboxEvent.objects.filter(type="stock.back_in_stock")
    assert event.payload["subscription_ids"] == [waiting.pk]
    assert event.payload["sku"] == "JACKET-S"


@pytest.mark.django_db
def test_back_in_stock_waits_until_units_exceed_the_web_safety_stock():
    store, jacket = make_store(), make_variant("JACKET-S")
    set_safety_stock(location_id=store.pk, channel="web", quantity=2)
    subscribe_back_in_stock(variant_id=jacket.pk, location_id=store.pk, email="a@example.fr")

    put_on_shelf(jacket, store, 2)
    assert not OutboxEvent.objects.filter(type="stock.back_in_stock").exists()

    receive_stock(variant_id=jacket.pk, location_id=store.pk, sku="JACKET-S", quantity=1)
    assert OutboxEvent.objects.filter(type="stock.back_in_stock").count() == 1
