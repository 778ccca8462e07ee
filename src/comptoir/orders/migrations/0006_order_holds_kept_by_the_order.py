"""The holds of open order lines lose their expiry: the order ends them, not inventory's sweep
(inventory 0007). Holds of carts and of `POST /holds` keep theirs."""

from django.db import migrations


def keep_open_lines_holds(apps, schema_editor):
    Hold = apps.get_model("inventory", "Hold")
    OrderLine = apps.get_model("orders", "OrderLine")
    Hold.objects.filter(
        status="active",
        pk__in=OrderLine.objects.filter(status="open", hold_id__isnull=False).values("hold_id"),
    ).update(expires_at=None)


class Migration(migrations.Migration):
    dependencies = [
        ("orders", "0005_payment_ledger"),
        ("inventory", "0007_holds_kept_by_their_order"),
    ]

    operations = [
        # Backwards, the holds keep no expiry: the schema before inventory 0007 refuses them,
        # so unapply that one only after giving them a date again.
        migrations.RunPython(keep_open_lines_holds, migrations.RunPython.noop),
    ]
