"""POST /checkouts through HTTP: the cart and the chosen option become one order."""

from decimal import Decimal

import pytest

from comptoir.carts.models import Cart
from comptoir.core.models import OutboxEvent
from comptoir.inventory.models import Hold, StockLevel
from comptoir.orders.models import Order
from comptoir.orders.tests.factories import CARD_DECLINED, CARD_OK, HOME

from .checkout_factories import (
    JACKET,
    TUESDAY_2_PM,
    TUESDAY_11_AM,
    at,
    gratte_ciel,
    jean_with_a_jacket,
    part_dieu,
    shelve,
    warehouse,
)

URL = "/api/v1/checkouts"
CARD = {"method": "card", "card_token": CARD_OK}
NO_POINT = {k: v for k, v in HOME.items() if k not in {"lat", "lon"}}  # found by its postcode


def _check_out(client, body, **headers):
    return client.post(URL, body, content_type="application/json", headers=headers)


def _held(location, sku=JACKET) -> int:
    return StockLevel.objects.get(location=location, variant__sku=sku).held


@pytest.mark.django_db
def test_one_order_per_idempotency_key_and_the_cart_is_closed(client, monkeypatch):
    store = part_dieu("click_and_collect")
    shelve(store, 3)
    jean = jean_with_a_jacket(client, favourite=store)
    at(monkeypatch, TUESDAY_11_AM)
    body = {"option": "click_and_collect", "store": "lyon-part-dieu", "payment": CARD}

    first = _check_out(client, body, **{"Idempotency-Key": "basket-7"})
    again = _check_out(client, body, **{"Idempotency-Key": "basket-7"})

    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json()["order"]["reference"] == first.json()["order"]["reference"]
    order = Order.objects.get()
    assert (order.customer_id, order.fulfilment_mode, order.pickup_location_id) == (
        jean.pk,
        "click_and_collect",
        store.pk,
    )
    assert first.json()["option"]["promise"] == "ready today at 13:00 in Élan Lyon Part-Dieu"
    assert _held(store) == 1
    assert Cart.objects.get(customer=jean).status == "ordered"
    completed = OutboxEvent.objects.get(type="checkout.completed")
    assert completed.payload["option"] == "click_and_collect"
    assert completed.payload["order_reference"] == order.reference
    # The next visit starts a new, empty cart.
    assert client.get("/api/v1/carts/current").json()["lines"] == []


@pytest.mark.django_db
def test_a_new_key_on_a_checked_out_cart_orders_nothing_more(client, monkeypatch):
    store = part_dieu("click_and_collect")
    shelve(store, 3)
    jean_with_a_jacket(client, favourite=store)
    at(monkeypatch, TUESDAY_11_AM)
    body = {"option": "click_and_collect", "store": "lyon-part-dieu", "payment": CARD}

    _check_out(client, body, **{"Idempotency-Key": "basket-7"})
    second = _check_out(client, body, **{"Idempotency-Key": "basket-8"})

    assert second.status_code == 422  # the new cart is empty
    assert second.json()["errors"][0]["field"] == "body.cart"
    assert Order.objects.count() == 1


@pytest.mark.django_db
def test_a_declined_card_holds_nothing_and_leaves_the_cart_as_it_was(client, monkeypatch):
    store = part_dieu("click_and_collect")
    shelve(store, 3)
    jean = jean_with_a_jacket(client, favourite=store)
    at(monkeypatch, TUESDAY_11_AM)

    response = _check_out(
        client,
        {
            "option": "click_and_collect",
            "store": "lyon-part-dieu",
            "payment": {"method": "card", "card_token": CARD_DECLINED},
        },
        **{"Idempotency-Key": "basket-9"},
    )

    assert response.status_code == 402
    assert response.json()["code"] == "payment-declined"
    assert (Order.objects.count(), Hold.objects.count(), _held(store)) == (0, 0, 0)
    cart = Cart.objects.get(customer=jean)
    assert cart.status == "open"
    assert list(cart.lines.values_list("variant__sku", "quantity")) == [(JACKET, 1)]
    assert not OutboxEvent.objects.filter(type="checkout.completed").exists()


@pytest.mark.django_db
def test_reserve_and_collect_is_paid_at_pickup_where_the_store_offers_it(client, monkeypatch):
    lyon = part_dieu("click_and_collect")
    villeurbanne = gratte_ciel("click_and_collect", "reserve_and_collect")
    shelve(lyon, 3)
    shelve(villeurbanne, 3)
    jean_with_a_jacket(client, favourite=lyon)
    at(monkeypatch, TUESDAY_11_AM)
    at_pickup = {"method": "at_pickup"}

    in_lyon = _check_out(
        client, {"option": "reserve_and_collect", "store": "lyon-part-dieu", "payment": at_pickup}
    )
    there = _check_out(
        client,
        {
            "option": "reserve_and_collect",
            "store": "villeurbanne-gratte-ciel",
            "payment": at_pickup,
        },
    )

    assert in_lyon.status_code == 409
    assert in_lyon.json()["code"] == "delivery-option-unavailable"
    assert in_lyon.json()["detail"] == "Élan Lyon Part-Dieu does not offer reserve & collect."
    assert there.status_code == 201
    assert there.json()["order"]["payment"]["status"] == "due_at_pickup"
    assert (_held(lyon), _held(villeurbanne)) == (0, 1)


