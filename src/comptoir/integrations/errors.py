from comptoir.core.errors import Conflict, NotFound, ValidationFailed


class WebhookSubscriptionNotFound(NotFound):
    code = "webhook-subscription-not-found"


class WebhookDeliveryNotFound(NotFound):
    code = "webhook-delivery-not-found"


class WebhookSubscriptionDisabled(Conflict):
    code = "webhook-subscription-disabled"


class InvalidWebhookUrl(ValidationFailed):
    code = "invalid-webhook-url"


class UnknownEventTypes(ValidationFailed):
    code = "unknown-event-types"
