"""Builders for delivery options and checkout: Lyon's stores, a warehouse, Jean and his cart."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from comptoir.carts.services import add_line, cart_of_customer, open_anonymous_cart
from comptoir.core import clock
from comptoir.customers.models import Customer
from comptoir.customers.services import choose_favourite_store
from comptoir.customers.tests.factories import make_shopper
from comptoir.fulfilment.checkout import CheckoutRequest, check_out
from comptoir.fulfilment.services import create_tasks_for_order
from comptoir.locations.models import Location
from comptoir.locations.services import open_location
from comptoir.locations.tests.factories import make_store, offering, with_hours
from comptoir.orders.services.placing import PaymentRequest
from comptoir.orders.tests.factories import CARD_OK, HOME, make_jackets, stock

JACKET = "JACKET-TRAIL-S"
# Tuesday 24 November 2026, Paris time (UTC+1).
TUESDAY_9_AM = datetime(2026, 11, 24, 8, 0, tzinfo=UTC)
TUESDAY_11_AM = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)
TUESDAY_2_PM = datetime(2026, 11, 24, 13, 0, tzinfo=UTC)
TUESDAY_3_PM = datetime(2026, 11, 24, 14, 0, tzinfo=UTC)
TUESDAY_4_PM = datetime(2026, 11, 24, 15, 0, tzinfo=UTC)
TUESDAY_8_PM = datetime(2026, 11, 24, 19, 0, tzinfo=UTC)


def at(monkeypatch, moment: datetime) -> None:
    monkeypatch.setattr(clock, "now", lambda: moment)


def part_dieu(*services: str) -> Location:
    """Élan Lyon Part-Dieu, Monday to Saturday 10:00-19:30, picking in two open hours."""
    store = with_hours(make_store("lyon-part-dieu"))
    return offering(store, *services, pickup_lead_minutes=120)


def gratte_ciel(*services: str) -> Location:
    store = with_hours(make_store("villeurbanne-gratte-ciel"))
    return offering(store, *services, pickup_lead_minutes=60)


def warehouse() -> Location:
    """The warehouse at Saint-Quentin-Fallavier, 30 km east of Lyon."""
    return open_location(
        code="entrepot-est",
        name="Entrepôt Est",
        city="Saint-Quentin-Fallavier",
        latitude=Decimal("45.64300"),
        longitude=Decimal("5.11200"),
        kind=Location.Kind.WAREHOUSE,
    )


def jean_with_a_jacket(client, *, favourite: Location | None = None, units: int = 1) -> Customer:
    """Jean, signed in, a jacket in his cart, his favourite store chosen."""
    make_jackets()
    jean = make_shopper()
    if favourite is not None:
        choose_favourite_store(customer_id=jean.pk, location_code=favourite.code)
    cart = cart_of_customer(customer_id=jean.pk, channel="web")
    add_line(cart_id=cart.pk, sku=JACKET, quantity=units, channel="web")
    client.force_login(jean.user)
    return jean


def shelve(location: Location, units: int, sku: str = JACKET) -> None:
    make_jackets()
    stock(sku, location, units)


WEDNESDAY_6_PM = datetime(2026, 11, 25, 17, 0, tzinfo=UTC)  # a slot's start, 18:00 in Lyon


def three_jackets_held_at_part_dieu():
    """An anonymous shopper's 3 jackets held at Part-Dieu (A) for the Wednesday 18:00 slot,
    with its ship task; then Gratte-Ciel (B) receives 2 and the warehouse (C) 1."""
    a = part_dieu("ship_from_store")
    shelve(a, 3)
    make_jackets()
    cart = open_anonymous_cart(channel="web")
    add_line(cart_id=cart.pk, sku=JACKET, quantity=3, channel="web")
    placed = check_out(
        CheckoutRequest(
            cart_id=cart.pk,
            customer_id=None,
            option="home_time_slot",
            payment=PaymentRequest("card", CARD_OK),
            store_code=None,
            delivery_address=HOME,
            slot_starts_at=WEDNESDAY_6_PM,
        ),
        now=TUESDAY_11_AM,
    ).placed
    [task] = create_tasks_for_order(order_id=placed.order.pk, now=TUESDAY_11_AM)
    assert task.location_id == a.pk
    # Stock found elsewhere after the order was placed at A.
    b, c = gratte_ciel("ship_from_store"), warehouse()
    shelve(b, 2)
    shelve(c, 1)
    return placed.order, task, a, b, c
