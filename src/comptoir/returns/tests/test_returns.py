from decimal import Decimal

import pytest

from comptoir.accounts.tests.factories import make_staff
from comptoir.catalog.services.prices import set_price
from comptoir.catalog.tests.factories import make_product
from comptoir.core.models import OutboxEvent
from comptoir.customers.models import Customer
from comptoir.customers.tests.factories import make_shopper
from comptoir.inventory.models import StockLevel, StockMovement
from comptoir.orders.models import Order
from comptoir.orders.tests.factories import (
    HOME,
    deliver_events,
    make_jackets,
    make_location,
    order_body,
    stock,
)
from comptoir.returns.models import Return
from comptoir.returns.tests.factories import carrier_scans, dispatch_parcel, shipped_home_order
from comptoir.shipping.domain.tracking import TrackingStatus
from comptoir.shipping.tests.factories import make_carriers

URL = "/api/v1/returns"


def _level(store, sku):
    level = StockLevel.objects.filter(location=store, variant__sku=sku).first()
    return (level.on_hand, level.held) if level else (0, 0)


def _delivered_order(client, quantity=2):
    """Jean's web order of two size-M jackets, shipped from the warehouse and delivered."""
    order, _ = shipped_home_order(client, quantity=quantity, in_stock=5)
    carrier_scans(order, TrackingStatus.DELIVERED)
    return order.reference


def _return(client, reference, location, lines, method="store"):
    return client.post(
        URL,
        {"order": reference, "location": location, "method": method, "lines": lines},
        content_type="application/json",
    )


@pytest.mark.django_db
def test_a_damaged_unit_is_refunded_but_not_put_back_on_sale(client):
    reference = _delivered_order(client)
    store = make_location("lyon-part-dieu", city="Lyon")
    client.force_login(make_staff("associate", [store]))

    response = _return(
        client,
        reference,
        "lyon-part-dieu",
        [{"line_number": 1, "quantity": 1, "reason": "damaged", "sellable": False}],
    )

    assert response.status_code == 201, response.json()
    assert response.json()["refund_amount"] == "129.00"
    assert _level(store, "JACKET-TRAIL-M") == (0, 0)
    movement = StockMovement.objects.get(location=store, kind="return")
    assert (movement.on_hand_delta, movement.reference) == (0, response.json()["reference"])


@pytest.mark.django_db
def test_a_return_by_post_cannot_return_more_than_was_delivered(client):
    reference = _delivered_order(client, quantity=2)
    warehouse = make_location("entrepot-lyon", city="Saint-Priest", kind="warehouse")
    client.force_login(make_staff("operations"))
    one = [{"line_number": 1, "quantity": 1, "reason": "too_big"}]

    first = _return(client, reference, "entrepot-lyon", one, method="post")
    second = _return(client, reference, "entrepot-lyon", one, method="post")
    third = _return(client, reference, "entrepot-lyon", one, method="post")

    assert (first.status_code, second.status_code, third.status_code) == (201, 201, 422)
    assert third.json()["errors"][0]["message"] == "at most 0 left to return"
    assert Order.objects.get(reference=reference).payment.refunded_amount == 258
    assert OutboxEvent.objects.filter(type="refund.issued").count() == 2
    assert _level(warehouse, "JACKET-TRAIL-M") == (5, 0)


@pytest.mark.django_db
def test_an_exchange_for_another_size_takes_it_from_that_store_and_refunds_nothing(client):
    reference = _delivered_order(client, quantity=1)
    store = make_location("lyon-part-dieu", city="Lyon")
    stock("JACKET-TRAIL-L", store, 1)
    client.force_login(make_staff("associate", [store]))

    response = _return(
        client,
        reference,
        "lyon-part-dieu",
        [
            {
                "line_number": 1,
                "quantity": 1,
                "reason": "too_small",
                "exchange_sku": "JACKET-TRAIL-L",
            }
        ],
    )

    assert response.status_code == 201, response.json()
    assert (response.json()["refund_amount"], response.json()["status"]) == ("0.00", "refunded")
    assert _level(store, "JACKET-TRAIL-M") == (1, 0)  # the returned size, on sale here
    assert _level(store, "JACKET-TRAIL-L") == (0, 0)  # the new size, gone with Jean
    assert not OutboxEvent.objects.filter(type="refund.issued").exists()


@pytest.mark.django_db
def test_an_exchange_for_another_product_is_refused(client):
    reference = _delivered_order(client, quantity=1)
    store = make_location("lyon-part-dieu", city="Lyon")
    make_product("chaussette", skus=["SOCK-M"], name="Chaussette", price="9.90")
    client.force_login(make_staff("associate", [store]))

    response = _return(
        client,
        reference,
        "lyon-part-dieu",
        [{"line_number": 1, "quantity": 1, "reason": "other", "exchange_sku": "SOCK-M"}],
    )

    assert response.status_code == 422
    assert _level(store, "JACKET-TRAIL-M") == (0, 0)


@pytest.mark.django_db
def test_an_associate_takes_returns_only_in_their_own_store(client):
    reference = _delivered_order(client)
    make_location("lyon-part-dieu", city="Lyon")
    client.force_login(make_staff("associate", [make_location("lyon-bellecour", city="Lyon")]))

    response = _return(
        client, reference, "lyon-part-dieu", [{"line_number": 1, "quantity": 1, "reason": "other"}]
    )

    assert response.status_code == 403
    assert not OutboxEvent.objects.filter(type="return.received").exists()


