"""The worker's scheduled check finds what no carrier event will say."""

from datetime import timedelta

import pytest

from comptoir.core import clock
from comptoir.locations.tests.factories import make_store
from comptoir.shipping.models import Carrier, ShipmentAlert
from comptoir.shipping.tests.factories import make_carriers, make_shipment
from comptoir.worker.tasks import check_shipments_every_minute


@pytest.mark.django_db
def test_a_parcel_with_no_scan_for_the_configured_time_raises_no_movement_on_its_own(settings):
    settings.SHIPPING_NO_MOVEMENT_HOURS = 24
    make_carriers()
    # The real clock: a network that never rests, so that the day the test runs on is no matter.
    Carrier.objects.update(working_weekdays=list(range(7)), holiday_country="")
    now = clock.now()
    promised = (now + timedelta(days=10)).date()
    quiet = make_shipment(
        make_store("lyon-part-dieu"), promised_by=promised, now=now - timedelta(hours=25)
    )
    recent = make_shipment(
        make_store("paris-rivoli"), promised_by=promised, now=now - timedelta(hours=2)
    )

    check_shipments_every_minute.call_local()  # no webhook, no poll: only the clock moved
    check_shipments_every_minute.call_local()

    alerts = list(ShipmentAlert.objects.values_list("shipment_id", "kind"))
    assert alerts == [(quiet.pk, "no_movement")]
    assert recent.pk not in [shipment_id for shipment_id, _ in alerts]


@pytest.mark.django_db
def test_the_worker_asks_a_carrier_without_webhooks_for_its_scans():
    from comptoir.shipping.adapters.fake import FakeCarrier
    from comptoir.shipping.domain.tracking import TrackingStatus
    from comptoir.shipping.models import Carrier, TrackingEvent
    from comptoir.shipping.tests.factories import a_scan
    from comptoir.worker.tasks import poll_carrier_tracking

    make_carriers()
    Carrier.objects.filter(code="colisexpress").update(polls_tracking=True)
    now = clock.now()
    shipment = make_shipment(
        make_store("lyon-part-dieu"),
        promised_by=(now + timedelta(days=10)).date(),
        now=now - timedelta(hours=1),
    )
    FakeCarrier.record_scans(
        [a_scan(shipment, TrackingStatus.IN_TRANSIT, now - timedelta(minutes=40))]
    )

    poll_carrier_tracking.call_local()

    shipment.refresh_from_db()
    assert shipment.status == "in_transit"
    assert TrackingEvent.objects.filter(shipment=shipment).count() == 1


@pytest.mark.django_db
def test_polling_takes_turns_so_no_parcel_waits_behind_the_others():
    from comptoir.shipping.models import Carrier
    from comptoir.shipping.services.tracking import poll_quiet_shipments

    make_carriers()
    Carrier.objects.update(polls_tracking=True)
    now = clock.now()
    lyon = make_store("lyon-part-dieu")
    promised = (now + timedelta(days=10)).date()
    for _ in range(3):
        make_shipment(lyon, promised_by=promised, now=now - timedelta(hours=2))
    quiet = timedelta(minutes=30)

    assert poll_quiet_shipments(quiet_for=quiet, now=now) == 3
    assert poll_quiet_shipments(quiet_for=quiet, now=now + timedelta(minutes=10)) == 0
    assert poll_quiet_shipments(quiet_for=quiet, now=now + timedelta(minutes=31)) == 3
