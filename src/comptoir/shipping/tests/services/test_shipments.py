from datetime import UTC, date, datetime, timedelta

import pytest
from django.db import transaction

from comptoir.core.models import OutboxEvent
from comptoir.core.outbox import record_event, run_due_work
from comptoir.locations.tests.factories import make_store
from comptoir.shipping.adapters.fake import STATE, FakeCarrier
from comptoir.shipping.domain.tracking import TrackingStatus
from comptoir.shipping.errors import CarrierSwitchRefused
from comptoir.shipping.models import CarrierPickup, CarrierService, Shipment
from comptoir.shipping.services.shipments import book_pickups, switch_carrier
from comptoir.shipping.services.tracking import take_in
from comptoir.shipping.tests.factories import a_scan, make_carriers, make_shipment
from comptoir.wiring import ROUTES

MONDAY = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)


def _dispatched(store, *, order_id=42):
    return {
        "order_id": order_id,
        "order_reference": f"WEB-{order_id}",
        "customer_id": None,
        "from_location_id": store.pk,
        "promised_by": "2026-03-06",
        "destination": {
            "kind": "home",
            "location_id": None,
            "name": "Jean Martin",
            "line1": "12 rue de Rivoli",
            "postcode": "75004",
            "city": "Paris",
            "country": "FR",
            "lat": 48.8559,
            "lon": 2.3601,
        },
        "lines": [{"sku": "RETRO-CLOCK", "quantity": 1}],
    }


@pytest.mark.django_db
def test_a_dispatched_fulfilment_becomes_one_shipment_however_often_it_is_delivered():
    make_carriers()
    store = make_store("lyon-part-dieu")
    with transaction.atomic():
        event = record_event(
            "fulfilment.dispatched", aggregate="order:42", payload=_dispatched(store)
        )

    run_due_work(ROUTES, worker="test")
    from comptoir.core.models import Delivery
    from comptoir.core.outbox import replay

    replay(Delivery.objects.get(event=event).pk)
    run_due_work(ROUTES, worker="test")

    shipment = Shipment.objects.get()
    assert (shipment.order_id, shipment.order_reference) == (42, "WEB-42")
    assert shipment.promised_by == date(2026, 3, 6)
    assert shipment.dispatch_event_id == event.event_id
    assert OutboxEvent.objects.filter(type="shipment.created").count() == 1


@pytest.mark.django_db
def test_ship_from_store_parcels_share_one_carrier_pickup_per_store_and_day():
    make_carriers()
    lyon, paris = make_store("lyon-part-dieu"), make_store("paris-rivoli")
    # Colis Express collects from stores on Monday, Wednesday and Friday only.
    tuesday = MONDAY + timedelta(days=1)
    parcels = [make_shipment(lyon, promised_by=date(2026, 3, 9), now=tuesday) for _ in range(3)]
    make_shipment(paris, promised_by=date(2026, 3, 9), now=tuesday)

    pickups = CarrierPickup.objects.order_by("location__code")
    assert [(p.location.code, p.day, p.shipments.count()) for p in pickups] == [
        ("lyon-part-dieu", date(2026, 3, 4), 3),
        ("paris-rivoli", date(2026, 3, 4), 1),
    ]
    STATE.reset()
    assert book_pickups(day=date(2026, 3, 4)) == 2
    assert book_pickups(day=date(2026, 3, 4)) == 0  # booked once
    assert sorted(STATE.pickups) == [
        ("lyon-part-dieu", date(2026, 3, 4), 3),
        ("paris-rivoli", date(2026, 3, 4), 1),
    ]
    assert parcels[0].carrier.code == "colisexpress"


@pytest.mark.django_db
def test_switching_carrier_cancels_the_first_label_and_makes_a_new_one():
    make_carriers()
    shipment = make_shipment(make_store("lyon-part-dieu"), promised_by=date(2026, 3, 9), now=MONDAY)
    first_number = shipment.tracking_number
    express = CarrierService.objects.get(carrier__code="rapidpost")

    switched = switch_carrier(shipment_id=shipment.pk, service_id=express.pk, now=MONDAY)

    assert switched.carrier.code == "rapidpost"
    assert switched.tracking_number != first_number
    assert first_number in STATE.cancelled
    assert OutboxEvent.objects.filter(type="shipment.carrier_switched").count() == 1


@pytest.mark.django_db
def test_a_parcel_the_carrier_already_moved_cannot_be_switched():
    make_carriers()
    shipment = make_shipment(make_store("lyon-part-dieu"), promised_by=date(2026, 3, 9), now=MONDAY)
    scans = [a_scan(shipment, TrackingStatus.IN_TRANSIT, MONDAY + timedelta(hours=2))]
    take_in(
        carrier=shipment.carrier,
        updates=FakeCarrier(carrier_code="x").parse_webhook({"events": scans}),
    )
    express = CarrierService.objects.get(carrier__code="rapidpost")

    with pytest.raises(CarrierSwitchRefused):
        switch_carrier(shipment_id=shipment.pk, service_id=express.pk)


@pytest.mark.django_db
def test_a_parcel_joining_a_booked_pickup_updates_the_count_the_carrier_was_given():
    make_carriers()
    lyon = make_store("lyon-part-dieu")
    tuesday = MONDAY + timedelta(days=1)
    first = make_shipment(lyon, promised_by=date(2026, 3, 9), now=tuesday)
    make_shipment(lyon, promised_by=date(2026, 3, 9), now=tuesday)
    STATE.reset()
    assert book_pickups(day=date(2026, 3, 4)) == 1
    pickup = CarrierPickup.objects.get()
    assert pickup.booked_parcels == 2

    make_shipment(lyon, promised_by=date(2026, 3, 9), now=tuesday)  # joins Wednesday's pickup
    switch_carrier(
        shipment_id=first.pk,
        service_id=CarrierService.objects.get(carrier__code="rapidpost").pk,
        now=tuesday,
    )

    pickup.refresh_from_db()
    assert (pickup.status, pickup.shipments.count(), pickup.booked_parcels) == ("booked", 2, 2)
    assert STATE.pickup_updates == [
        (pickup.confirmation, 3),  # the third parcel joined
        (pickup.confirmation, 2),  # the first left with another carrier
    ]