@pytest.mark.django_db
def test_an_order_not_yet_delivered_cannot_be_returned(client):
    make_location("entrepot-lyon", city="Saint-Priest", kind="warehouse")
    make_jackets()
    stock("JACKET-TRAIL-M", make_location("entrepot-lyon", city="x"), 1)
    client.force_login(make_shopper().user)
    body = order_body(
        mode="home_delivery",
        pickup=None,
        lines=[{"sku": "JACKET-TRAIL-M", "quantity": 1, "location": "entrepot-lyon"}],
        delivery_address=HOME,
    )
    reference = client.post("/api/v1/orders", body, content_type="application/json").json()[
        "reference"
    ]
    client.force_login(make_staff("operations"))

    response = _return(
        client, reference, "entrepot-lyon", [{"line_number": 1, "quantity": 1, "reason": "other"}]
    )

    assert response.status_code == 422


@pytest.mark.django_db
def test_a_shopper_reads_the_return_of_their_order_and_nobody_elses(client):
    reference = _delivered_order(client, quantity=1)
    store = make_location("lyon-part-dieu", city="Lyon")
    jean_id = Order.objects.get(reference=reference).customer_id
    client.force_login(make_staff("associate", [store]))
    returned = _return(
        client, reference, "lyon-part-dieu", [{"line_number": 1, "quantity": 1, "reason": "other"}]
    ).json()["reference"]

    client.force_login(Customer.objects.get(pk=jean_id).user)
    assert client.get(f"{URL}/{returned}").json()["refund_amount"] == "129.00"
    client.force_login(make_shopper("lea@example.fr", first_name="Léa").user)
    assert client.get(f"{URL}/{returned}").status_code == 404


@pytest.mark.django_db
def test_an_exchange_for_a_size_sold_at_another_price_in_that_store_is_refused(client):
    reference = _delivered_order(client, quantity=1)
    store = make_location("lyon-part-dieu", city="Lyon")
    stock("JACKET-TRAIL-L", store, 1)
    set_price(
        sku="JACKET-TRAIL-L", amount=Decimal("99.00"), store="lyon-part-dieu", reason="clearance"
    )
    client.force_login(make_staff("associate", [store]))

    response = _return(
        client,
        reference,
        "lyon-part-dieu",
        [
            {
                "line_number": 1,
                "quantity": 1,
                "reason": "too_small",
                "exchange_sku": "JACKET-TRAIL-L",
            }
        ],
    )

    assert response.status_code == 422
    assert _level(store, "JACKET-TRAIL-L") == (1, 0)
    assert not OutboxEvent.objects.filter(type="return.received").exists()


@pytest.mark.django_db
def test_an_endless_aisle_parcel_still_in_transit_is_neither_refunded_nor_restocked(client):
    """Issue 13, defect 3: the parcel was on its way when the return was accepted."""
    make_carriers()
    bellecour = make_location("lyon-bellecour", city="Lyon")
    warehouse = make_location("entrepot-lyon", city="Saint-Priest", kind="warehouse")
    make_jackets()
    stock("JACKET-TRAIL-L", warehouse, 5)
    client.force_login(make_staff("associate", [bellecour]))
    body = order_body(
        channel="store",
        mode="endless_aisle_home",
        pickup=None,
        ordered_at_location="lyon-bellecour",
        customer=make_shopper().pk,
        lines=[{"sku": "JACKET-TRAIL-L", "quantity": 1, "location": "entrepot-lyon"}],
        delivery_address=HOME,
    )
    reference = client.post("/api/v1/orders", body, content_type="application/json").json()[
        "reference"
    ]
    deliver_events()
    order = Order.objects.get(reference=reference)
    dispatch_parcel(order)
    carrier_scans(order, TrackingStatus.IN_TRANSIT)
    one = [{"line_number": 1, "quantity": 1, "reason": "changed_mind"}]

    refused = _return(client, reference, "lyon-bellecour", one)

    assert refused.status_code == 422, refused.json()
    assert refused.json()["errors"][0]["field"] == "body.lines[0]"
    assert Order.objects.get(reference=reference).payment.refunded_amount == 0
    assert not StockMovement.objects.filter(kind="return").exists()
    assert not Return.objects.exists()

    carrier_scans(order, TrackingStatus.DELIVERED, hours_later=30)
    taken = _return(client, reference, "lyon-bellecour", one)

    assert taken.status_code == 201, taken.json()
    assert (taken.json()["status"], taken.json()["refund_amount"]) == ("refunded", "129.00")
    assert _level(bellecour, "JACKET-TRAIL-L") == (1, 0)


@pytest.mark.django_db
def test_a_home_parcel_waiting_at_a_relay_point_has_not_reached_jean_and_cannot_come_back(
    client,
):
    order, _ = shipped_home_order(client, quantity=1)

    carrier_scans(order, TrackingStatus.AVAILABLE_FOR_PICKUP)

    assert list(order.lines.values_list("status", flat=True)) == ["dispatched"]
    client.force_login(make_staff("operations"))
    one = [{"line_number": 1, "quantity": 1, "reason": "other"}]
    assert _return(client, order.reference, "entrepot-lyon", one, method="post").status_code == 422
