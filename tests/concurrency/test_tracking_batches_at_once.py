"""Eight carrier webhook calls at the same moment, on eight connections, each a shuffled batch
holding the same parcels' scans, repeated: every scan stored once, the right final status,
each alert raised once, and no deadlock."""

import random
import threading
import time
from datetime import UTC, date, datetime, timedelta

import pytest
from django.db import connection
from django.test import Client

from comptoir.core.models import OutboxEvent
from comptoir.locations.tests.factories import make_store
from comptoir.shipping.domain.tracking import TrackingStatus
from comptoir.shipping.models import ShipmentAlert, TrackingEvent
from comptoir.shipping.tests.factories import a_scan, make_carriers, make_shipment, signed

CALLS = 8
MONDAY = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_batches_for_the_same_parcels_at_once_store_each_scan_once_and_agree():
    make_carriers()
    lyon = make_store("lyon-part-dieu")
    parcels = [make_shipment(lyon, promised_by=date(2026, 3, 6), now=MONDAY) for _ in range(10)]
    scans = []
    for parcel in parcels:
        scans += [
            a_scan(parcel, TrackingStatus.IN_TRANSIT, MONDAY + timedelta(hours=2)),
            a_scan(parcel, TrackingStatus.FAILED_ATTEMPT, MONDAY + timedelta(hours=20)),
            a_scan(parcel, TrackingStatus.DELIVERED, MONDAY + timedelta(hours=30)),
        ]
    carrier = parcels[0].carrier
    start = threading.Barrier(CALLS)
    statuses: list[int] = []
    failures: list[BaseException] = []
    lock = threading.Lock()

    def call(seed: int) -> None:
        batch = random.Random(seed).sample(scans, len(scans))
        try:
            request = signed(carrier, batch, timestamp=int(time.time()))
            start.wait()
            response = Client().post(f"/api/v1/carriers/{carrier.code}/tracking-events", **request)
            with lock:
                statuses.append(response.status_code)
        except BaseException as error:  # a thread's failure must fail the test, not vanish
            with lock:
                failures.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=call, args=(seed,)) for seed in range(CALLS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert failures == []
    assert statuses == [202] * CALLS
    assert TrackingEvent.objects.count() == len(scans)
    for parcel in parcels:
        parcel.refresh_from_db()
        assert parcel.status == "delivered"
    assert ShipmentAlert.objects.filter(kind="failed_attempt").count() == len(parcels)
    assert OutboxEvent.objects.filter(type="shipment.delivered").count() == len(parcels)
