"""Outgoing webhook subscriptions and their signing secrets."""

from django.db import models


class WebhookSubscription(models.Model):
    url = models.URLField(max_length=500)
    description = models.CharField(max_length=200, blank=True)
    event_types = models.JSONField(default=list, help_text='event types, or ["*"] for all')
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField()

    def __str__(self) -> str:
        return self.url


class WebhookSecret(models.Model):
    """A `whsec_` secret. After a rotation the old one keeps signing until `retires_at`."""

    subscription = models.ForeignKey(
        WebhookSubscription, on_delete=models.CASCADE, related_name="secrets"
    )
    secret = models.CharField(max_length=100)
    created_at = models.DateTimeField()
    retires_at = models.DateTimeField(null=True, blank=True)
