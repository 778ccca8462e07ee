from django.apps import AppConfig


class OrdersConfig(AppConfig):
    name = "comptoir.orders"
    label = "orders"

    def ready(self) -> None:
        from comptoir.core.personal_data import register_exporter

        from .selectors import orders_export

        register_exporter("orders", orders_export)
