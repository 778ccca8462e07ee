"""Who may read, cancel and place which order (issue 13, #9): the authorisation matrix.

An order belongs to its pickup store, the store it was ordered at, and every location holding
or shipping one of its lines (`orders.selectors.stores_of_order`). A store-scoped associate
reads and cancels the orders of their stores only; an agent, operations and an integration
token reach every store; a shopper reaches their own orders. A refusal changes nothing.
"""

import pytest

from comptoir.accounts.tests.factories import bearer, make_api_token, make_staff
from comptoir.core.models import OutboxEvent
from comptoir.customers.tests.factories import make_shopper
from comptoir.inventory.models import Hold, StockLevel
from comptoir.orders.models import Order
from comptoir.orders.tests.factories import HOME, make_jackets, make_location, order_body, stock

URL = "/api/v1/orders"
OWN, OTHER = "own store", "other store"


def _stores():
    bellecour = make_location("lyon-bellecour", city="Lyon")
    part_dieu = make_location("lyon-part-dieu", city="Lyon")
    warehouse = make_location("entrepot-lyon", city="Saint-Priest", kind="warehouse")
    make_jackets()
    for sku in ("JACKET-TRAIL-S", "JACKET-TRAIL-M", "JACKET-TRAIL-L"):
        stock(sku, bellecour, 3)
        stock(sku, part_dieu, 3)
        stock(sku, warehouse, 3)
    return bellecour, part_dieu


def _post(client, body, **headers):
    return client.post(URL, body, content_type="application/json", headers=headers)


# Three ways an order belongs to Bellecour: collected there, ordered there, shipped from there.
def _collected_at_bellecour(client, jean):
    client.force_login(jean.user)
    return _post(client, order_body(pickup="lyon-bellecour")).json()["reference"]


def _ordered_at_bellecour(client, jean):
    client.force_login(make_staff("associate", [_bellecour()], username="sofia-counter"))
    body = order_body(
        channel="store",
        mode="endless_aisle_home",
        pickup=None,
        ordered_at_location="lyon-bellecour",
        customer=jean.pk,
        lines=[{"sku": "JACKET-TRAIL-L", "quantity": 1, "location": "entrepot-lyon"}],
        delivery_address=HOME,
    )
    return _post(client, body).json()["reference"]


def _shipped_from_bellecour(client, jean):
    client.force_login(jean.user)
    body = order_body(
        mode="ship_from_store",
        pickup=None,
        lines=[{"sku": "JACKET-TRAIL-M", "quantity": 1, "location": "lyon-bellecour"}],
        delivery_address=HOME,
    )
    return _post(client, body).json()["reference"]


def _bellecour():
    return make_location("lyon-bellecour", city="Lyon")


ORDERS = {
    "pickup_store": _collected_at_bellecour,
    "ordered_at_store": _ordered_at_bellecour,
    "line_location": _shipped_from_bellecour,
}


def _caller(client, who, stores):
    bellecour, part_dieu = stores
    if who == "associate of own store":
        client.force_login(make_staff("associate", [bellecour], username="sofia-b"))
    elif who == "associate of other store":
        client.force_login(make_staff("associate", [part_dieu], username="karim-p"))
    elif who == "agent":
        client.force_login(make_staff("agent", username="karim-cc"))
    elif who == "operations":
        client.force_login(make_staff("operations", username="olivier"))
    elif who == "another shopper":
        client.force_login(make_shopper("lea@example.fr", first_name="Léa").user)
    return {}


# Reading and cancelling answer the same: who reaches the order may act on it.
MATRIX = [
    pytest.param(belongs, who, expected, id=f"{belongs}-{who}")
    for belongs in ORDERS
    for who, expected in [
        ("associate of own store", 200),
        ("associate of other store", 403),
        ("agent", 200),
        ("operations", 200),
        ("another shopper", 404),
    ]
]


@pytest.mark.django_db
@pytest.mark.parametrize(("belongs", "who", "expected"), MATRIX)
def test_reading_an_order(client, belongs, who, expected):
    stores = _stores()
    reference = ORDERS[belongs](client, make_shopper())
    _caller(client, who, stores)

    assert client.get(f"{URL}/{reference}").status_code == expected


