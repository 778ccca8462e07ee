from django.apps import AppConfig


class CartsConfig(AppConfig):
    name = "comptoir.carts"
    label = "carts"

    def ready(self) -> None:
        from comptoir.core.personal_data import register_exporter

        from .selectors import carts_export

        register_exporter("carts", carts_export)
