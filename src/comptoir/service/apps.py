from django.apps import AppConfig


class ServiceConfig(AppConfig):
    name = "comptoir.service"
    label = "service"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from comptoir.core.personal_data import register_exporter

        from .selectors import conversations_export

        register_exporter("conversations", conversations_export)
