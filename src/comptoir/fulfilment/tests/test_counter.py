"""The endless aisle at the counter: Lyon Part-Dieu lacks the jacket, the warehouse has it."""

from decimal import Decimal

import pytest

from comptoir.core.errors import ValidationFailed
from comptoir.core.models import OutboxEvent
from comptoir.customers.selectors import timeline_of
from comptoir.customers.tests.factories import make_shopper
from comptoir.fulfilment.checkout import OptionUnavailable
from comptoir.fulfilment.counter import (
    PAY_AT_COUNTER,
    CounterOrder,
    counter_options,
    order_at_counter,
)
from comptoir.fulfilment.domain.sourcing import OrderLine
from comptoir.fulfilment.models import StoreTask
from comptoir.inventory.models import StockLevel
from comptoir.orders.errors import InvalidOrder
from comptoir.orders.models import Order
from comptoir.orders.payments.fake import FakePsp
from comptoir.orders.services.notifications import receive_payment_notification
from comptoir.orders.tests.factories import CARD_OK, HOME, deliver_events, make_jackets

from .checkout_factories import JACKET, TUESDAY_11_AM, at, gratte_ciel, part_dieu, shelve, warehouse

ADDRESS = {k: v for k, v in HOME.items() if k not in {"lat", "lon"}}
ONE_JACKET = [OrderLine(JACKET, 1)]


def _order(customer, **changes) -> CounterOrder:
    values = {
        "store_code": "lyon-part-dieu",
        "lines": ONE_JACKET,
        "option": "home_standard",
        "where": "home",
        "customer_id": customer.pk,
        "delivery_address": ADDRESS,
        "created_by": "user:1",
    }
    return CounterOrder(**{**values, **changes})


def _nothing_written() -> None:
    assert not Order.objects.exists()
    assert not StockLevel.objects.filter(held__gt=0).exists()
    assert not OutboxEvent.objects.filter(type__startswith="order.").exists()


@pytest.mark.django_db
def test_a_home_delivery_from_the_warehouse_waits_for_its_link_and_the_link_goes_out(
    monkeypatch,
):
    part_dieu("click_and_collect")
    depot = warehouse()
    shelve(depot, 2)
    jean = make_shopper()
    at(monkeypatch, TUESDAY_11_AM)

    options = counter_options(store_code="lyon-part-dieu", lines=ONE_JACKET, postcode="69002")
    standard = next(o for o in options.home if o.code == "home_standard")
    placed = order_at_counter(_order(jean))

    assert standard.available
    assert standard.from_locations == ("entrepot-est",)
    order = Order.objects.get()
    assert (order.channel, order.fulfilment_mode, order.status) == (
        "store",
        "endless_aisle_home",
        "awaiting_payment",
    )
    assert order.ordered_at_location.code == "lyon-part-dieu"
    assert [line.location_id for line in placed.lines] == [depot.pk]
    assert order.delivery_fee == standard.price
    assert order.total == Decimal("129.00") + standard.price
    assert StockLevel.objects.get(location=depot, variant__sku=JACKET).held == 1
    sent = OutboxEvent.objects.get(type="order.payment_link_sent")
    assert sent.payload["payment_link"] == placed.payment.payment_link != ""
    assert sent.payload["customer_id"] == jean.pk


@pytest.mark.django_db
def test_paid_at_the_counter_the_order_waits_and_no_link_is_sent(monkeypatch):
    part_dieu("click_and_collect")
    shelve(warehouse(), 2)
    jean = make_shopper()
    at(monkeypatch, TUESDAY_11_AM)

    placed = order_at_counter(
        _order(jean, option="ship_to_store", where="here", pay=PAY_AT_COUNTER)
    )

    assert (placed.order.fulfilment_mode, placed.order.status) == (
        "ship_to_store",
        "awaiting_payment",
    )
    assert placed.order.pickup_location.code == "lyon-part-dieu"
    assert placed.order.delivery_address == {}
    assert not OutboxEvent.objects.filter(type="order.payment_link_sent").exists()


