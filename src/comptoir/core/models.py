"""The transactional outbox, its deliveries with their log, stored idempotent responses, and the
fields every long job run in batches shares."""

import uuid

from django.db import connection, models
from django.db.models import Q


class OutboxEvent(models.Model):
    """A fact that happened, written in the same transaction as the change it describes."""

    event_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # Not indexed: nothing reads events by type (routes are looked up per event), and two
    # indexes (with LIKE's) on the hottest insert of the system cost every write.
    type = models.CharField(max_length=80)
    aggregate = models.CharField(max_length=80, blank=True, help_text="e.g. customer:42")
    payload = models.JSONField(default=dict)
    occurred_at = models.DateTimeField()
    request_id = models.CharField(max_length=64, blank=True)
    fanned_out_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(
                fields=["id"], name="outbox_not_fanned_out", condition=Q(fanned_out_at__isnull=True)
            )
        ]

    def __str__(self) -> str:
        return f"{self.type} {self.event_id}"


class Delivery(models.Model):
    """One event to one target (an in-process handler or a webhook subscription)."""

    class Status(models.TextChoices):
        PENDING = "pending"
        DELIVERED = "delivered"
        DEAD = "dead"

    event = models.ForeignKey(OutboxEvent, on_delete=models.CASCADE, related_name="deliveries")
    target = models.CharField(max_length=120, help_text="handler:<name> or webhook:<id>")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField()
    lease_owner = models.CharField(max_length=120, blank=True)
    lease_until = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)

    class Meta:
        verbose_name_plural = "deliveries"
        constraints = [
            models.UniqueConstraint(fields=["event", "target"], name="one_delivery_per_target"),
            models.CheckConstraint(
                condition=Q(status="delivered", delivered_at__isnull=False)
                | ~Q(status="delivered"),
                name="delivered_has_time",
            ),
        ]
        indexes = [
            models.Index(
                fields=["next_attempt_at"], name="delivery_due", condition=Q(status="pending")
            ),
            models.Index(fields=["target", "-id"], name="delivery_by_target"),
            # Retries are claimed before fresh deliveries: a backlog must not make them late.
            models.Index(
                fields=["next_attempt_at"],
                name="delivery_retry_due",
                condition=Q(status="pending", attempts__gt=0),
            ),
        ]


class DeliveryTarget(models.Model):
    """The circuit breaker of one target, shared by every worker.

    After `WEBHOOK_BREAKER_FAILURES` failures in a row the target is open until `open_until`;
    then one probe (the worker that sets `probe_until`) decides whether it closes again.
    """

    target = models.CharField(max_length=120, unique=True)
    consecutive_failures = models.PositiveIntegerField(default=0)
    open_until = models.DateTimeField(null=True, blank=True)
    probe_until = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return self.target


class DeliveryAttempt(models.Model):
    """The delivery log an operator reads: one row per try, with what the receiver said."""

    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="log")
    worker = models.CharField(max_length=120)
    started_at = models.DateTimeField()
    duration_ms = models.PositiveIntegerField(default=0)
    succeeded = models.BooleanField(default=False)
    response_status = models.PositiveIntegerField(null=True, blank=True)
    error = models.TextField(blank=True)


class IdempotencyRecord(models.Model):
    """A POST that creates something, remembered 24 h per caller and Idempotency-Key."""

    caller = models.CharField(max_length=80)
    key = models.CharField(max_length=255)
    request_fingerprint = models.CharField(max_length=64)
    created_at = models.DateTimeField()
    completed_at = models.DateTimeField(null=True, blank=True)
    response_status = models.PositiveIntegerField(null=True, blank=True)
    response_body = models.BinaryField(null=True, blank=True)
    response_content_type = models.CharField(max_length=100, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["caller", "key"], name="one_record_per_caller_key")
        ]


class LeasedJob(models.Model):
    """A long job the worker runs in batches (see `core.jobs`): who holds it, until when, and
    how far it got. Progress moves in the same transaction as each batch's rows, so a job
    resumed after a crash starts exactly where the last committed batch ended."""

    class Status(models.TextChoices):
        PENDING = "pending"
        RUNNING = "running"
        FINISHED = "finished"

    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    total_rows = models.PositiveIntegerField(default=0)
    processed_rows = models.PositiveIntegerField(default=0)
    rejected = models.PositiveIntegerField(default=0)
    report = models.JSONField(default=list, blank=True, help_text="rejected rows: line, reason")
    created_at = models.DateTimeField()
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    runner = models.CharField(max_length=40, blank=True, help_text="who holds the lease")
    lease_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True


def mark_written(*rows: models.Model) -> None:
    """Rows a written-out INSERT stored, marked as the ORM marks the rows it saves itself: a
    later save() updates them instead of inserting them again, on this connection's database."""
    for row in rows:
        row._state.adding = False
        row._state.db = connection.alias
