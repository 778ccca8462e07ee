"""Lines without a location: the sourcing engine (fulfilment) picks it, and says why."""

from decimal import Decimal

import pytest

from comptoir.customers.tests.factories import make_shopper
from comptoir.inventory.models import Hold
from comptoir.locations.services import open_location
from comptoir.locations.tests.factories import offering
from comptoir.orders.models import Order
from comptoir.orders.tests.factories import HOME, make_jackets, make_location, order_body, stock


def _far_warehouse():
    return open_location(
        code="entrepot-lille",
        name="Entrepôt Lille",
        kind="warehouse",
        city="Lille",
        latitude=Decimal("50.62925"),
        longitude=Decimal("3.05726"),
    )


def _order_two_jackets_home(client, *, lyon_ships: bool):
    lyon = make_location("lyon-bellecour", city="Lyon")
    if lyon_ships:
        offering(lyon, "ship_from_store")
    lille = _far_warehouse()
    make_jackets()
    for location in (lyon, lille):
        stock("JACKET-TRAIL-S", location, 5)
        stock("JACKET-TRAIL-M", location, 5)
    client.force_login(make_shopper().user)
    return client.post(
        "/api/v1/orders",
        order_body(
            mode="home_delivery",
            pickup=None,
            lines=[
                {"sku": "JACKET-TRAIL-S", "quantity": 1},
                {"sku": "JACKET-TRAIL-M", "quantity": 1},
            ],
            delivery_address=HOME,  # in Lyon
        ),
        content_type="application/json",
    )


@pytest.mark.django_db
def test_a_home_order_without_locations_is_sourced_and_its_explanation_kept(client):
    response = _order_two_jackets_home(client, lyon_ships=True)

    assert response.status_code == 201, response.json()
    assert {line["location"] for line in response.json()["lines"]} == {"lyon-bellecour"}
    order = Order.objects.get(reference=response.json()["reference"])
    assert order.sourcing_explanation  # the engine's reasons, stored with the order
    assert set(
        Hold.objects.filter(reference=order.reference).values_list("location_id", flat=True)
    ) == {order.lines.first().location_id}


@pytest.mark.django_db
def test_a_home_order_never_leaves_from_a_store_that_does_not_ship(client):
    # Bellecour, next door, has both jackets but does not offer ship from store: the parcel
    # leaves from Lille, as the options page promised (it used to leave from Bellecour).
    response = _order_two_jackets_home(client, lyon_ships=False)

    assert response.status_code == 201, response.json()
    assert {line["location"] for line in response.json()["lines"]} == {"entrepot-lille"}
    order = Order.objects.get(reference=response.json()["reference"])
    assert any("does not ship from store" in words for words in order.sourcing_explanation)


@pytest.mark.django_db
def test_a_line_no_single_location_can_supply_is_split_and_each_part_held(client):
    lyon = offering(make_location("lyon-bellecour", city="Lyon"), "ship_from_store")
    lille = _far_warehouse()
    make_jackets()
    stock("JACKET-TRAIL-S", lyon, 2)
    stock("JACKET-TRAIL-S", lille, 2)
    client.force_login(make_shopper().user)

    response = client.post(
        "/api/v1/orders",
        order_body(
            mode="home_delivery",
            pickup=None,
            lines=[{"sku": "JACKET-TRAIL-S", "quantity": 3}],
            delivery_address=HOME,
        ),
        content_type="application/json",
    )

    assert response.status_code == 201, response.json()
    parts = sorted((line["location"], line["quantity"]) for line in response.json()["lines"])
    assert sum(quantity for _, quantity in parts) == 3
    assert len(parts) == 2
    reference = response.json()["reference"]
    holds = Hold.objects.filter(reference__startswith=reference, status="active")
    assert sorted(holds.values_list("quantity", flat=True)) == sorted(q for _, q in parts)


@pytest.mark.django_db
def test_a_line_nobody_can_supply_is_a_409_and_holds_nothing(client):
    make_location("lyon-bellecour", city="Lyon")
    make_jackets()
    client.force_login(make_shopper().user)

    response = client.post(
        "/api/v1/orders",
        order_body(mode="home_delivery", pickup=None, delivery_address=HOME),
        content_type="application/json",
    )

    assert response.status_code == 409
    assert response.json()["code"] == "out-of-stock"
    assert not Hold.objects.exists()
