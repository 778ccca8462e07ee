"""The promise is made when the order is placed, from the store's cut-off and hours and the
carrier's delivery days; the parcel carries it to shipping whatever day it leaves."""

from datetime import UTC, date, datetime, time

import pytest

from comptoir.accounts.tests.factories import make_staff
from comptoir.core import clock
from comptoir.core.models import OutboxEvent
from comptoir.customers.tests.factories import make_shopper
from comptoir.fulfilment.models import StoreTask
from comptoir.locations.domain import ServiceOffer, WeeklyRange
from comptoir.locations.services import set_location_services, set_opening_hours
from comptoir.orders.tests.factories import (
    HOME,
    deliver_events,
    make_jackets,
    make_location,
    order_body,
    stock,
)
from comptoir.shipping.models import Shipment
from comptoir.shipping.tests.factories import make_carriers

FRIDAY_AFTER_CUT_OFF = datetime(2026, 11, 27, 15, 30, tzinfo=UTC)  # 16:30 in Lyon
SATURDAY_EVENING = datetime(2026, 11, 28, 17, 30, tzinfo=UTC)  # 18:30 in Lyon
MONDAY_MORNING = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)


def _bellecour_open_monday_to_saturday(lead_minutes=60):
    store = make_location("lyon-bellecour", city="Lyon")
    set_opening_hours(
        location_code=store.code,
        opening_hours=[WeeklyRange(day, time(10), time(19)) for day in range(6)],
    )
    set_location_services(
        location_code=store.code,
        services=[
            ServiceOffer("click_and_collect", lead_minutes),
            ServiceOffer("ship_from_store", 0),
        ],
    )
    make_jackets()
    stock("JACKET-TRAIL-S", store, 3)
    return store


def _at(monkeypatch, moment):
    monkeypatch.setattr(clock, "now", lambda: moment)


@pytest.mark.django_db
def test_a_parcel_ordered_after_the_stores_cut_off_is_promised_two_carrier_days_after_monday(
    client, monkeypatch
):
    store = _bellecour_open_monday_to_saturday()
    make_carriers()
    _at(monkeypatch, FRIDAY_AFTER_CUT_OFF)
    client.force_login(make_shopper().user)
    placed = client.post(
        "/api/v1/orders",
        order_body(
            mode="ship_from_store",
            pickup=None,
            lines=[{"sku": "JACKET-TRAIL-S", "quantity": 1, "location": "lyon-bellecour"}],
            delivery_address=HOME,
        ),
        content_type="application/json",
    )
    assert placed.status_code == 201, placed.json()
    deliver_events()

    # Sofia only gets to it on Monday: the promise made on Friday stands.
    _at(monkeypatch, MONDAY_MORNING)
    client.force_login(make_staff("associate", [store], username="sofia"))
    [task] = client.get("/api/v1/store-tasks", {"location": "lyon-bellecour"}).json()
    assert client.post(f"/api/v1/store-tasks/{task['id']}/dispatch").status_code == 200
    deliver_events()

    # Friday 16:30 is past the stores' 12:00 cut-off (the delivery offers'), and carriers
    # collect from stores on weekdays: it leaves on Monday, then Tuesday is the delivery day of
    # the ship-from-store option, the one the order is priced as (and the options page offers).
    [dispatched] = OutboxEvent.objects.filter(type="fulfilment.dispatched")
    assert placed.json()["delivery_fee"] == "4.90"
    assert dispatched.payload["promised_by"] == "2026-12-01"
    shipment = Shipment.objects.get(order_reference=placed.json()["reference"])
    assert shipment.promised_by == date(2026, 12, 1)
    assert shipment.late_after == datetime(2026, 12, 1, 23, 0, tzinfo=UTC)  # midnight in Lyon


@pytest.mark.django_db
def test_a_click_and_collect_on_saturday_evening_is_promised_ready_on_monday_morning(
    client, monkeypatch
):
    _bellecour_open_monday_to_saturday(lead_minutes=60)
    _at(monkeypatch, SATURDAY_EVENING)
    client.force_login(make_shopper().user)
    placed = client.post(
        "/api/v1/orders", order_body(mode="click_and_collect"), content_type="application/json"
    )
    assert placed.status_code == 201, placed.json()
    deliver_events()

    # Half an hour of picking before Saturday's closing, the other half on Monday at opening.
    task = StoreTask.objects.get(order__reference=placed.json()["reference"])
    assert task.deadline == datetime(2026, 11, 30, 9, 30, tzinfo=UTC)  # 10:30 in Lyon
    assert task.promised_by == date(2026, 11, 30)


@pytest.mark.django_db
def test_a_store_without_known_hours_keeps_the_two_hour_set_aside_deadline(client, monkeypatch):
    make_location("lyon-bellecour", city="Lyon")
    make_jackets()
    stock("JACKET-TRAIL-S", make_location("lyon-bellecour", city="Lyon"), 1)
    _at(monkeypatch, SATURDAY_EVENING)
    client.force_login(make_shopper().user)
    client.post("/api/v1/orders", order_body(), content_type="application/json")
    deliver_events()

    task = StoreTask.objects.get()
    assert (task.deadline, task.promised_by) == (datetime(2026, 11, 28, 19, 30, tzinfo=UTC), None)


@pytest.mark.django_db
def test_a_ship_to_store_order_is_promised_ready_an_hour_after_the_carriers_day(
    client, monkeypatch
):
    _bellecour_open_monday_to_saturday()
    warehouse = make_location("entrepot-lyon", city="Lyon", kind="warehouse")
    stock("JACKET-TRAIL-M", warehouse, 2)
    _at(monkeypatch, FRIDAY_AFTER_CUT_OFF)  # 16:30 in Lyon: past the warehouse's 16:00
    client.force_login(make_shopper().user)
    placed = client.post(
        "/api/v1/orders",
        order_body(
            mode="ship_to_store",
            lines=[{"sku": "JACKET-TRAIL-M", "quantity": 1, "location": "entrepot-lyon"}],
        ),
        content_type="application/json",
    )
    assert placed.status_code == 201, placed.json()
    deliver_events()

    tasks = StoreTask.objects.filter(order__reference=placed.json()["reference"])
    ship, set_aside = tasks.get(kind="ship"), tasks.get(kind="set_aside")
    # Leaves on Monday, two carrier days: Wednesday; received at 10:00, set aside by 11:00.
    assert ship.promised_by == date(2026, 12, 2)
    assert (set_aside.deadline, set_aside.promised_by) == (
        datetime(2026, 12, 2, 10, 0, tzinfo=UTC),
        date(2026, 12, 2),
    )
