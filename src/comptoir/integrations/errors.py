from comptoir.core.errors import NotFound, ValidationFailed


class WebhookSubscriptionNotFound(NotFound):
    code = "webhook-subscription-not-found"


class InvalidWebhookUrl(ValidationFailed):
    code = "invalid-webhook-url"
