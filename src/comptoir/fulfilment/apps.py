from django.apps import AppConfig


class FulfilmentConfig(AppConfig):
    name = "comptoir.fulfilment"
    label = "fulfilment"

    def ready(self) -> None:
        # Orders come before fulfilment in the app order, so orders cannot import the sourcing
        # engine nor the delivery offers; fulfilment hands them over here, once, when Django
        # starts: where an order's lines come from, what its delivery costs, and the capacity
        # it takes; and to its own reads, the dispatch days the promise counts from.
        from comptoir.orders.services import placing

        from . import selectors
        from .capacity import take_capacity_for_order
        from .checkout import price_delivery
        from .promises import dispatch_days
        from .services import source_new_order_lines

        placing.use_sourcer(source_new_order_lines)
        placing.use_fee_pricer(price_delivery)
        placing.use_capacity_taker(take_capacity_for_order)
        selectors.use_dispatch_days(dispatch_days)
