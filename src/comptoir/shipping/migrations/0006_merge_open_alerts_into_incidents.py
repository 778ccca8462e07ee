"""A parcel's alerts become one incident: each alert's history starts with itself, and where a
parcel has several open alerts the strongest keeps them all in its history and the others
close as merged. The next migration then allows one open incident per parcel (apart: on
PostgreSQL an index cannot be built in the transaction that updated its table's rows)."""

from django.db import migrations

# domain.alerts.SEVERITY at the time of writing, weakest first (frozen here on purpose).
SEVERITY = ["late", "failed_attempt", "misrouted", "no_movement", "returned_to_sender", "lost"]


def _entry(alert):
    return {"kind": alert.kind, "at": alert.raised_at.isoformat(), "detail": alert.detail}


def merge_open_alerts(apps, schema_editor):
    ShipmentAlert = apps.get_model("shipping", "ShipmentAlert")
    by_shipment = {}
    for alert in ShipmentAlert.objects.order_by("raised_at", "pk").iterator():
        alert.history = [_entry(alert)]
        alert.save(update_fields=["history"])
        if alert.status == "open":
            by_shipment.setdefault(alert.shipment_id, []).append(alert)
    for alerts in by_shipment.values():
        if len(alerts) < 2:
            continue
        keeper = max(alerts, key=lambda a: SEVERITY.index(a.kind))
        keeper.history = [_entry(a) for a in alerts]
        keeper.save(update_fields=["history"])
        for alert in alerts:
            if alert.pk != keeper.pk:
                alert.status = "closed"
                alert.resolution = f"merged into incident {keeper.pk}"
                alert.resolved_at = keeper.raised_at
                alert.save(update_fields=["status", "resolution", "resolved_at"])


class Migration(migrations.Migration):
    dependencies = [("shipping", "0005_carrier_calendar_and_incident_history")]

    operations = [
        migrations.RunPython(merge_open_alerts, migrations.RunPython.noop),
    ]
