"""Claire orders online; her parcel leaves the Lyon store, is held up, then delivered. She
hears of each step by email in English, before she has to ask, and the store can see it."""

import time
from datetime import timedelta

import pytest
from django.db import transaction

from comptoir.accounts.tests.factories import make_staff
from comptoir.core import clock
from comptoir.core.outbox import record_event, run_due_work
from comptoir.customers.selectors import timeline_of
from comptoir.customers.services import record_consent, register_shopper
from comptoir.locations.tests.factories import make_store
from comptoir.notifications.tests.inbox import smtp_server
from comptoir.shipping.domain.tracking import TrackingStatus
from comptoir.shipping.models import Shipment
from comptoir.shipping.tests.factories import a_scan, make_carriers, signed
from comptoir.wiring import ROUTES

pytestmark = pytest.mark.django_db(transaction=True)


def _deliver_all():
    while run_due_work(ROUTES, worker="journey").attempted:
        pass


def _webhook(client, shipment, *scans):
    response = client.post(
        f"/api/v1/carriers/{shipment.carrier.code}/tracking-events",
        **signed(shipment.carrier, list(scans), timestamp=int(time.time())),
    )
    assert response.status_code == 202


def test_claire_hears_of_every_step_and_the_store_sees_her_parcel(client, settings):
    make_carriers()
    lyon = make_store("lyon-part-dieu")
    claire = register_shopper(
        email="claire@example.com",
        password="comptoir-test",
        first_name="Claire",
        last_name="Dubois",
        language="en",
    )
    record_consent(
        customer_id=claire.pk,
        purpose="order_updates_email",
        granted=True,
        channel="web",
        method="checkbox",
    )
    now = clock.now()
    promised = (now + timedelta(days=4)).date()

    with smtp_server(settings) as inbox:
        with transaction.atomic():
            record_event(
                "fulfilment.dispatched",
                aggregate="order:501",
                payload={
                    "order_id": 501,
                    "order_reference": "WEB-501",
                    "customer_id": claire.pk,
                    "from_location_id": lyon.pk,
                    "promised_by": promised.isoformat(),
                    "destination": {
                        "kind": "home",
                        "location_id": None,
                        "name": "Claire Dubois",
                        "line1": "3 quai de la Tournelle",
                        "postcode": "75005",
                        "city": "Paris",
                        "country": "FR",
                        "lat": 48.85,
                        "lon": 2.355,
                    },
                    "lines": [{"sku": "RETRO-CLOCK", "quantity": 1}],
                },
            )
        _deliver_all()
        shipment = Shipment.objects.get(order_id=501)
        _webhook(
            client,
            shipment,
            a_scan(shipment, TrackingStatus.IN_TRANSIT, now + timedelta(hours=1)),
            a_scan(
                shipment,
                TrackingStatus.EXCEPTION,
                now + timedelta(hours=2),
                reason="hub closed",
                estimated_delivery=promised + timedelta(days=1),
            ),
        )
        _deliver_all()
        _webhook(
            client,
            shipment,
            a_scan(shipment, TrackingStatus.DELIVERED, now + timedelta(hours=30)),
            a_scan(shipment, TrackingStatus.OUT_FOR_DELIVERY, now + timedelta(hours=26)),
        )
        _deliver_all()

    subjects = [m.message["Subject"] for m in inbox.to("claire@example.com")]
    assert subjects == [
        "Your order WEB-501 is on its way",
        "Your parcel WEB-501 is running late",
        "Your parcel WEB-501 was delivered",  # "out for delivery" came with it: not sent late
    ]
    kinds = set(timeline_of(customer_id=claire.pk).values_list("kind", flat=True))
    assert {"message.shipped", "message.delayed", "message.delivered"} <= kinds

    client.force_login(make_staff("associate", [lyon]))
    outbound = client.get("/api/v1/stores/lyon-part-dieu/parcels").json()["outbound"]
    assert [(p["order_reference"], p["status"]) for p in outbound] == [("WEB-501", "delivered")]
