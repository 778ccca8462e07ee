"""Stock per (SKU, location): an append-only ledger of movements and the levels it adds up to.

The database guards what must never happen: no negative level, never more held than on hand,
never two active holds for one reference line.
"""

from django.db import models
from django.db.models import F, Q
from django.utils.translation import pgettext_lazy

from comptoir.core.channels import CHANNELS
from comptoir.core.models import LeasedJob


class StockLevel(models.Model):
    """The current level, kept in step with the ledger in the same transaction."""

    # `variant` and `location` have no index of their own: (variant, location) and
    # (location, variant) below serve both, and one index less is written per non-HOT update.
    variant = models.ForeignKey("catalog.Variant", on_delete=models.PROTECT, db_index=False)
    # The variant's product, copied here so "products available in store X" (the catalogue
    # filtered by stock) reads one index of this table instead of joining every level of the
    # store to the variants. A variant never moves to another product, so the copy cannot go
    # stale; it is set where a level is created. PROTECT as for `variant`: a product with
    # stock is not deleted. No reverse accessor: the catalogue knows nothing of stock.
    product = models.ForeignKey(
        "catalog.Product", on_delete=models.PROTECT, db_index=False, related_name="+"
    )
    location = models.ForeignKey("locations.Location", on_delete=models.PROTECT, db_index=False)
    on_hand = models.IntegerField(default=0)
    held = models.IntegerField(default=0)
    updated_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["location", "variant"], name="one_level_per_sku_location"
            ),
            models.CheckConstraint(condition=Q(on_hand__gte=0), name="on_hand_not_negative"),
            models.CheckConstraint(condition=Q(held__gte=0), name="held_not_negative"),
            models.CheckConstraint(condition=Q(held__lte=F("on_hand")), name="held_within_on_hand"),
        ]
        indexes = [
            models.Index(fields=["variant", "location"], name="level_by_sku"),
            # The products available at a location. Deliberately without INCLUDE (on_hand,
            # held): with a column that changes in an index, no UPDATE of a level is HOT and
            # every hold writes to each index of the table; reading one store's levels from
            # the table instead costs the listing about a millisecond (ADR 0016).
            models.Index(fields=["location", "product"], name="level_by_location_product"),
        ]


class StockMovement(models.Model):
    """One change to a level: who, why, which hold or order. Never updated, never deleted."""

    class Kind(models.TextChoices):
        RECEIPT = "receipt", pgettext_lazy("stock movement", "Receipt")
        TILL_SALE = "till_sale", pgettext_lazy("stock movement", "Till sale")
        ADJUSTMENT = "adjustment", pgettext_lazy("stock movement", "Adjustment")
        TRANSFER_OUT = "transfer_out", pgettext_lazy("stock movement", "Transfer out")
        TRANSFER_IN = "transfer_in", pgettext_lazy("stock movement", "Transfer in")
        RETURN = "return", pgettext_lazy("stock movement", "Return")
        HOLD = "hold", pgettext_lazy("stock movement", "Hold")
        RELEASE = "release", pgettext_lazy("stock movement", "Release")
        PICK = "pick", pgettext_lazy("stock movement", "Pick")
        SNAPSHOT = "snapshot", pgettext_lazy("stock movement", "Snapshot")

    variant = models.ForeignKey("catalog.Variant", on_delete=models.PROTECT)
    # Indexed by the (location, …) index below: one index less to write per row.
    location = models.ForeignKey("locations.Location", on_delete=models.PROTECT, db_index=False)
    kind = models.CharField(max_length=16, choices=Kind.choices)
    on_hand_delta = models.IntegerField(default=0)
    held_delta = models.IntegerField(default=0)
    hold = models.ForeignKey("Hold", null=True, blank=True, on_delete=models.PROTECT)
    reference = models.CharField(max_length=80, blank=True, help_text="order, receipt, till ticket")
    reason = models.CharField(max_length=200, blank=True)
    actor = models.CharField(max_length=80, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["location", "variant", "id"], name="ledger_by_level")]


class Hold(models.Model):
    """Units set aside at one location for someone, until they are sold, released or expire.

    A hold with no `expires_at` never expires: its owner (an order, for its open lines) ends
    it by its own rules; the expiry sweep is for holds nobody else looks after (carts)."""

    class Status(models.TextChoices):
        ACTIVE = "active", pgettext_lazy("hold status", "Active")
        CONSUMED = "consumed", pgettext_lazy("hold status", "Consumed")
        RELEASED = "released", pgettext_lazy("hold status", "Released")
        EXPIRED = "expired", pgettext_lazy("hold status", "Expired")

    variant = models.ForeignKey("catalog.Variant", on_delete=models.PROTECT)
    # Indexed by the (location, …) index below: one index less to write per row.
    location = models.ForeignKey("locations.Location", on_delete=models.PROTECT, db_index=False)
    quantity = models.PositiveIntegerField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    channel = models.CharField(max_length=20, choices=CHANNELS)
    reference = models.CharField(max_length=80, help_text="the cart or order line it holds for")
    customer_id = models.BigIntegerField(null=True, blank=True)
    expires_at = models.DateTimeField(
        null=True, blank=True, help_text="none: kept until its order ends it, never expired"
    )
    created_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="hold_quantity_positive"),
            models.UniqueConstraint(
                fields=["reference", "variant"],
                condition=Q(status="active"),
                name="one_active_hold_per_reference_line",
            ),
        ]
        indexes = [
            models.Index(
                fields=["expires_at"], name="active_hold_expiry", condition=Q(status="active")
            ),
            models.Index(fields=["location", "status"], name="hold_by_location"),
        ]


class SafetyStock(models.Model):
    """Units kept back from a channel at a location (e.g. the last 2 for walk-in customers)."""

    location = models.ForeignKey("locations.Location", on_delete=models.CASCADE)
    channel = models.CharField(max_length=20, choices=CHANNELS)
    quantity = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["location", "channel"], name="one_safety_per_channel")
        ]


class BackInStockSubscription(models.Model):
    variant = models.ForeignKey("catalog.Variant", on_delete=models.CASCADE)
    location = models.ForeignKey("locations.Location", on_delete=models.CASCADE)
    customer_id = models.BigIntegerField(null=True, blank=True)
    email = models.EmailField(blank=True)  # personal data
    created_at = models.DateTimeField()
    notified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(
                fields=["variant", "location"],
                name="waiting_subscriptions",
                condition=Q(notified_at__isnull=True),
            )
        ]


class SnapshotJob(LeasedJob):
    """A stock snapshot, a full count of one location sent by a till system or a warehouse,
    loaded in batches by the worker."""

    class Format(models.TextChoices):
        CSV = "csv"
        JSON = "json"

    location = models.ForeignKey("locations.Location", on_delete=models.PROTECT)
    format = models.CharField(max_length=4, choices=Format.choices)
    content = models.TextField(help_text="the file as it was sent")
    actor = models.CharField(max_length=80, blank=True, help_text="who sent it")
    changed = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(processed_rows__lte=F("total_rows")),
                name="snapshot_progress_within_total",
            ),
            models.CheckConstraint(
                condition=Q(processed_rows=F("changed") + F("unchanged") + F("rejected")),
                name="snapshot_every_processed_row_counted_once",
            ),
        ]
