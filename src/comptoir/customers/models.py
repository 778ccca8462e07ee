"""One profile per person across channels, and the timeline of what they did."""

from django.conf import settings
from django.db import models
from django.db.models import Q


class Customer(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="customer",
    )
    first_name = models.CharField(max_length=100)  # personal data
    last_name = models.CharField(max_length=100)  # personal data
    email = models.EmailField(null=True, blank=True)  # personal data
    language = models.CharField(max_length=5, default="fr")
    created_at = models.DateTimeField()
    # The store the shopper sees first: stock, click & collect, the associate who greets them.
    favourite_location = models.ForeignKey(
        "locations.Location", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["email"], name="one_profile_per_email", condition=Q(email__isnull=False)
            )
        ]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}"


class TimelineEntry(models.Model):
    """Something the customer did, in some channel. One entry per event: replays are harmless."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="timeline")
    kind = models.CharField(max_length=60)
    channel = models.CharField(max_length=20)
    summary = models.CharField(max_length=200)
    occurred_at = models.DateTimeField()
    event_id = models.UUIDField(unique=True)

    class Meta:
        indexes = [models.Index(fields=["customer", "-occurred_at"], name="timeline_newest_first")]
