"""Leave room on each shipment page so that a tracking scan's UPDATE (which changes no indexed
column) stays on its page as a HOT update on PostgreSQL, without touching the 16 indexes."""

from django.db import migrations


def set_fillfactor(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE shipping_shipment SET (fillfactor = 80)")


class Migration(migrations.Migration):
    dependencies = [("shipping", "0001_initial")]

    operations = [migrations.RunPython(set_fillfactor, migrations.RunPython.noop)]
