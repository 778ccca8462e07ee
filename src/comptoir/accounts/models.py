"""Staff roles with their store scope, and integration API tokens (stored hashed)."""

from django.conf import settings
from django.db import models
from django.db.models import Q


class StaffMember(models.Model):
    class Role(models.TextChoices):
        ADMINISTRATOR = "administrator"
        OPERATIONS = "operations"
        ASSOCIATE = "associate"
        AGENT = "agent"

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff_member"
    )
    role = models.CharField(max_length=20, choices=Role.choices)
    stores = models.ManyToManyField(
        "locations.Location",
        blank=True,
        related_name="staff_members",
        help_text="Associates see only these stores' data.",
    )

    def __str__(self) -> str:
        return f"{self.user} ({self.role})"


class ApiToken(models.Model):
    """A token for an integration. Only its SHA-256 is kept; the raw value is shown once."""

    name = models.CharField(max_length=120)
    prefix = models.CharField(max_length=12, unique=True, help_text="shown to tell tokens apart")
    secret_hash = models.CharField(max_length=64, unique=True)
    scopes = models.JSONField(default=list)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(
                fields=["secret_hash"], name="active_token", condition=Q(revoked_at__isnull=True)
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"
