"""Raises on the same parcels at the same moment, on separate connections: two scheduled
checks running at once, eight raises of different kinds on one parcel, a check while the
carrier delivers. Each parcel ends with at most one open incident, its strongest kind, each
kind once in its history, one "opened" event, and none once delivered; no deadlock."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.db.models import Count

from comptoir.core.models import OutboxEvent
from comptoir.locations.tests.factories import make_store
from comptoir.shipping.adapters.fake import FakeCarrier
from comptoir.shipping.domain.alerts import AlertKind
from comptoir.shipping.domain.tracking import TrackingStatus
from comptoir.shipping.models import Carrier, Shipment, ShipmentAlert
from comptoir.shipping.services.alerts import check_shipments
from comptoir.shipping.services.incidents import raise_alerts
from comptoir.shipping.services.tracking import take_in
from comptoir.shipping.tests.factories import a_scan, make_carriers, make_shipment
from tests.concurrency.racing import at_once

MONDAY = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)


def _history(incident: ShipmentAlert) -> list[str]:
    return [entry["kind"] for entry in incident.history]


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_checks_at_once_make_one_incident_per_parcel(settings):
    settings.SHIPPING_NO_MOVEMENT_HOURS = 24
    settings.SHIPPING_LOST_AFTER_HOURS = 72
    make_carriers()
    lyon = make_store("lyon-part-dieu")
    parcels = [make_shipment(lyon, promised_by=date(2026, 3, 20), now=MONDAY) for _ in range(20)]

    def sweep(_: int) -> str:
        try:
            return str(check_shipments(now=MONDAY + timedelta(hours=73)))
        except Exception as error:  # a racer's failure must show in the outcomes
            return f"failed: {error!r}"

    outcomes = at_once(2, sweep)

    assert not [o for o in outcomes if o.startswith("failed")], outcomes
    # Each parcel's two kinds were added once, by one sweep or the other.
    assert sum(int(o) for o in outcomes) == 2 * len(parcels)
    per_parcel = ShipmentAlert.objects.values("shipment_id").annotate(n=Count("pk"))
    assert sorted(row["n"] for row in per_parcel) == [1] * len(parcels)
    for incident in ShipmentAlert.objects.all():
        assert (incident.kind, incident.status) == ("lost", "open")
        assert _history(incident) == ["no_movement", "lost"]
    assert OutboxEvent.objects.filter(type="shipment.incident_opened").count() == len(parcels)


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    "expect_open",
    [
        pytest.param(True, id="look_first_case"),
        pytest.param(False, id="open_first_case"),
    ],
)
def test_eight_raises_on_one_parcel_at_once_make_one_incident_of_the_strongest_kind(expect_open):
    make_carriers()
    parcel = make_shipment(make_store("lyon-part-dieu"), promised_by=date(2026, 3, 20), now=MONDAY)
    kinds = [*AlertKind, AlertKind.LATE, AlertKind.LOST]  # eight, two of them twice

    def raise_one(number: int) -> str:
        shipment = Shipment.objects.select_related("carrier").get(pk=parcel.pk)
        try:
            change = raise_alerts(
                shipment, [kinds[number]], detail="race", now=MONDAY, expect_open=expect_open
            )
        except Exception as error:
            return f"failed: {error!r}"
        return "changed" if change else "nothing new"

    outcomes = at_once(len(kinds), raise_one)

    assert not [o for o in outcomes if o.startswith("failed")], outcomes
    assert sorted(outcomes).count("changed") == len(set(kinds))
    incident = ShipmentAlert.objects.get(shipment=parcel)
    assert (incident.kind, incident.status) == ("lost", "open")
    assert sorted(_history(incident)) == sorted(kind.value for kind in set(kinds))
    assert OutboxEvent.objects.filter(type="shipment.incident_opened").count() == 1


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_a_check_and_the_carrier_delivering_at_once_leave_no_delivered_parcel_with_an_incident(
    settings,
):
    settings.SHIPPING_NO_MOVEMENT_HOURS = 24
    settings.SHIPPING_LOST_AFTER_HOURS = 72
    make_carriers()
    lyon = make_store("lyon-part-dieu")
    parcels = [make_shipment(lyon, promised_by=date(2026, 3, 20), now=MONDAY) for _ in range(20)]
    delivered_at = MONDAY + timedelta(hours=72)
    updates = FakeCarrier(carrier_code="x").parse_webhook(
        {"events": [a_scan(p, TrackingStatus.DELIVERED, delivered_at) for p in reversed(parcels)]}
    )

    def race(number: int) -> str:
        try:
            if number == 0:
                check_shipments(now=MONDAY + timedelta(hours=73))
            else:
                take_in(carrier=Carrier.objects.get(code="colisexpress"), updates=updates)
        except Exception as error:  # a deadlock, a unique violation: the race failed
            return f"failed: {error!r}"
        return "done"

    outcomes = at_once(2, race)

    assert outcomes == ["done", "done"]
    assert Shipment.objects.filter(status="delivered").count() == len(parcels)
    assert not ShipmentAlert.objects.filter(status="open").exists()
