from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "comptoir.notifications"
    label = "notifications"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from comptoir.core.personal_data import register_exporter

        from .selectors import messages_export

        register_exporter("messages", messages_export)
