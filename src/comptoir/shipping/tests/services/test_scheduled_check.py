"""The worker's scheduled check finds what no carrier event will say."""

from datetime import timedelta

import pytest

from comptoir.core import clock
from comptoir.locations.tests.factories import make_store
from comptoir.shipping.models import ShipmentAlert
from comptoir.shipping.tests.factories import make_carriers, make_shipment
from comptoir.worker.tasks import check_shipments_every_minute


@pytest.mark.django_db
def test_a_parcel_with_no_scan_for_the_configured_time_raises_no_movement_on_its_own(settings):
    settings.SHIPPING_NO_MOVEMENT_HOURS = 24
    make_carriers()
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
