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
