from datetime import timedelta

import pytest

from comptoir.core import clock
from comptoir.core.models import OutboxEvent
from comptoir.inventory.errors import HoldNotActive, OutOfStock
from comptoir.inventory.models import Hold, StockLevel, StockMovement
from comptoir.inventory.selectors import stock_discrepancies
from comptoir.inventory.services.holds import HoldAlreadyActive, HoldRequestLine, place_hold
from comptoir.inventory.services.releases import expire_holds, next_hold_expiry, release_hold
from comptoir.inventory.services.stock import set_safety_stock
from comptoir.inventory.tests.factories import make_store, make_variant, put_on_shelf


def level(variant, store) -> tuple[int, int]:
    row = StockLevel.objects.get(variant=variant, location=store)
    return row.on_hand, row.held


def hold_one(variant, store, *, quantity=1, reference="cart-jean", channel="web", **kwargs):
    line = HoldRequestLine(store.pk, variant.pk, variant.sku, quantity)
    return place_hold(lines=[line], channel=channel, reference=reference, **kwargs)


@pytest.mark.django_db
def test_a_hold_sets_units_aside_at_once_and_records_it_in_the_ledger():
    store, jacket = make_store(), make_variant("JACKET-S")
    put_on_shelf(jacket, store, 3)

    [hold] = hold_one(jacket, store, quantity=2)

    assert level(jacket, store) == (3, 2)
    movement = StockMovement.objects.get(hold=hold)
    assert (movement.kind, movement.on_hand_delta, movement.held_delta) == ("hold", 0, 2)
    event = OutboxEvent.objects.filter(type="stock.changed").latest("id")
    assert {k: event.payload[k] for k in ("sku", "on_hand", "held", "free", "reason")} == {
        "sku": "JACKET-S",
        "on_hand": 3,
        "held": 2,
        "free": 1,
        "reason": "hold",
    }


@pytest.mark.django_db
def test_a_hold_for_more_than_is_free_is_refused_and_leaves_nothing_behind():
    store, jacket = make_store(), make_variant("JACKET-S")
    put_on_shelf(jacket, store, 1)
    movements_before = StockMovement.objects.count()

    with pytest.raises(OutOfStock):
        hold_one(jacket, store, quantity=2)

    assert level(jacket, store) == (1, 0)
    assert Hold.objects.count() == 0
    assert StockMovement.objects.count() == movements_before


@pytest.mark.django_db
def test_a_multi_line_hold_is_all_or_nothing():
    store = make_store()
    small, large = make_variant("JACKET-S"), make_variant("JACKET-L")
    put_on_shelf(small, store, 5)
    lines = [
        HoldRequestLine(store.pk, small.pk, "JACKET-S", 1),
        HoldRequestLine(store.pk, large.pk, "JACKET-L", 1),  # nothing on the shelf
    ]

    with pytest.raises(OutOfStock):
        place_hold(lines=lines, channel="web", reference="cart-2")

    assert level(small, store) == (5, 0)
    assert Hold.objects.count() == 0


@pytest.mark.django_db
def test_safety_stock_keeps_the_last_units_from_the_web_but_not_from_the_store():
    store, jacket = make_store(), make_variant("JACKET-S")
    put_on_shelf(jacket, store, 3)
    set_safety_stock(location_id=store.pk, channel="web", quantity=2)

    with pytest.raises(OutOfStock):
        hold_one(jacket, store, quantity=2, channel="web")
    hold_one(jacket, store, quantity=1, channel="web", reference="web-cart")
    hold_one(jacket, store, quantity=2, channel="store", reference="counter")

    assert level(jacket, store) == (3, 3)


@pytest.mark.django_db
def test_one_reference_cannot_hold_the_same_sku_twice_for_another_quantity():
    store, jacket = make_store(), make_variant("JACKET-S")
    put_on_shelf(jacket, store, 5)
    hold_one(jacket, store)

    with pytest.raises(HoldAlreadyActive):
        hold_one(jacket, store, quantity=2)

    assert level(jacket, store) == (5, 1)


@pytest.mark.django_db
def test_the_same_hold_asked_again_is_a_replay_answered_with_the_first_hold():
    store, jacket = make_store(), make_variant("JACKET-S")
    put_on_shelf(jacket, store, 5)
    [first] = hold_one(jacket, store, ttl=timedelta(minutes=30))

    [again] = hold_one(jacket, store, ttl=timedelta(minutes=45))

    assert (again.pk, again.quantity, again.expires_at) == (
        first.pk,
        1,
        Hold.objects.get().expires_at,
    )
    assert level(jacket, store) == (5, 1)
    assert StockMovement.objects.filter(kind="hold").count() == 1


@pytest.mark.django_db
def test_releasing_a_hold_puts_the_units_back_on_sale():
    store, jacket = make_store(), make_variant("JACKET-S")
    put_on_shelf(jacket, store, 2)
    [hold] = hold_one(jacket, store, quantity=2)

    release_hold(hold_id=hold.pk)

    assert level(jacket, store) == (2, 0)
    assert Hold.objects.get(pk=hold.pk).status == "released"
    with pytest.raises(HoldNotActive):
        release_hold(hold_id=hold.pk)
    assert level(jacket, store) == (2, 0)


@pytest.mark.django_db
def test_an_expired_hold_gives_its_units_back_without_anyone_asking():
    store, jacket, shorts = make_store(), make_variant("JACKET-S"), make_variant("SHORTS-M")
    put_on_shelf(jacket, store, 1)
    put_on_shelf(shorts, store, 1)
    start = clock.now()
    [hold] = hold_one(jacket, store, ttl=timedelta(minutes=30), now=start)
    [other] = hold_one(shorts, store, ttl=timedelta(minutes=30), now=start)

    assert expire_holds(now=start + timedelta(minutes=29)) == 0
    assert expire_holds(now=start + timedelta(minutes=31)) == 2

    assert level(jacket, store) == (1, 0)
    assert Hold.objects.get(pk=hold.pk).status == "expired"
    assert Hold.objects.get(pk=other.pk).status == "expired"
    ledger = list(
        StockMovement.objects.filter(variant=jacket, location=store).values_list(
            "kind", "on_hand_delta", "held_delta"
        )
    )
    assert ledger == [("receipt", 1, 0), ("hold", 0, 1), ("release", 0, -1)]


@pytest.mark.django_db
def test_a_hold_its_owner_keeps_never_expires_and_ends_only_when_the_owner_ends_it():
    # An order's holds (ttl=None): its own rules end them, never inventory's sweep.
    store, jacket, shorts = make_store(), make_variant("JACKET-S"), make_variant("SHORTS-M")
    put_on_shelf(jacket, store, 1)
    put_on_shelf(shorts, store, 1)
    start = clock.now()
    [kept] = hold_one(jacket, store, reference="CO-1", ttl=None, now=start)
    [cart] = hold_one(shorts, store, ttl=timedelta(minutes=30), now=start)
    a_year_later = start + timedelta(days=365)

    assert (kept.expires_at, Hold.objects.get(pk=kept.pk).expires_at) == (None, None)
    assert next_hold_expiry() == cart.expires_at
    assert expire_holds(now=a_year_later) == 1  # the cart's hold only
    assert Hold.objects.get(pk=kept.pk).status == "active"
    assert level(jacket, store) == (1, 1)
    assert next_hold_expiry() is None
    assert stock_discrepancies(now=a_year_later) == []  # not "past its expiry": it has none

    release_hold(hold_id=kept.pk)

    assert level(jacket, store) == (1, 0)