@pytest.mark.django_db
@pytest.mark.parametrize(("belongs", "who", "expected"), MATRIX)
def test_cancelling_an_order(client, belongs, who, expected):
    stores = _stores()
    reference = ORDERS[belongs](client, make_shopper())
    holds_before = sorted(Hold.objects.filter(status="active").values_list("pk", flat=True))
    _caller(client, who, stores)

    response = client.post(
        f"{URL}/{reference}/cancellation", {"reason": "asked"}, content_type="application/json"
    )

    assert response.status_code == expected, response.json()
    order = Order.objects.get(reference=reference)
    if expected == 200:
        assert order.status == "cancelled"
        return
    # Refused: nothing happened.
    assert order.status != "cancelled"
    assert sorted(Hold.objects.filter(status="active").values_list("pk", flat=True)) == (
        holds_before
    )
    assert not OutboxEvent.objects.filter(type="order.cancelled").exists()


PLACE_MATRIX = [
    # (who, where, expected): where the order holds its units or is collected.
    pytest.param("associate of own store", "pickup", 201, id="associate-pickup-own"),
    pytest.param("associate of other store", "pickup", 403, id="associate-pickup-other"),
    pytest.param("associate of own store", "line", 201, id="associate-line-own"),
    pytest.param("associate of other store", "line", 403, id="associate-line-other"),
    pytest.param("associate of other store", "warehouse", 201, id="associate-warehouse"),
    pytest.param("agent", "pickup", 201, id="agent-pickup"),
    pytest.param("agent", "line", 201, id="agent-line"),
    pytest.param("operations", "pickup", 201, id="operations-pickup"),
]


def _placing_body(where, jean, who):
    """An order at Part-Dieu's counter (the associate's own, or Bellecour's for 'other'),
    touching Bellecour as `where` says."""
    own_counter = "lyon-bellecour" if who == "associate of own store" else "lyon-part-dieu"
    counter = own_counter if who.startswith("associate") else None
    if where == "pickup":
        return order_body(
            channel="store" if counter else "call_centre",
            mode="reserve_and_collect",
            pickup="lyon-bellecour",
            customer=jean.pk,
            payment={"method": "at_pickup"},
            **({"ordered_at_location": counter} if counter else {}),
        )
    location = "entrepot-lyon" if where == "warehouse" else "lyon-bellecour"
    return order_body(
        channel="store" if counter else "call_centre",
        mode="endless_aisle_home" if counter else "home_delivery",
        pickup=None,
        customer=jean.pk,
        lines=[{"sku": "JACKET-TRAIL-S", "quantity": 2, "location": location}],
        delivery_address=HOME,
        **({"ordered_at_location": counter} if counter else {}),
    )


@pytest.mark.django_db
@pytest.mark.parametrize(("who", "where", "expected"), PLACE_MATRIX)
def test_placing_an_order_that_holds_units_in_a_store(client, who, where, expected):
    bellecour, part_dieu = stores = _stores()
    jean = make_shopper()
    _caller(client, who, stores)

    response = _post(client, _placing_body(where, jean, who))

    assert response.status_code == expected, response.json()
    if expected != 201:
        assert (Order.objects.count(), Hold.objects.count()) == (0, 0)
        assert StockLevel.objects.get(location=bellecour, variant__sku="JACKET-TRAIL-S").held == 0


@pytest.mark.django_db
def test_an_integration_token_reaches_every_store(client):
    _stores()
    reference = _collected_at_bellecour(client, make_shopper())
    client.logout()
    _, raw = make_api_token("orders.read", name="erp")

    assert client.get(f"{URL}/{reference}", headers=bearer(raw)).status_code == 200


@pytest.mark.django_db
def test_a_store_scoped_associate_lists_only_the_orders_of_their_store_in_the_back_office(
    client,
):
    stores = _stores()
    jean = make_shopper()
    ours = _collected_at_bellecour(client, jean)
    client.force_login(jean.user)
    theirs = _post(client, order_body(pickup="lyon-part-dieu")).json()["reference"]
    _caller(client, "associate of own store", stores)

    page = client.get("/backoffice/orders/").content.decode()

    assert (ours in page, theirs in page) == (True, False)
