from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "comptoir.core"
    label = "core"
    verbose_name = "comptoir core (outbox, idempotency)"
