from django.apps import AppConfig


class FulfilmentConfig(AppConfig):
    name = "comptoir.fulfilment"
    label = "fulfilment"

    def ready(self) -> None:
        # Orders come before fulfilment in the app order, so orders cannot import the sourcing
        # engine; fulfilment hands it over here, once, when Django starts.
        from comptoir.orders.services import placing

        from .services import source_new_order_lines

        placing.use_sourcer(source_new_order_lines)
