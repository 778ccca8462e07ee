from django.apps import AppConfig


class ReturnsConfig(AppConfig):
    name = "comptoir.returns"
    label = "returns"

    def ready(self) -> None:
        from comptoir.core.personal_data import register_exporter

        from .selectors import returns_export

        register_exporter("returns", returns_export)
