"""Orders paid through Stripe, as the tests of this package place them."""

from comptoir.customers.tests.factories import make_shopper
from comptoir.orders.models import Order
from comptoir.orders.services import lifecycle
from comptoir.orders.services.placing import LineRequest, OrderRequest, PaymentRequest, place_order
from comptoir.orders.tests.factories import make_jackets, make_location, stock

CARD_OK = "pm_card_visa"
CARD_DECLINED = "pm_card_chargeDeclinedInsufficientFunds"
CARD_3DS = "pm_card_threeDSecure2Required"


def place(*, quantity: int = 1, method: str = "card", card: str = CARD_OK) -> Order:
    """Jackets at 129.00 each, to collect in Lyon."""
    store = make_location("lyon-bellecour", city="Lyon")
    make_jackets()
    stock("JACKET-TRAIL-S", store, 5)
    return place_order(
        OrderRequest(
            channel="web",
            fulfilment_mode="click_and_collect",
            lines=[LineRequest("JACKET-TRAIL-S", quantity)],
            payment=PaymentRequest(method, card if method == "card" else ""),
            customer_id=make_shopper().pk,
            pickup_location_id=store.pk,
        )
    ).order


def ready(order: Order) -> Order:
    lifecycle.mark_ready_for_pickup(order_id=order.pk)
    order.refresh_from_db()
    return order
