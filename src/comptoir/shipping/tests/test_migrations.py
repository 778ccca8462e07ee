"""The migration that made a parcel's alerts one incident, run forward on alerts raised the
old way: once per kind, several open on one parcel."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from comptoir.locations.tests.factories import make_store
from comptoir.shipping.tests.factories import make_carriers, make_shipment

BEFORE_INCIDENTS = ("shipping", "0004_pickup_booked_parcels")
INCIDENTS = ("shipping", "0007_one_open_incident_per_shipment")
MONDAY = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)


def alert_model(executor: MigrationExecutor, state: tuple[str, str]):
    return executor.loader.project_state(state).apps.get_model("shipping", "ShipmentAlert")


def migrate(target: tuple[str, str] | None = None) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate([target] if target else executor.loader.graph.leaf_nodes())
    return executor


@pytest.fixture
def schema_put_back():
    yield
    migrate()


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("schema_put_back")
def test_a_parcels_open_alerts_merge_into_its_strongest_and_the_others_keep_their_own():
    make_carriers()
    shipment = make_shipment(make_store("lyon-part-dieu"), promised_by=date(2026, 3, 4), now=MONDAY)
    executor = migrate(BEFORE_INCIDENTS)
    old = executor.loader.project_state(BEFORE_INCIDENTS).apps.get_model(
        "shipping", "ShipmentAlert"
    )
    hour = timedelta(hours=1)
    late = old.objects.create(
        shipment_id=shipment.pk, kind="late", raised_at=MONDAY, status="resolved"
    )
    quiet = old.objects.create(
        shipment_id=shipment.pk, kind="no_movement", raised_at=MONDAY + hour, detail="no scan"
    )
    lost = old.objects.create(shipment_id=shipment.pk, kind="lost", raised_at=MONDAY + 2 * hour)

    executor = migrate(INCIDENTS)

    new = alert_model(executor, INCIDENTS)
    kept, merged = new.objects.get(pk=lost.pk), new.objects.get(pk=quiet.pk)
    resolved = new.objects.get(pk=late.pk)
    assert (kept.status, [e["kind"] for e in kept.history]) == ("open", ["no_movement", "lost"])
    assert kept.history[0]["detail"] == "no scan"
    assert (merged.status, merged.resolution) == ("closed", f"merged into incident {lost.pk}")
    assert (resolved.status, [e["kind"] for e in resolved.history]) == ("resolved", ["late"])
