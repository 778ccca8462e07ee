from datetime import UTC, date, datetime, timedelta

import pytest

from comptoir.core.models import OutboxEvent
from comptoir.locations.tests.factories import make_store
from comptoir.shipping.adapters.fake import FakeCarrier
from comptoir.shipping.domain.tracking import TrackingStatus
from comptoir.shipping.models import ShipmentAlert
from comptoir.shipping.services.alerts import check_shipments, next_check, resolve_alert
from comptoir.shipping.services.tracking import take_in
from comptoir.shipping.tests.factories import a_scan, make_carriers, make_shipment

MONDAY = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
FRIDAY = date(2026, 3, 6)


def _kinds(shipment):
    """Every kind raised on the parcel, in any of its incidents."""
    return sorted(
        entry["kind"]
        for history in ShipmentAlert.objects.filter(shipment=shipment).values_list(
            "history", flat=True
        )
        for entry in history
    )


@pytest.mark.django_db
def test_a_parcel_never_scanned_raises_no_movement_after_the_configured_time(settings):
    settings.SHIPPING_NO_MOVEMENT_HOURS = 36
    make_carriers()
    shipment = make_shipment(make_store("lyon-part-dieu"), promised_by=FRIDAY, now=MONDAY)

    assert check_shipments(now=MONDAY + timedelta(hours=35)) == 0
    assert check_shipments(now=MONDAY + timedelta(hours=37)) == 1
    assert check_shipments(now=MONDAY + timedelta(hours=38)) == 0

    assert _kinds(shipment) == ["no_movement"]


@pytest.mark.django_db
def test_a_scan_moves_the_no_movement_deadline_on(settings):
    settings.SHIPPING_NO_MOVEMENT_HOURS = 24
    make_carriers()
    shipment = make_shipment(make_store("lyon-part-dieu"), promised_by=FRIDAY, now=MONDAY)
    scans = [a_scan(shipment, TrackingStatus.IN_TRANSIT, MONDAY + timedelta(hours=20))]
    take_in(
        carrier=shipment.carrier,
        updates=FakeCarrier(carrier_code="x").parse_webhook({"events": scans}),
    )

    assert check_shipments(now=MONDAY + timedelta(hours=30)) == 0
    assert next_check() == MONDAY + timedelta(hours=44)
    assert check_shipments(now=MONDAY + timedelta(hours=45)) == 1


@pytest.mark.django_db
def test_a_parcel_quiet_for_the_lost_time_is_declared_lost_once(settings):
    settings.SHIPPING_NO_MOVEMENT_HOURS = 24
    settings.SHIPPING_LOST_AFTER_HOURS = 72
    make_carriers()
    shipment = make_shipment(
        make_store("lyon-part-dieu"), promised_by=date(2026, 3, 20), now=MONDAY
    )

    check_shipments(now=MONDAY + timedelta(hours=73))
    check_shipments(now=MONDAY + timedelta(hours=80))

    incident = ShipmentAlert.objects.get(shipment=shipment)
    assert incident.kind == "lost"
    assert [entry["kind"] for entry in incident.history] == ["no_movement", "lost"]


@pytest.mark.django_db
def test_a_parcel_not_delivered_by_the_end_of_the_promised_day_is_late_with_a_new_date():
    make_carriers()
    shipment = make_shipment(make_store("lyon-part-dieu"), promised_by=date(2026, 3, 4), now=MONDAY)
    # The promise holds until midnight in Paris (23:00 UTC in winter).
    check_shipments(now=datetime(2026, 3, 4, 22, 59, tzinfo=UTC))
    assert "late" not in _kinds(shipment)

    check_shipments(now=datetime(2026, 3, 4, 23, 1, tzinfo=UTC))
    check_shipments(now=datetime(2026, 3, 4, 23, 30, tzinfo=UTC))

    assert "late" in _kinds(shipment)
    assert _kinds(shipment).count("late") == 1
    # Silent since Monday: "no movement" came first; "late" is weaker and joins it.
    incident = ShipmentAlert.objects.get(shipment=shipment)
    assert incident.kind == "no_movement"
    delayed = OutboxEvent.objects.filter(type="shipment.delayed")
    assert [e.payload["new_date"] for e in delayed] == ["2026-03-05"]


@pytest.mark.django_db
def test_a_delivered_parcel_raises_nothing_from_the_scheduled_check():
    make_carriers()
    shipment = make_shipment(make_store("lyon-part-dieu"), promised_by=date(2026, 3, 4), now=MONDAY)
    scans = [a_scan(shipment, TrackingStatus.DELIVERED, MONDAY + timedelta(hours=30))]
    take_in(
        carrier=shipment.carrier,
        updates=FakeCarrier(carrier_code="x").parse_webhook({"events": scans}),
    )

    assert check_shipments(now=MONDAY + timedelta(days=20)) == 0
    assert next_check() is None


@pytest.mark.django_db
def test_resolving_an_alert_twice_is_refused():
    make_carriers()
    shipment = make_shipment(make_store("lyon-part-dieu"), promised_by=FRIDAY, now=MONDAY)
    check_shipments(now=MONDAY + timedelta(days=3))
    alert = ShipmentAlert.objects.get(shipment=shipment, kind="no_movement")

    resolved = resolve_alert(alert_id=alert.pk, resolution="carrier called: parcel found")

    assert resolved.status == "resolved"
    with pytest.raises(Exception, match="already resolved"):
        resolve_alert(alert_id=alert.pk, resolution="again")
