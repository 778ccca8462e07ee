from django.apps import AppConfig


class ShippingConfig(AppConfig):
    name = "comptoir.shipping"
    label = "shipping"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from comptoir.core.personal_data import register_exporter

        from .selectors import shipments_export

        register_exporter("shipments", shipments_export)
