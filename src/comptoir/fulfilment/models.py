"""Store tasks: what a store (or a warehouse) must do for an order, with a deadline."""

from django.db import models
from django.db.models import Q

from .domain.tasks import TaskKind, TaskStatus

KINDS = [(kind.value, kind.name.replace("_", " ").title()) for kind in TaskKind]
STATUSES = [(status.value, status.name.replace("_", " ").title()) for status in TaskStatus]


class StoreTask(models.Model):
    Kind = TaskKind
    Status = TaskStatus  # its moves: domain/tasks.py

    order = models.ForeignKey("orders.Order", on_delete=models.CASCADE, related_name="+")
    location = models.ForeignKey("locations.Location", on_delete=models.PROTECT)
    kind = models.CharField(max_length=10, choices=KINDS)
    status = models.CharField(max_length=10, choices=STATUSES, default=TaskStatus.OPEN.value)
    deadline = models.DateTimeField(help_text="set aside or dispatched by then")
    created_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    # The promise made when the order was placed (see promises.py): the day a shipped parcel
    # is due at its destination; the local day a set-aside order is ready.
    promised_by = models.DateField(null=True, blank=True)
    ready_at = models.DateTimeField(null=True, blank=True, help_text="set aside, customer told")
    # The delivery window chosen at checkout (a home delivery in a time slot), from the order.
    slot_starts_at = models.DateTimeField(null=True, blank=True)
    slot_ends_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["order", "location"], name="one_task_per_order_store")
        ]
        indexes = [
            models.Index(
                fields=["location", "deadline"],
                name="open_tasks_by_store",
                condition=Q(status__in=["open", "ready"]),
            )
        ]


class CapacityKind(models.TextChoices):
    PICKING = "picking", "Units picked a day"
    SAME_DAY = "same_day", "Same-day orders a day"
    SLOT = "slot", "Deliveries per time slot"
    CUT_OFF = "cut_off", "Units picked per carrier collection"


class LocationCapacity(models.Model):
    """What a location can do, as its manager set it (capacity.py). Empty: no limit."""

    location = models.OneToOneField(
        "locations.Location", on_delete=models.CASCADE, related_name="+"
    )
    picking_units_per_day = models.PositiveIntegerField(null=True, blank=True)
    # Units it can pick for one carrier collection (its dispatch cut-off): the bucket is the
    # local day of the dispatch an order leaves with (capacity.py).
    picking_units_per_cut_off = models.PositiveIntegerField(null=True, blank=True)
    same_day_orders_per_day = models.PositiveIntegerField(null=True, blank=True)
    deliveries_per_slot = models.PositiveIntegerField(null=True, blank=True)
    updated_at = models.DateTimeField()


class CapacityUsage(models.Model):
    """How much of one bucket (a location's day, or one of its delivery slots) is taken.
    Changed only by conditional UPDATEs (capacity.py); the CHECK is the last guard."""

    location = models.ForeignKey("locations.Location", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=CapacityKind.choices)
    # The bucket's key: the local day ("2026-11-24"; for a cut-off, the dispatch's day), or a
    # slot's start in ISO 8601 UTC.
    bucket = models.CharField(max_length=40)
    day = models.DateField()
    used = models.PositiveIntegerField(default=0)
    limit_units = models.PositiveIntegerField(null=True, blank=True, help_text="None: no limit")
    updated_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["location", "kind", "bucket"], name="one_usage_per_bucket"
            ),
            models.CheckConstraint(
                condition=Q(limit_units__isnull=True) | Q(used__lte=models.F("limit_units")),
                name="capacity_used_within_limit",
            ),
        ]


class CapacityConsumption(models.Model):
    """What one order took of one bucket: its store task (same order and location) carries it.
    Live while `released_at` is empty; the usage rows add up to the live ones."""

    order = models.ForeignKey("orders.Order", on_delete=models.CASCADE, related_name="+")
    location = models.ForeignKey("locations.Location", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=CapacityKind.choices)
    bucket = models.CharField(max_length=40)
    units = models.PositiveIntegerField()
    created_at = models.DateTimeField()
    released_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["order", "location", "kind"], name="an_order_consumes_once"
            )
        ]
