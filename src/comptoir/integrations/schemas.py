from datetime import datetime

from ninja import Field, Schema

EVENT_TYPES_HELP = 'Event types from GET /webhooks/event-types, or ["*"] for every event.'


class WebhookSubscriptionIn(Schema):
    url: str = Field(max_length=500, examples=["https://crm.example.com/hooks/comptoir"])
    event_types: list[str] = Field(default_factory=lambda: ["*"], description=EVENT_TYPES_HELP)
    description: str = Field("", max_length=200)


class WebhookSubscriptionPatch(Schema):
    """Only the fields sent change."""

    url: str | None = Field(None, max_length=500)
    event_types: list[str] | None = Field(None, description=EVENT_TYPES_HELP)
    description: str | None = Field(None, max_length=200)


class WebhookSubscriptionOut(Schema):
    id: int
    url: str
    event_types: list[str]
    description: str
    is_active: bool
    created_at: datetime


class WebhookSecretOut(Schema):
    secret: str = Field(description="whsec_… Shown once; keep it to verify signatures.")


class CreatedWebhookOut(WebhookSubscriptionOut):
    secret: str | None = Field(
        description=(
            "whsec_… Shown once, in this answer only. A replay of this request with the same"
            " Idempotency-Key answers null here (secrets are never stored with the answer):"
            " rotate the secret if the first answer was lost."
        )
    )


class EventTypesOut(Schema):
    event_types: list[str] = Field(description='Besides these, "*" subscribes to every event.')


class DeliveryAttemptOut(Schema):
    worker: str
    started_at: datetime
    duration_ms: int
    succeeded: bool
    response_status: int | None
    error: str


class DeliveryOut(Schema):
    id: int
    event_id: str
    event_type: str
    status: str
    attempts: int
    next_attempt_at: datetime
    delivered_at: datetime | None
    last_error: str
    log: list[DeliveryAttemptOut]
