import random
import time
from datetime import UTC, date, datetime, timedelta

import pytest

from comptoir.core.models import OutboxEvent
from comptoir.locations.tests.factories import make_store
from comptoir.shipping.domain.tracking import TrackingStatus
from comptoir.shipping.models import Shipment, ShipmentAlert, TrackingEvent
from comptoir.shipping.services.alerts import check_shipments
from comptoir.shipping.tests.factories import a_scan, make_carriers, make_shipment, signed

# A Monday morning in Lyon; the parcel is promised to Paris by Wednesday.
MONDAY = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
WEDNESDAY = date(2026, 3, 4)
URL = "/api/v1/carriers/{}/tracking-events"


def _journey(shipment: Shipment) -> list[dict]:
    hour = timedelta(hours=1)
    return [
        a_scan(shipment, TrackingStatus.INFO_RECEIVED, MONDAY),
        a_scan(
            shipment,
            TrackingStatus.IN_TRANSIT,
            MONDAY + 3 * hour,
            place="Lyon hub",
            latitude=45.72,
            longitude=4.92,
        ),
        # Brest is 500 km off the Lyon-Paris road: misrouted.
        a_scan(
            shipment,
            TrackingStatus.IN_TRANSIT,
            MONDAY + 10 * hour,
            place="Brest",
            latitude=48.39,
            longitude=-4.49,
        ),
        a_scan(
            shipment,
            TrackingStatus.IN_TRANSIT,
            MONDAY + 20 * hour,
            place="Paris Nord",
            latitude=48.90,
            longitude=2.36,
        ),
        a_scan(shipment, TrackingStatus.OUT_FOR_DELIVERY, MONDAY + 24 * hour),
        a_scan(shipment, TrackingStatus.FAILED_ATTEMPT, MONDAY + 28 * hour, reason="absent"),
        a_scan(shipment, TrackingStatus.OUT_FOR_DELIVERY, MONDAY + 48 * hour),
        a_scan(shipment, TrackingStatus.DELIVERED, MONDAY + 50 * hour),
    ]


def _incidents(shipment: Shipment) -> list[tuple[str, str, list[str]]]:
    return [
        (incident.kind, incident.status, [entry["kind"] for entry in incident.history])
        for incident in ShipmentAlert.objects.filter(shipment=shipment).order_by("pk")
    ]


def _send(client, shipment: Shipment, scans: list[dict], batch: int) -> None:
    for start in range(0, len(scans), batch):  # in batches, as carriers send them
        response = client.post(
            URL.format(shipment.carrier.code),
            **signed(shipment.carrier, scans[start : start + batch], timestamp=int(time.time())),
        )
        assert response.status_code == 202, response.content


@pytest.mark.django_db
def test_each_problem_of_a_journey_opens_an_incident_the_next_movement_closes(client):
    make_carriers()
    shipment = make_shipment(make_store("lyon-part-dieu"), promised_by=WEDNESDAY, now=MONDAY)

    _send(client, shipment, _journey(shipment), batch=1)

    # Brest: misrouted, closed by the scan at Paris Nord; the failed attempt, closed when the
    # parcel went out for delivery again.
    assert _incidents(shipment) == [
        ("misrouted", "closed", ["misrouted"]),
        ("failed_attempt", "closed", ["failed_attempt"]),
    ]
    closed = OutboxEvent.objects.filter(type="shipment.incident_closed").order_by("pk")
    assert [event.payload["reason"] for event in closed] == ["moved", "moved"]


@pytest.mark.django_db
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_shuffled_and_repeated_events_give_the_right_status_and_leave_no_incident_open(
    client, seed
):
    colis, _ = make_carriers()
    shipment = make_shipment(make_store("lyon-part-dieu"), promised_by=WEDNESDAY, now=MONDAY)
    journey = _journey(shipment)
    delivered = journey + random.Random(seed).sample(journey, 5)  # five resent
    random.Random(seed).shuffle(delivered)

    _send(client, shipment, delivered, batch=3)

    shipment.refresh_from_db()
    assert shipment.status == "delivered"
    assert shipment.delivered_at == MONDAY + timedelta(hours=50)
    assert TrackingEvent.objects.filter(shipment=shipment).count() == len(journey)
    incidents = _incidents(shipment)
    # Which problems are still news depends on the order the scans came in; none is raised
    # twice, none is anything but the journey's own, and delivery closed the parcel's last.
    raised = [kind for _, _, history in incidents for kind in history]
    assert sorted(set(raised)) == sorted(raised)
    assert set(raised) <= {"misrouted", "failed_attempt"}
    assert all(status == "closed" for _, status, _ in incidents)
    assert OutboxEvent.objects.filter(type="shipment.delivered").count() == 1
    # Everything resent once more, after delivery: nothing new.
    _send(client, shipment, journey, batch=3)
    assert _incidents(shipment) == incidents
    # Delivered: the scheduled check raises nothing more, however long after.
    assert check_shipments(now=MONDAY + timedelta(days=30)) == 0
    assert colis.pk != 0


@pytest.mark.django_db
def test_a_webhook_with_a_wrong_signature_is_refused_and_stores_nothing(client):
    make_carriers()
    shipment = make_shipment(make_store("lyon-part-dieu"), promised_by=WEDNESDAY, now=MONDAY)
    request = signed(
        shipment.carrier,
        [a_scan(shipment, TrackingStatus.DELIVERED, MONDAY)],
        timestamp=int(time.time()),
    )
    request["headers"]["webhook-signature"] = "v1,bm90IHRoZSByaWdodCBvbmU="

    response = client.post(URL.format(shipment.carrier.code), **request)

    assert response.status_code == 401
    assert response.json()["code"] == "invalid-signature"
    assert not TrackingEvent.objects.exists()


