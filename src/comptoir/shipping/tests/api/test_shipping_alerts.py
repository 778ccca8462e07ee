"""GET /api/v1/shipping/alerts, POST …/{id}/assignee and …/{id}/resolution — the ops queue."""

from datetime import UTC, date, datetime, timedelta

import pytest

from comptoir.accounts.tests.factories import make_staff
from comptoir.customers.tests.factories import make_shopper
from comptoir.locations.tests.factories import make_store
from comptoir.shipping.models import ShipmentAlert
from comptoir.shipping.services.alerts import check_shipments
from comptoir.shipping.tests.factories import make_carriers, make_shipment

pytestmark = pytest.mark.django_db
MONDAY = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)


def _quiet_parcels():
    make_carriers()
    lyon, paris = make_store("lyon-part-dieu"), make_store("paris-rivoli")
    make_shipment(lyon, promised_by=date(2026, 3, 20), now=MONDAY)
    make_shipment(paris, promised_by=date(2026, 3, 20), now=MONDAY, preferred_carrier="rapidpost")
    check_shipments(now=MONDAY + timedelta(days=3))
    return lyon, paris


def test_operations_lists_filters_assigns_and_resolves_alerts(client):
    _quiet_parcels()
    olivier = make_staff("operations")
    client.force_login(olivier)

    listed = client.get("/api/v1/shipping/alerts?kind=no_movement&carrier=rapidpost").json()
    assert [(a["kind"], a["carrier"], a["status"]) for a in listed["items"]] == [
        ("no_movement", "rapidpost", "open")
    ]
    alert_id = listed["items"][0]["id"]

    assigned = client.post(
        f"/api/v1/shipping/alerts/{alert_id}/assignee",
        {"assignee_id": olivier.pk},
        content_type="application/json",
    )
    assert assigned.json()["assignee_id"] == olivier.pk
    resolved = client.post(
        f"/api/v1/shipping/alerts/{alert_id}/resolution",
        {"resolution": "Rapid Post found it at Roissy"},
        content_type="application/json",
    )
    assert resolved.json()["status"] == "resolved"
    again = client.post(
        f"/api/v1/shipping/alerts/{alert_id}/resolution",
        {"resolution": "twice"},
        content_type="application/json",
    )
    assert again.status_code == 409
    open_ones = client.get("/api/v1/shipping/alerts?status=open").json()["items"]
    assert alert_id not in [a["id"] for a in open_ones]


def test_an_associate_sees_only_the_alerts_of_their_store_and_cannot_resolve(client):
    lyon, _ = _quiet_parcels()
    client.force_login(make_staff("associate", [lyon]))

    listed = client.get("/api/v1/shipping/alerts").json()["items"]

    assert {a["carrier"] for a in listed} == {"colisexpress"}
    alert = ShipmentAlert.objects.first()
    refused = client.post(
        f"/api/v1/shipping/alerts/{alert.pk}/resolution",
        {"resolution": "x"},
        content_type="application/json",
    )
    assert refused.status_code == 403
    alert.refresh_from_db()
    assert alert.status == "open"


def test_shoppers_and_strangers_do_not_see_the_queue(client):
    _quiet_parcels()
    assert client.get("/api/v1/shipping/alerts").status_code == 401
    client.force_login(make_shopper().user)
    assert client.get("/api/v1/shipping/alerts").status_code == 403


def test_an_unknown_kind_is_a_field_error(client):
    client.force_login(make_staff("operations"))
    response = client.get("/api/v1/shipping/alerts?kind=stolen")
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "query.kind"


def test_the_queue_lists_one_item_per_parcel_with_its_strongest_kind_and_history(client, settings):
    settings.SHIPPING_LOST_AFTER_HOURS = 120
    _quiet_parcels()
    check_shipments(now=MONDAY + timedelta(days=6))  # both parcels now lost too
    client.force_login(make_staff("operations"))

    items = client.get("/api/v1/shipping/alerts?status=open").json()["items"]

    assert [(a["kind"], [s["kind"] for s in a["history"]]) for a in items] == [
        ("lost", ["no_movement", "lost"]),
        ("lost", ["no_movement", "lost"]),
    ]
    assert {(a["order_id"], a["order_reference"]) for a in items} == {(1001, "WEB-1001")}
    assert all(a["upgraded_at"] == "2026-03-08T08:00:00Z" for a in items)
    assert client.get("/api/v1/shipping/alerts?status=closed").json()["items"] == []
    assert client.get("/api/v1/shipping/alerts?kind=sunk").status_code == 422
