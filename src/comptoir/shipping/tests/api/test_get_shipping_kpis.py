"""GET /api/v1/shipping/kpis — on-time rate, delays, exceptions; what cannot be measured is null."""

import time
from datetime import UTC, date, datetime, timedelta

import pytest

from comptoir.accounts.tests.factories import make_staff
from comptoir.core import clock
from comptoir.customers.tests.factories import make_shopper
from comptoir.fulfilment.models import StoreTask
from comptoir.fulfilment.services import hand_over, mark_ready
from comptoir.locations.tests.factories import make_store
from comptoir.orders.models import Order
from comptoir.orders.tests.factories import (
    deliver_events,
    make_jackets,
    make_location,
    order_body,
    stock,
)
from comptoir.shipping.domain.tracking import TrackingStatus
from comptoir.shipping.tests.factories import a_scan, make_carriers, make_shipment, signed

pytestmark = pytest.mark.django_db
MONDAY = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)


def test_kpis_count_on_time_and_late_deliveries_and_exceptions(client):
    make_carriers()
    lyon = make_store("lyon-part-dieu")
    on_time = make_shipment(lyon, promised_by=date(2026, 3, 4), now=MONDAY)
    late = make_shipment(lyon, promised_by=date(2026, 3, 4), now=MONDAY)
    for shipment, at in ((on_time, MONDAY + timedelta(days=1)), (late, MONDAY + timedelta(days=4))):
        scans = [
            a_scan(shipment, TrackingStatus.FAILED_ATTEMPT, at - timedelta(hours=3)),
            a_scan(shipment, TrackingStatus.DELIVERED, at),
        ]
        client.post(
            f"/api/v1/carriers/{shipment.carrier.code}/tracking-events",
            **signed(shipment.carrier, scans, timestamp=int(time.time())),
        )
    client.force_login(make_staff("operations"))

    # Alerts count by when they were raised: now, as the webhooks came in now.
    kpis = client.get("/api/v1/shipping/kpis", {"since": "2026-03-01T00:00:00Z"}).json()

    assert (kpis["delivered"], kpis["on_time_rate"]) == (2, 0.5)
    # Delivered Friday 08:00 UTC, promised until Wednesday midnight in Paris: 33 hours late.
    assert kpis["mean_delay_days"] == pytest.approx(33 / 24, abs=0.01)
    assert kpis["exceptions_by_kind"] == [{"key": "failed_attempt", "count": 2}]
    assert kpis["where_is_my_order_contact_share"] is None
    assert kpis["notes"]


def test_a_date_out_of_range_is_a_field_error_not_a_crash(client):
    client.force_login(make_staff("operations"))

    response = client.get("/api/v1/shipping/kpis", {"until": "0001-01-01T00:00:00Z"})

    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "query.until"


def test_pickup_time_in_store_runs_from_ready_to_handed_over(client):
    store = make_location("lyon-bellecour", city="Lyon")
    make_jackets()
    stock("JACKET-TRAIL-S", store, 2)
    client.force_login(make_shopper().user)
    for _ in range(2):
        placed = client.post("/api/v1/orders", order_body(), content_type="application/json")
        assert placed.status_code == 201, placed.json()
    deliver_events()
    ready_at = clock.now()
    for task, hours in zip(StoreTask.objects.order_by("id"), (3, 5), strict=True):
        mark_ready(task_id=task.pk, now=ready_at)
        code = Order.objects.get(pk=task.order_id).pickup_code
        hand_over(task_id=task.pk, pickup_code=code, now=ready_at + timedelta(hours=hours))
    client.force_login(make_staff("operations"))

    window = {"since": (ready_at - timedelta(days=1)).isoformat()}
    kpis = client.get(
        "/api/v1/shipping/kpis", {**window, "until": (ready_at + timedelta(days=1)).isoformat()}
    ).json()
    empty = client.get(
        "/api/v1/shipping/kpis", {**window, "until": (ready_at + timedelta(hours=4)).isoformat()}
    ).json()

    assert kpis["pickup_time_in_store_hours"] == 4.0
    assert empty["pickup_time_in_store_hours"] == 3.0  # the second was collected after "until"