@pytest.mark.django_db
def test_home_delivery_from_the_warehouse_to_a_postcode(client, monkeypatch):
    depot = warehouse()
    shelve(depot, 5)
    jean_with_a_jacket(client)
    at(monkeypatch, TUESDAY_2_PM)
    response = _check_out(
        client, {"option": "home_standard", "delivery_address": NO_POINT, "payment": CARD}
    )

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["order"]["fulfilment_mode"] == "home_delivery"
    assert [line["location"] for line in body["order"]["lines"]] == ["entrepot-est"]
    assert body["option"]["promised_date"] == "2026-11-26"
    assert Order.objects.get().delivery_address["postcode"] == "69002"
    assert _held(depot) == 1
    # The option's price is charged: the order's total and its authorised payment include it.
    fee, lines = Decimal(body["option"]["price"]), Decimal(body["order"]["lines"][0]["unit_price"])
    assert fee > 0
    assert Decimal(body["order"]["delivery_fee"]) == fee
    assert Decimal(body["order"]["total"]) == lines + fee
    assert Decimal(body["order"]["payment"]["amount"]) == lines + fee


@pytest.mark.django_db
def test_a_time_slot_must_be_one_that_is_offered(client, monkeypatch):
    shelve(warehouse(), 5)
    jean_with_a_jacket(client)
    at(monkeypatch, TUESDAY_2_PM)
    body = {"option": "home_time_slot", "delivery_address": HOME, "payment": CARD}

    wrong = _check_out(client, {**body, "slot_starts_at": "2026-11-25T03:00:00Z"})
    right = _check_out(client, {**body, "slot_starts_at": "2026-11-25T17:00:00Z"})

    assert wrong.status_code == 422
    assert wrong.json()["errors"][0]["field"] == "body.slot_starts_at"
    assert right.status_code == 201, right.content
    assert right.json()["slot"] == {
        "starts_at": "2026-11-25T17:00:00Z",
        "ends_at": "2026-11-25T19:00:00Z",
    }


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"option": "click_and_collect", "store": "lyon-nowhere"}, "body.store"),
        ({"option": "click_and_collect"}, "body.store"),
        ({"option": "home_standard"}, "body.delivery_address"),
        (
            {"option": "home_standard", "delivery_address": {**NO_POINT, "postcode": "99999"}},
            "body.delivery_address.postcode",
        ),
        ({"option": "pigeon"}, "body.option"),
    ],
)
def test_bad_input_is_a_field_error_and_orders_nothing(client, monkeypatch, body, field):
    store = part_dieu("click_and_collect")
    shelve(store, 3)
    jean_with_a_jacket(client, favourite=store)
    at(monkeypatch, TUESDAY_11_AM)

    response = _check_out(client, {"payment": CARD, **body})

    assert response.status_code == 422
    assert field in [error["field"] for error in response.json()["errors"]]
    assert Order.objects.count() == 0


@pytest.mark.django_db
def test_an_anonymous_shopper_signs_in_to_check_out(client):
    response = _check_out(
        client, {"option": "click_and_collect", "store": "lyon-part-dieu", "payment": CARD}
    )

    assert response.status_code == 401


@pytest.mark.django_db
def test_a_line_no_single_location_can_supply_is_split_by_the_orders_sourcing(client, monkeypatch):
    depot = warehouse()
    shelve(depot, 2)
    store = part_dieu("ship_from_store")
    shelve(store, 2)
    jean_with_a_jacket(client, units=3)
    at(monkeypatch, TUESDAY_2_PM)

    response = _check_out(
        client, {"option": "home_standard", "delivery_address": HOME, "payment": CARD}
    )

    assert response.status_code == 201, response.content
    lines = response.json()["order"]["lines"]
    assert sorted((line["location"], line["quantity"]) for line in lines) == [
        ("entrepot-est", 2),
        ("lyon-part-dieu", 1),
    ]
    assert (_held(depot), _held(store)) == (2, 1)


@pytest.mark.django_db
@pytest.mark.parametrize("option", ["home_standard", "home_express"])
def test_the_store_task_keeps_the_promise_the_chosen_option_made(client, monkeypatch, option):
    from comptoir.fulfilment.models import StoreTask
    from comptoir.orders.tests.factories import deliver_events

    depot = warehouse()
    shelve(depot, 5)
    jean_with_a_jacket(client)
    at(monkeypatch, TUESDAY_2_PM)

    response = _check_out(client, {"option": option, "delivery_address": NO_POINT, "payment": CARD})
    deliver_events()

    assert response.status_code == 201, response.content
    promised = response.json()["option"]["promised_date"]
    assert Order.objects.get().delivery_option == option
    [task] = StoreTask.objects.filter(location=depot)
    assert task.promised_by.isoformat() == promised
