"""A parcel's incident: its quiet timers run on the carrier network's working time (a fixed
calendar: French public holidays, the carrier's week), and its alerts make one incident."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth import get_user_model

from comptoir.core.errors import ValidationFailed
from comptoir.core.models import OutboxEvent
from comptoir.locations.tests.factories import make_store
from comptoir.shipping.adapters.fake import FakeCarrier
from comptoir.shipping.domain.tracking import TrackingStatus
from comptoir.shipping.models import Shipment, ShipmentAlert
from comptoir.shipping.services.alerts import (
    assign_alert,
    check_shipments,
    next_check,
    resolve_alert,
)
from comptoir.shipping.services.carriers import set_network_calendar
from comptoir.shipping.services.tracking import take_in
from comptoir.shipping.tests.factories import a_scan, make_carriers, make_shipment

PARIS = ZoneInfo("Europe/Paris")
MONDAY = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)


def paris(day: str, hour: int, minute: int = 0) -> datetime:
    return datetime.fromisoformat(day).replace(hour=hour, minute=minute, tzinfo=PARIS)


def _scanned(shipment: Shipment, status: TrackingStatus, at: datetime, **extra) -> None:
    scans = [a_scan(shipment, status, at, **extra)]
    take_in(
        carrier=shipment.carrier,
        updates=FakeCarrier(carrier_code="x").parse_webhook({"events": scans}),
        now=at,
    )


def _incidents(shipment: Shipment) -> list[tuple[str, str, list[str]]]:
    return [
        (incident.kind, incident.status, [entry["kind"] for entry in incident.history])
        for incident in ShipmentAlert.objects.filter(shipment=shipment).order_by("pk")
    ]


def _parcel_scanned_at(scanned: datetime, *, promised_by: date) -> Shipment:
    make_carriers()
    shipment = make_shipment(
        make_store("lyon-part-dieu"), promised_by=promised_by, now=scanned - timedelta(hours=2)
    )
    _scanned(shipment, TrackingStatus.IN_TRANSIT, scanned, place="Lyon hub")
    return shipment


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("weekdays", "due"),
    [
        # Monday to Saturday: Friday 5 h, Saturday 24 h, Sunday rests, then 19 h of Monday.
        pytest.param(range(6), paris("2026-12-07", 19), id="monday_to_saturday_case"),
        # Monday to Friday: Friday 5 h, the weekend rests, Monday 24 h, then 19 h of Tuesday.
        pytest.param(range(5), paris("2026-12-08", 19), id="monday_to_friday_case"),
    ],
)
def test_a_parcel_scanned_on_friday_evening_is_not_still_over_the_weekend(settings, weekdays, due):
    settings.SHIPPING_NO_MOVEMENT_HOURS = 48
    friday_evening = paris("2026-12-04", 19)
    shipment = _parcel_scanned_at(friday_evening, promised_by=date(2026, 12, 18))
    set_network_calendar(carrier_code=shipment.carrier.code, weekdays=weekdays)

    # Wall-clock hours would have raised it on Sunday at 19:00.
    assert check_shipments(now=paris("2026-12-06", 20)) == 0
    assert next_check() == due  # the worker sleeps through the weekend
    assert check_shipments(now=due - timedelta(minutes=1)) == 0
    assert _incidents(shipment) == []

    assert check_shipments(now=due + timedelta(minutes=1)) == 1
    assert _incidents(shipment) == [("no_movement", "open", ["no_movement"])]


@pytest.mark.django_db
def test_christmas_friday_does_not_count_as_time_without_movement(settings):
    settings.SHIPPING_NO_MOVEMENT_HOURS = 48
    christmas_eve = paris("2026-12-24", 20)  # Thursday; Friday 25 December is a holiday
    shipment = _parcel_scanned_at(christmas_eve, promised_by=date(2026, 12, 31))
    # Thursday 4 h, Christmas rests, Saturday 24 h, Sunday rests, then 20 h of Monday.
    due = paris("2026-12-28", 20)

    assert check_shipments(now=paris("2026-12-26", 21)) == 0  # wall clock: Saturday 20:00
    assert check_shipments(now=due - timedelta(minutes=1)) == 0
    assert check_shipments(now=due + timedelta(minutes=1)) == 1
    assert _incidents(shipment) == [("no_movement", "open", ["no_movement"])]


@pytest.mark.django_db
def test_a_network_that_works_through_holidays_counts_christmas(settings):
    settings.SHIPPING_NO_MOVEMENT_HOURS = 48
    christmas_eve = paris("2026-12-24", 20)
    shipment = _parcel_scanned_at(christmas_eve, promised_by=date(2026, 12, 31))
    set_network_calendar(carrier_code=shipment.carrier.code, weekdays=range(6), holiday_country="")

    # Thursday 4 h, Friday 24 h, Saturday 20 h: Saturday 26 at 20:00.
    assert check_shipments(now=paris("2026-12-26", 20, 1)) == 1


@pytest.mark.django_db
def test_a_lost_parcel_is_one_incident_of_kind_lost_not_three_alerts(settings):
    settings.SHIPPING_NO_MOVEMENT_HOURS = 48
    settings.SHIPPING_LOST_AFTER_HOURS = 120
    shipment = _parcel_scanned_at(MONDAY, promised_by=date(2026, 3, 4))

    for hours in range(0, 24 * 9, 6):  # the worker's check, every six hours for nine days
        check_shipments(now=MONDAY + timedelta(hours=hours))
    # And the carrier says so too.
    _scanned(shipment, TrackingStatus.EXCEPTION, MONDAY + timedelta(days=9), reason="lost")

    assert _incidents(shipment) == [("lost", "open", ["no_movement", "late", "lost"])]
    opened = OutboxEvent.objects.filter(type="shipment.incident_opened")
    upgraded = OutboxEvent.objects.filter(type="shipment.incident_upgraded")
    assert [e.payload["kind"] for e in opened] == ["no_movement"]
    assert [(e.payload["previous_kind"], e.payload["kind"]) for e in upgraded] == [
        ("no_movement", "lost")
    ]
    # The event integrators had before incidents still says what needs attention.
    raised = OutboxEvent.objects.filter(type="shipment.alert_raised").order_by("pk")
    assert [e.payload["kind"] for e in raised] == ["no_movement", "lost"]


@pytest.mark.django_db
def test_upgrading_keeps_the_incident_and_who_took_it(settings):
    settings.SHIPPING_NO_MOVEMENT_HOURS = 24
    settings.SHIPPING_LOST_AFTER_HOURS = 72
    shipment = _parcel_scanned_at(MONDAY, promised_by=date(2026, 3, 20))
    check_shipments(now=MONDAY + timedelta(hours=25))
    incident = ShipmentAlert.objects.get(shipment=shipment)
    olivier = get_user_model().objects.create_user("olivier")
    assign_alert(alert_id=incident.pk, assignee_id=olivier.pk)

    check_shipments(now=MONDAY + timedelta(hours=73))

    upgraded = ShipmentAlert.objects.get(shipment=shipment)
    assert (upgraded.pk, upgraded.kind, upgraded.assignee_id) == (incident.pk, "lost", olivier.pk)
    assert upgraded.upgraded_at == MONDAY + timedelta(hours=73)


@pytest.mark.django_db
def test_a_scan_closes_a_quiet_incident_and_a_new_silence_opens_another(settings):
    settings.SHIPPING_NO_MOVEMENT_HOURS = 24
    shipment = _parcel_scanned_at(MONDAY, promised_by=date(2026, 3, 20))
    check_shipments(now=MONDAY + timedelta(hours=25))

    moved = MONDAY + timedelta(hours=30)
    _scanned(shipment, TrackingStatus.IN_TRANSIT, moved, place="Paris Nord")

    assert _incidents(shipment) == [("no_movement", "closed", ["no_movement"])]
    closed = OutboxEvent.objects.get(type="shipment.incident_closed")
    assert closed.payload["reason"] == "moved"
    assert next_check() == moved + timedelta(hours=24)  # re-armed from the new scan
    assert check_shipments(now=moved + timedelta(hours=23)) == 0
    assert check_shipments(now=moved + timedelta(hours=25)) == 1
    assert _incidents(shipment) == [
        ("no_movement", "closed", ["no_movement"]),
        ("no_movement", "open", ["no_movement"]),
    ]


@pytest.mark.django_db
def test_delivery_closes_the_incident(settings):
    settings.SHIPPING_NO_MOVEMENT_HOURS = 24
    shipment = _parcel_scanned_at(MONDAY, promised_by=date(2026, 3, 20))
    check_shipments(now=MONDAY + timedelta(hours=25))

    _scanned(shipment, TrackingStatus.DELIVERED, MONDAY + timedelta(hours=30))

    incident = ShipmentAlert.objects.get(shipment=shipment)
    assert (incident.status, incident.resolution) == ("closed", "delivered")
    assert check_shipments(now=MONDAY + timedelta(days=20)) == 0


@pytest.mark.django_db
def test_an_old_scan_resent_after_the_parcel_moved_on_opens_nothing():
    shipment = _parcel_scanned_at(MONDAY, promised_by=date(2026, 3, 20))
    attempt = a_scan(shipment, TrackingStatus.FAILED_ATTEMPT, MONDAY + timedelta(hours=5))
    again = a_scan(shipment, TrackingStatus.OUT_FOR_DELIVERY, MONDAY + timedelta(hours=24))
    updates = FakeCarrier(carrier_code="x").parse_webhook({"events": [attempt]})
    take_in(carrier=shipment.carrier, updates=updates, now=MONDAY + timedelta(hours=6))
    later = FakeCarrier(carrier_code="x").parse_webhook({"events": [again]})
    take_in(carrier=shipment.carrier, updates=later, now=MONDAY + timedelta(hours=25))

    take_in(carrier=shipment.carrier, updates=updates, now=MONDAY + timedelta(hours=26))

    assert _incidents(shipment) == [("failed_attempt", "closed", ["failed_attempt"])]


@pytest.mark.django_db
def test_an_incident_a_person_resolved_is_not_reopened_by_the_same_silence(settings):
    settings.SHIPPING_NO_MOVEMENT_HOURS = 24
    settings.SHIPPING_LOST_AFTER_HOURS = 72
    shipment = _parcel_scanned_at(MONDAY, promised_by=date(2026, 3, 20))
    check_shipments(now=MONDAY + timedelta(hours=25))
    incident = ShipmentAlert.objects.get(shipment=shipment)
    resolve_alert(alert_id=incident.pk, resolution="carrier asked to look for it")

    assert check_shipments(now=MONDAY + timedelta(hours=48)) == 0
    # A longer silence is news: the parcel is lost.
    assert check_shipments(now=MONDAY + timedelta(hours=73)) == 1
    assert _incidents(shipment) == [
        ("no_movement", "resolved", ["no_movement"]),
        ("lost", "open", ["lost"]),
    ]


@pytest.mark.django_db
def test_a_network_calendar_that_cannot_work_is_refused_field_by_field():
    colis, _ = make_carriers()

    with pytest.raises(ValidationFailed) as refused:
        set_network_calendar(
            carrier_code="colisexpress", weekdays=[], holiday_country="XX", timezone="Mars/Base"
        )

    assert [error["field"] for error in refused.value.errors] == [
        "weekdays",
        "holiday_country",
        "timezone",
    ]
    colis.refresh_from_db()
    assert (colis.working_weekdays, colis.holiday_country) == ([0, 1, 2, 3, 4, 5], "FR")
