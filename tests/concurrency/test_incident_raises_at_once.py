"""Raises on the same parcels at the same moment, on separate connections: two scheduled
checks running at once, and eight raises of different kinds on one parcel. Each parcel ends
with exactly one open incident, its strongest kind, each kind once in its history, and one
"opened" event."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.db.models import Count

from comptoir.core.models import OutboxEvent
from comptoir.locations.tests.factories import make_store
from comptoir.shipping.domain.alerts import AlertKind
from comptoir.shipping.models import Shipment, ShipmentAlert
from comptoir.shipping.services.alerts import check_shipments, raise_alerts
from comptoir.shipping.tests.factories import make_carriers, make_shipment
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
def test_eight_raises_on_one_parcel_at_once_make_one_incident_of_the_strongest_kind():
    make_carriers()
    parcel = make_shipment(make_store("lyon-part-dieu"), promised_by=date(2026, 3, 20), now=MONDAY)
    kinds = [*AlertKind, AlertKind.LATE, AlertKind.LOST]  # eight, two of them twice

    def raise_one(number: int) -> str:
        shipment = Shipment.objects.select_related("carrier").get(pk=parcel.pk)
        try:
            change = raise_alerts(shipment, [kinds[number]], detail="race", now=MONDAY)
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
