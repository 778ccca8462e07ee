"""A sale the till made offline is recorded once, as it happened: at the price the till was
given, on the day it was sold, in cash; the units not free on the shelf any more are not
forced off it but become a task for the store; a price the server never sealed is refused."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import signing

from comptoir.catalog.models import Price
from comptoir.core import clock
from comptoir.core.errors import ValidationFailed
from comptoir.fulfilment.models import StoreTask
from comptoir.fulfilment.services import ask_for_a_shelf_check
from comptoir.inventory.models import StockLevel, StockMovement
from comptoir.inventory.selectors import stock_discrepancies
from comptoir.orders.errors import TendersDoNotCover
from comptoir.orders.models import Order, PaymentOperation
from comptoir.orders.selectors import money_discrepancies, order_state_discrepancies
from comptoir.orders.services.till import BasketLine, sell_basket
from comptoir.orders.services.till_offline import (
    OfflineLine,
    record_offline_sale,
    short_of_sale,
)
from comptoir.orders.services.till_price_book import SEAL_SALT, price_book
from comptoir.orders.tests.factories import deliver_events, make_jackets, make_location, stock

pytestmark = pytest.mark.django_db


def _store(units: int = 2):
    store = make_location("lyon-bellecour", city="Lyon")
    make_jackets("129.00")
    stock("JACKET-TRAIL-M", store, units)
    return store


def _seal(store, sku="JACKET-TRAIL-M", *, now=None):
    return next(entry.seal for entry in price_book(store_id=store.pk, now=now) if entry.sku == sku)


def _on_hand(store):
    return StockLevel.objects.get(location=store, variant__sku="JACKET-TRAIL-M").on_hand


def _sell_offline(store, seal, *, ticket="T-OFF0000000001", units=1, cash="130.00", **kw):
    return record_offline_sale(
        store_id=store.pk,
        ticket=ticket,
        lines=[OfflineLine(seal, units)],
        cash_given=Decimal(cash),
        sold_at=kw.pop("sold_at", clock.now()),
        actor="user:7",
        **kw,
    )


def test_the_price_book_holds_the_stores_skus_at_the_till_price():
    store = _store()

    book = {entry.sku: entry for entry in price_book(store_id=store.pk)}

    assert set(book) == {"JACKET-TRAIL-M"}
    assert (book["JACKET-TRAIL-M"].price, book["JACKET-TRAIL-M"].currency) == (
        Decimal("129.00"),
        "EUR",
    )


def test_a_queued_sale_is_one_collected_order_paid_in_cash_with_its_unit_off_the_shelf():
    store = _store()
    sold_at = clock.now() - timedelta(hours=2)
    seal = _seal(store, now=sold_at - timedelta(hours=1))

    sale = _sell_offline(store, seal, sold_at=sold_at)

    order = sale.order
    assert (order.status, order.fulfilment_mode, order.total) == (
        "collected",
        "till_sale",
        Decimal("129.00"),
    )
    assert order.created_at == sold_at
    captures = PaymentOperation.objects.filter(payment__order=order, kind="capture")
    assert list(captures.values_list("tender", "amount", "status")) == [
        ("cash", Decimal("129.00"), "succeeded")
    ]
    assert captures.get().finished_at == sold_at  # in the drawer of the day it was sold
    assert sale.split.change == Decimal("1.00")
    assert _on_hand(store) == 1
    assert (sale.short, sale.replayed) == ({}, False)
    assert money_discrepancies() == []
    assert order_state_discrepancies() == []


def test_the_same_queued_sale_sent_again_records_nothing_more():
    store = _store()
    seal = _seal(store)

    first = _sell_offline(store, seal)
    again = _sell_offline(store, seal)

    assert again.replayed
    assert again.order.pk == first.order.pk
    assert Order.objects.filter(reference="T-OFF0000000001").count() == 1
    assert PaymentOperation.objects.filter(payment__order=first.order).count() == 1
    assert StockMovement.objects.filter(reference="T-OFF0000000001").count() == 1
    assert _on_hand(store) == 1


def test_a_price_changed_since_is_sold_at_the_price_the_till_showed():
    store = _store()
    seal = _seal(store)
    Price.objects.filter(variant__sku="JACKET-TRAIL-M").update(amount=Decimal("149.00"))

    sale = _sell_offline(store, seal)

    assert sale.order.total == Decimal("129.00")
    assert sale.order.lines.get().unit_price == Decimal("129.00")


def test_a_price_the_server_never_sealed_is_refused_and_writes_nothing():
    store = _store()
    entry = signing.loads(_seal(store), salt=SEAL_SALT)
    forged = signing.dumps({**entry, "price": "1.00"}, salt=SEAL_SALT, key="typed-on-the-phone")

    with pytest.raises(ValidationFailed):
        _sell_offline(store, forged)

    assert not Order.objects.filter(reference="T-OFF0000000001").exists()
    assert _on_hand(store) == 2


def test_a_price_of_another_store_is_refused():
    store = _store()
    other = make_location("paris-opera", city="Paris")
    stock("JACKET-TRAIL-M", other, 1)

    with pytest.raises(ValidationFailed):
        _sell_offline(store, _seal(other))


def test_a_price_read_days_before_the_sale_is_refused():
    store = _store()
    seal = _seal(store, now=clock.now() - timedelta(days=4))

    with pytest.raises(ValidationFailed):
        _sell_offline(store, seal)


def test_a_sale_dated_in_the_future_is_refused():
    store = _store()

    with pytest.raises(ValidationFailed):
        _sell_offline(store, _seal(store), sold_at=clock.now() + timedelta(hours=1))


def test_cash_that_does_not_pay_the_sale_is_refused():
    store = _store()

    with pytest.raises(TendersDoNotCover):
        _sell_offline(store, _seal(store), cash="100.00")

    assert not Order.objects.filter(reference="T-OFF0000000001").exists()


def test_the_last_unit_sold_online_meanwhile_is_recorded_and_the_store_asked_to_check():
    store = _store(units=1)
    seal = _seal(store)
    sell_basket(
        store_id=store.pk,
        ticket="T-ONLINE",
        lines=[BasketLine("JACKET-TRAIL-M", 1)],
        cash_given=Decimal("129.00"),
    )

    sale = _sell_offline(store, seal)
    deliver_events()

    assert sale.order.total == Decimal("129.00")  # the customer paid and left with it
    assert sale.short == {"JACKET-TRAIL-M": 1}
    assert short_of_sale(sale.order) == {"JACKET-TRAIL-M": 1}
    assert _on_hand(store) == 0  # never below zero
    task = StoreTask.objects.get(order=sale.order)
    assert (task.kind, task.status, task.location_id) == ("recount", "open", store.pk)
    assert money_discrepancies() == []
    assert order_state_discrepancies() == []
    assert stock_discrepancies() == []


def test_a_unit_held_for_a_customer_is_not_taken_from_the_hold():
    store = _store(units=2)
    seal = _seal(store)
    StockLevel.objects.filter(location=store).update(held=1)  # reserved online meanwhile

    sale = _sell_offline(store, seal, units=2, cash="260.00")
    deliver_events()

    assert sale.short == {"JACKET-TRAIL-M": 1}
    level = StockLevel.objects.get(location=store)
    assert (level.on_hand, level.held) == (1, 1)
    assert StoreTask.objects.filter(order=sale.order, kind="recount").count() == 1


def test_a_redelivered_short_event_gives_the_store_one_task():
    store = _store(units=1)
    sale = _sell_offline(store, _seal(store), units=2, cash="260.00")

    deliver_events()
    ask_for_a_shelf_check(order_id=sale.order.pk, location_id=store.pk)

    assert StoreTask.objects.filter(order=sale.order).count() == 1
