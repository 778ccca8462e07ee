"""The service inbox: teams, conversations and their messages. Persistence only."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from .domain import ConversationStatus, Direction


class Team(models.Model):
    """Who answers: the call centre, or one store's staff (`location`)."""

    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=80)
    location = models.OneToOneField(
        "locations.Location", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )

    def __str__(self) -> str:
        return self.name


class Conversation(models.Model):
    """One customer's request and everything said about it, whatever the channel."""

    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="conversations")
    channel = models.CharField(max_length=10)  # the channel it began on: "email" for now
    status = models.CharField(
        max_length=20,
        choices=[(s.value, s.value) for s in ConversationStatus],
        default=ConversationStatus.OPEN.value,
    )
    customer = models.ForeignKey(
        "customers.Customer", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    contact_address = models.CharField(max_length=254)  # personal data: where replies go
    contact_name = models.CharField(max_length=120, blank=True)  # personal data
    subject = models.CharField(max_length=200, blank=True)
    order = models.ForeignKey(
        "orders.Order", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    shipment = models.ForeignKey(
        "shipping.Shipment", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    wismo = models.BooleanField(default=False)  # asks where an order is
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField()
    last_message_at = models.DateTimeField()
    first_response_at = models.DateTimeField(null=True, blank=True)
    # The answer the customer waits for is due then (None: nobody waits); breached once.
    sla_due_at = models.DateTimeField(null=True, blank=True)
    sla_breached_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["team", "status", "sla_due_at"], name="inbox_queue"),
            models.Index(
                fields=["sla_due_at"],
                condition=Q(status="open", sla_breached_at__isnull=True),
                name="sla_watch",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=[s.value for s in ConversationStatus]),
                name="conversation_status_known",
            )
        ]


class Message(models.Model):
    """One message of a conversation, in or out. `message_id` (the email's Message-ID, or a
    provider's id) is unique per channel: the same email delivered twice is stored once."""

    class Status(models.TextChoices):
        RECEIVED = "received"
        SENDING = "sending"  # recorded, handed (or about to be) to the mail server
        SENT = "sent"

    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="messages"
    )
    channel = models.CharField(max_length=10)
    direction = models.CharField(max_length=10, choices=[(d.value, d.value) for d in Direction])
    status = models.CharField(max_length=10, choices=Status.choices)
    message_id = models.CharField(max_length=250)
    in_reply_to = models.CharField(max_length=250, blank=True)
    sender = models.CharField(max_length=254)  # personal data (inbound: the customer)
    subject = models.CharField(max_length=200, blank=True)
    body = models.TextField()  # personal data
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["channel", "message_id"], name="one_message_per_message_id"
            ),
            models.CheckConstraint(condition=~Q(message_id=""), name="message_has_an_id"),
        ]
        indexes = [models.Index(fields=["conversation", "created_at"], name="thread_in_order")]
