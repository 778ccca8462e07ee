"""Each stock level names its variant's product (see StockLevel.product): the column is added
empty, then filled from the variants in one statement. It becomes NOT NULL in 0005, in its own
transaction: on PostgreSQL the fill leaves the new foreign key's deferred checks pending, and
ALTER TABLE refuses to run while a transaction has any."""

import django.db.models.deletion
from django.db import migrations, models

_FILL_POSTGRESQL = """
UPDATE inventory_stocklevel l
   SET product_id = v.product_id
  FROM catalog_variant v
 WHERE v.id = l.variant_id
"""

# The same for SQLite, spelled without UPDATE ... FROM (SQLite 3.33+ only; Django supports
# older ones): one primary-key lookup per level.
_FILL_PORTABLE = """
UPDATE inventory_stocklevel
   SET product_id = (SELECT product_id FROM catalog_variant WHERE id = variant_id)
"""


def fill_product(apps, schema_editor):
    postgresql = schema_editor.connection.vendor == "postgresql"
    schema_editor.execute(_FILL_POSTGRESQL if postgresql else _FILL_PORTABLE)


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0002_import_job"),
        ("inventory", "0003_snapshot_report_help_text"),
    ]

    operations = [
        migrations.AddField(
            model_name="stocklevel",
            name="product",
            field=models.ForeignKey(
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="catalog.product",
            ),
        ),
        # Backwards, the column is dropped by reversing AddField: nothing to undo here.
        migrations.RunPython(fill_product, migrations.RunPython.noop),
    ]
