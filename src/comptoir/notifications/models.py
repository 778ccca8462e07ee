"""Channel preferences per customer, and a log of every message: one per event and channel."""

from django.db import models


class ChannelPreference(models.Model):
    """Which channels the customer wants order updates on. Consent is the customers app's;
    a preference narrows it, never widens it."""

    customer = models.OneToOneField(
        "customers.Customer", on_delete=models.CASCADE, related_name="+"
    )
    email = models.BooleanField(default=True)
    sms = models.BooleanField(default=False)
    updated_at = models.DateTimeField()


class MessageLog(models.Model):
    """One message per event and channel. Written before the provider is called (`sending`,
    with the Message-ID it goes under), committed, then marked `sent` once the provider took
    it: a crash in between leaves `sending`, and the retry resends under the same id."""

    class Status(models.TextChoices):
        SENDING = "sending"  # recorded, handed (or about to be) to the mail server / gateway
        SENT = "sent"
        SKIPPED = "skipped"  # no consent, no preference, or no address: and why

    event_id = models.UUIDField()
    channel = models.CharField(max_length=10)  # "email" | "sms"
    customer = models.ForeignKey(
        "customers.Customer", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    kind = models.CharField(max_length=40)
    language = models.CharField(max_length=5)
    status = models.CharField(max_length=10, choices=Status.choices)
    reason = models.CharField(max_length=80, blank=True)
    subject = models.CharField(max_length=200, blank=True)
    provider_id = models.CharField(max_length=100, blank=True)
    # The email's Message-ID, chosen with the intent: every try of this message carries it,
    # so a mailbox that got it twice (a crash after the server's "250") keeps one email.
    message_id = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["event_id", "channel"], name="one_message_per_event_and_channel"
            )
        ]
        indexes = [models.Index(fields=["customer", "-created_at"], name="messages_newest_first")]