@pytest.mark.django_db
def test_an_old_signed_webhook_is_refused_as_a_replay(client):
    make_carriers()
    shipment = make_shipment(make_store("lyon-part-dieu"), promised_by=WEDNESDAY, now=MONDAY)
    scans = [a_scan(shipment, TrackingStatus.DELIVERED, MONDAY)]

    response = client.post(
        URL.format(shipment.carrier.code),
        **signed(shipment.carrier, scans, timestamp=int(time.time()) - 3600),
    )

    assert response.status_code == 401


@pytest.mark.django_db
def test_events_for_unknown_parcels_are_counted_and_ignored(client):
    colis, _ = make_carriers()
    shipment = make_shipment(make_store("lyon-part-dieu"), promised_by=WEDNESDAY, now=MONDAY)
    scans = [a_scan(shipment, TrackingStatus.IN_TRANSIT, MONDAY)]
    stranger = dict(scans[0], id="x-1", tracking_number="NOT-OURS")

    response = client.post(
        URL.format(shipment.carrier.code),
        **signed(shipment.carrier, [*scans, stranger], timestamp=int(time.time())),
    )

    assert response.json() == {"accepted": 1, "unknown": 1}
    assert TrackingEvent.objects.count() == 1


@pytest.mark.django_db
def test_a_carrier_estimate_past_the_promise_raises_late_and_a_delay_before_the_promise_passes(
    client,
):
    make_carriers()
    shipment = make_shipment(make_store("lyon-part-dieu"), promised_by=WEDNESDAY, now=MONDAY)
    scans = [
        a_scan(
            shipment,
            TrackingStatus.EXCEPTION,
            MONDAY + timedelta(hours=5),
            reason="weather",
            estimated_delivery=date(2026, 3, 6),
        ),
    ]

    client.post(
        URL.format(shipment.carrier.code),
        **signed(shipment.carrier, scans, timestamp=int(time.time())),
    )
    client.post(
        URL.format(shipment.carrier.code),
        **signed(shipment.carrier, scans, timestamp=int(time.time())),
    )

    shipment.refresh_from_db()
    assert shipment.estimated_delivery == date(2026, 3, 6)
    assert list(ShipmentAlert.objects.values_list("kind", flat=True)) == ["late"]
    delayed = OutboxEvent.objects.get(type="shipment.delayed")
    assert delayed.payload["new_date"] == "2026-03-06"
    assert delayed.payload["order_reference"] == "WEB-1001"


@pytest.mark.django_db
def test_polling_the_carrier_takes_in_the_same_events_once(client):
    from comptoir.shipping.adapters.fake import FakeCarrier
    from comptoir.shipping.services.tracking import poll_shipment

    make_carriers()
    shipment = make_shipment(make_store("lyon-part-dieu"), promised_by=WEDNESDAY, now=MONDAY)
    journey = _journey(shipment)[:4]
    FakeCarrier.record_scans(journey)

    client.post(
        URL.format(shipment.carrier.code),
        **signed(shipment.carrier, journey[:2], timestamp=int(time.time())),
    )
    received = poll_shipment(shipment_id=shipment.pk, now=MONDAY + timedelta(days=1))

    assert received.accepted == 4
    assert TrackingEvent.objects.filter(shipment=shipment).count() == 4
    shipment.refresh_from_db()
    assert shipment.status == "in_transit"
    assert shipment.last_scan_at == MONDAY + timedelta(hours=20)


def _count_queries(client, parcels):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    scans = []
    for parcel in parcels:
        scans += [
            a_scan(parcel, TrackingStatus.IN_TRANSIT, MONDAY + timedelta(hours=2)),
            a_scan(parcel, TrackingStatus.OUT_FOR_DELIVERY, MONDAY + timedelta(hours=20)),
        ]
    request = signed(parcels[0].carrier, scans, timestamp=int(time.time()))
    with CaptureQueriesContext(connection) as queries:
        assert client.post(URL.format(parcels[0].carrier.code), **request).status_code == 202
    return len(queries)


@pytest.mark.django_db
def test_a_batch_costs_the_same_number_of_statements_for_three_parcels_or_thirty(client):
    make_carriers()
    lyon = make_store("lyon-part-dieu")
    few = [make_shipment(lyon, promised_by=WEDNESDAY, now=MONDAY) for _ in range(3)]
    many = [make_shipment(lyon, promised_by=WEDNESDAY, now=MONDAY) for _ in range(30)]

    assert _count_queries(client, few) == _count_queries(client, many)


@pytest.mark.django_db(transaction=True)
def test_the_fake_carrier_pushes_late_and_repeated_batches_over_http(live_server):
    from comptoir.shipping.adapters.fake import FakeCarrier

    make_carriers()
    shipment = make_shipment(make_store("lyon-part-dieu"), promised_by=WEDNESDAY, now=MONDAY)
    journey = _journey(shipment)

    statuses = FakeCarrier.push(
        f"{live_server.url}{URL.format(shipment.carrier.code)}",
        shipment.carrier.webhook_secret,
        journey,
        batch_size=2,
        delay_seconds=0.01,
        duplicate_share=0.5,
        out_of_order_share=0.5,
        seed=4,
    )

    assert set(statuses) == {202}
    shipment.refresh_from_db()
    assert shipment.status == "delivered"
    assert TrackingEvent.objects.filter(shipment=shipment).count() == len(journey)
