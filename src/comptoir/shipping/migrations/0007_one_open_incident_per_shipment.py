from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("shipping", "0006_merge_open_alerts_into_incidents")]

    operations = [
        migrations.AddConstraint(
            model_name="shipmentalert",
            constraint=models.UniqueConstraint(
                condition=models.Q(("status", "open")),
                fields=("shipment",),
                name="one_open_incident_per_shipment",
            ),
        ),
    ]
