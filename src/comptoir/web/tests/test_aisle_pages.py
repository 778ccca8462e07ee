"""The endless aisle's pages: Sofia at Lyon Part-Dieu orders a jacket the store lacks from
the warehouse, for Jean or a new customer; a double tap is one order; bad input is said in
the form and nothing is written."""

from __future__ import annotations

import pytest
from django.test import Client

from comptoir.accounts.tests.factories import STAFF_PASSWORD, make_staff
from comptoir.core.models import OutboxEvent
from comptoir.customers.models import Customer
from comptoir.customers.services import add_identity
from comptoir.customers.tests.factories import make_shopper
from comptoir.fulfilment.tests.checkout_factories import (
    JACKET,
    TUESDAY_11_AM,
    at,
    part_dieu,
    shelve,
    warehouse,
)
from comptoir.inventory.models import StockLevel
from comptoir.orders.models import Order
from comptoir.orders.tests.factories import make_jackets

pytestmark = pytest.mark.django_db
URL = f"/associate/lyon-part-dieu/aisle/{JACKET}/"
JEAN_CARD = "ELAN-0001"


def _sofia(monkeypatch, *, warehouse_units: int = 2) -> Client:
    store = part_dieu("click_and_collect")
    depot = warehouse()
    make_jackets()
    if warehouse_units:
        shelve(depot, warehouse_units)
    at(monkeypatch, TUESDAY_11_AM)
    make_staff("associate", [store], username="sofia")
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.cookies["django_language"] = "en"
    assert client.login(username="sofia", password=STAFF_PASSWORD)
    return client


def _jean() -> Customer:
    jean = make_shopper()
    add_identity(customer_id=jean.pk, kind="loyalty_card", value=JEAN_CARD, channel="store")
    return jean


def _home_order(**changes) -> dict[str, str]:
    return {
        "option": "home:home_standard",
        "quantity": "1",
        "other_store": "",
        "ticket": "A-TICKET-1",
        "customer": JEAN_CARD,
        "name": "Jean Martin",
        "line1": "12 rue de la République",
        "postcode": "69002",
        "city": "Lyon",
        "pay": "link",
        **changes,
    }


def _nothing_written() -> None:
    assert not Order.objects.exists()
    assert not StockLevel.objects.filter(held__gt=0).exists()
    assert not OutboxEvent.objects.filter(type__startswith="order.").exists()


def test_the_options_say_the_promise_and_where_it_comes_from(monkeypatch):
    client = _sofia(monkeypatch)

    page = client.get(URL, {"quantity": "1", "postcode": "69002"}).content.decode()

    assert "delivered on" in page
    assert "Sent from Entrepôt Est (a warehouse)" in page
    assert "Entrepôt Est: 2" in page
    assert 'value="home:home_standard"' in page
    assert 'value="here:ship_to_store"' in page


def test_a_double_tap_places_one_order_and_shows_the_same_page(monkeypatch):
    client = _sofia(monkeypatch)
    jean = _jean()

    first = client.post(URL, _home_order())
    second = client.post(URL, _home_order())

    order = Order.objects.get()
    assert (order.customer_id, order.fulfilment_mode, order.status) == (
        jean.pk,
        "endless_aisle_home",
        "awaiting_payment",
    )
    assert first.status_code == second.status_code == 200
    assert second["Idempotent-Replayed"] == "true"
    assert first.content == second.content
    assert order.reference in first.content.decode()
    assert OutboxEvent.objects.filter(type="order.payment_link_sent").count() == 1


def test_out_of_stock_everywhere_is_said_and_nothing_is_ordered(monkeypatch):
    client = _sofia(monkeypatch, warehouse_units=0)
    _jean()

    shown = client.get(URL, {"quantity": "1", "postcode": "69002"}).content.decode()
    refused = client.post(URL, _home_order()).content.decode()

    assert "Not possible: Not in stock anywhere that can send it." in shown
    assert "This delivery is not possible now" in refused
    assert "Nothing was ordered and nothing is held" in refused
    _nothing_written()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        pytest.param({"postcode": "00000"}, "We do not know this postcode", id="unknown_postcode"),
        pytest.param({"line1": ""}, "Needed for a home delivery", id="no_street"),
        pytest.param({"postcode": "6900"}, "Five digits", id="malformed_postcode"),
        pytest.param({"customer": "NO-SUCH-CARD"}, "No customer has this card", id="no_customer"),
        pytest.param(
            {"customer": "", "first_name": "Claire", "email": ""},
            "The payment link goes by email",
            id="guest_without_email",
        ),
        pytest.param({"option": ""}, "Choose one of the possible deliveries", id="no_option"),
        pytest.param(
            {
                "customer": "",
                "first_name": "Claire",
                "email": "claire@example.com",
                "postcode": "00000",
            },
            "We do not know this postcode",
            id="guest_to_an_unknown_postcode",
        ),
        pytest.param(
            {"option": "home:same_day"}, "This delivery is not possible now", id="not_offered"
        ),
    ],
)
def test_bad_input_is_said_in_the_form_and_nothing_is_written(monkeypatch, changes, message):
    client = _sofia(monkeypatch)
    _jean()

    answer = client.post(URL, _home_order(**changes))

    assert answer.status_code == 200
    assert message in answer.content.decode()
    _nothing_written()
    assert Customer.objects.count() == 1  # no guest was made for an order never placed


def test_a_new_guest_paid_at_the_counter_ship_to_this_store(monkeypatch):
    client = _sofia(monkeypatch)

    answer = client.post(
        URL,
        {
            "option": "here:ship_to_store",
            "quantity": "1",
            "ticket": "A-TICKET-2",
            "first_name": "Claire",
            "last_name": "Dubois",
            "phone": "06 12 34 56 78",
            "pay": "counter",
        },
    )

    order = Order.objects.get()
    assert (order.fulfilment_mode, order.status, order.pickup_location.code) == (
        "ship_to_store",
        "awaiting_payment",
        "lyon-part-dieu",
    )
    assert Customer.objects.get(pk=order.customer_id).first_name == "Claire"
    assert f"at the till with the reference {order.reference}" in answer.content.decode()
    assert not OutboxEvent.objects.filter(type="order.payment_link_sent").exists()


def test_an_associate_of_another_store_cannot_order_from_this_counter(monkeypatch):
    _sofia(monkeypatch)
    from comptoir.locations.tests.factories import make_store

    make_staff("associate", [make_store("paris-rivoli")], username="marc")
    client = Client()
    assert client.login(username="marc", password=STAFF_PASSWORD)
    _jean()

    answer = client.post(URL, _home_order())

    assert answer.status_code == 403
    _nothing_written()


def test_the_same_form_sent_again_with_other_details_is_said_on_the_page(monkeypatch):
    client = _sofia(monkeypatch)
    _jean()
    client.post(URL, _home_order())

    again = client.post(URL, _home_order(city="Villeurbanne"))

    assert again.status_code == 422
    assert "already sent with other details" in again.content.decode()
    assert Order.objects.count() == 1