@pytest.mark.django_db
def test_reserve_and_collect_in_another_store_is_paid_there(monkeypatch):
    part_dieu("click_and_collect")
    shelve(gratte_ciel("click_and_collect", "reserve_and_collect"), 2)
    jean = make_shopper()
    at(monkeypatch, TUESDAY_11_AM)

    placed = order_at_counter(
        _order(
            jean,
            option="reserve_and_collect",
            where="other_store",
            other_store_code="villeurbanne-gratte-ciel",
        )
    )

    assert (placed.order.status, placed.payment.method) == ("placed", "at_pickup")
    assert not OutboxEvent.objects.filter(type="order.payment_link_sent").exists()


@pytest.mark.django_db
def test_out_of_stock_everywhere_is_refused_with_its_reason_and_writes_nothing(monkeypatch):
    part_dieu("click_and_collect")
    warehouse()
    make_jackets()
    jean = make_shopper()
    at(monkeypatch, TUESDAY_11_AM)

    options = counter_options(store_code="lyon-part-dieu", lines=ONE_JACKET, postcode="69002")
    with pytest.raises(OptionUnavailable):
        order_at_counter(_order(jean))

    assert {(o.code, o.available, o.reason_code) for o in options.home} == {
        ("home_express", False, "not_in_stock"),
        ("home_standard", False, "not_in_stock"),
    }
    assert [(o.available, o.reason_code) for o in options.here] == [(False, "not_in_stock")]
    _nothing_written()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("address", "field"),
    [
        pytest.param({**ADDRESS, "postcode": "00000"}, "postcode", id="unknown_postcode_case"),
        pytest.param({**ADDRESS, "line1": ""}, "delivery_address", id="no_street_case"),
    ],
)
def test_a_bad_address_is_refused_on_its_field_and_writes_nothing(monkeypatch, address, field):
    part_dieu("click_and_collect")
    shelve(warehouse(), 2)
    jean = make_shopper()
    at(monkeypatch, TUESDAY_11_AM)

    with pytest.raises((ValidationFailed, InvalidOrder)) as refused:
        order_at_counter(_order(jean, delivery_address=address))

    assert [e["field"] for e in refused.value.errors] == [field]
    _nothing_written()


@pytest.mark.django_db
def test_an_option_the_counter_does_not_offer_is_refused(monkeypatch):
    part_dieu("click_and_collect")
    shelve(warehouse(), 2)
    jean = make_shopper()
    at(monkeypatch, TUESDAY_11_AM)

    with pytest.raises(ValidationFailed) as refused:
        order_at_counter(_order(jean, option="same_day"))

    assert refused.value.errors[0]["field"] == "option"
    _nothing_written()


@pytest.mark.django_db
def test_once_the_link_is_paid_the_order_is_placed_its_task_made_and_on_jeans_timeline():
    part_dieu("click_and_collect")
    depot = warehouse()
    shelve(depot, 2)
    jean = make_shopper()  # today: the fake PSP's link expires on the real clock
    placed = order_at_counter(_order(jean))
    token = placed.payment.payment_link.rstrip("/").rsplit("/", 1)[-1]

    body, signature = FakePsp().pay_link(token=token, card_token=CARD_OK)
    receive_payment_notification(provider_name="fake", body=body, signature=signature)
    deliver_events()

    order = Order.objects.get()
    assert order.status == "placed"
    assert StoreTask.objects.filter(order=order, location=depot).exists()
    assert "order.placed" in {entry.kind for entry in timeline_of(customer_id=jean.pk)}


@pytest.mark.django_db
def test_reserve_and_collect_in_another_store_becomes_that_stores_task(monkeypatch):
    part_dieu("click_and_collect")
    gratte = gratte_ciel("click_and_collect", "reserve_and_collect")
    shelve(gratte, 2)
    jean = make_shopper()
    at(monkeypatch, TUESDAY_11_AM)

    placed = order_at_counter(
        _order(
            jean,
            option="reserve_and_collect",
            where="other_store",
            other_store_code="villeurbanne-gratte-ciel",
        )
    )
    deliver_events()

    assert StoreTask.objects.filter(order=placed.order, location=gratte).exists()
    assert "order.placed" in {entry.kind for entry in timeline_of(customer_id=jean.pk)}
