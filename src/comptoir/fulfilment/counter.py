"""The endless aisle: from the counter, an associate orders for a customer what this store
lacks, delivered home, sent to this store, or collected in another store.

The options are the checkout's (`options.delivery_options`, on the store channel) and the
order is placed by `place_order` from the chosen one's pieces, as checkout does: this module
only says which options a counter offers and which fulfilment mode each one becomes. A home
delivery ordered in a store is an endless-aisle order (`ENDLESS_AISLE_HOME`); it is paid by a
payment link, sent to the customer or kept for the till; reserve & collect in another store
is paid there, at pickup.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from comptoir.core import clock
from comptoir.core.errors import ValidationFailed
from comptoir.inventory.selectors import resolve_skus
from comptoir.orders.domain import FulfilmentMode
from comptoir.orders.services.payment_links import send_payment_link
from comptoir.orders.services.placing import (
    OrderRequest,
    PaymentRequest,
    PlacedOrder,
    place_order,
)

from .checkout import OPTIONS_OF_MODE, OptionUnavailable, line_requests
from .domain.sourcing import OrderLine
from .offers import SHIP_TO_STORE, STORE_OPTIONS, delivery_offers
from .options import DeliveryOption, Place, delivery_options, home_place, store_place
from .options.model import AT_PICKUP

CHANNEL = "store"
# What the counter offers to a home: the endless-aisle mode's options (no slot, no same day:
# the customer is not at the screen to choose one).
HOME_AT_COUNTER = OPTIONS_OF_MODE[FulfilmentMode.ENDLESS_AISLE_HOME]
PAY_BY_LINK, PAY_AT_COUNTER = "link", "counter"


@dataclass
class CounterOptions:
    """The options for one choice of place; each list empty when that place was not asked."""

    home: list[DeliveryOption] = field(default_factory=list)
    here: list[DeliveryOption] = field(default_factory=list)  # sent to this store
    other_store: list[DeliveryOption] = field(default_factory=list)

    def find(self, code: str, where: str) -> DeliveryOption | None:
        if where not in ("home", "here", "other_store"):
            return None
        return next((o for o in getattr(self, where) if o.code == code), None)


def _home(postcode: str) -> Place:
    return home_place(
        point=None, postcode=postcode, point_field="postcode", postcode_field="postcode"
    )


def _options(lines: list[OrderLine], place: Place, now: datetime) -> list[DeliveryOption]:
    return delivery_options(
        lines=lines,
        variant_ids=resolve_skus([line.sku for line in lines]),
        place=place,
        offers=delivery_offers(),
        now=now,
        channel=CHANNEL,
    )


def counter_options(
    *,
    store_code: str,
    lines: list[OrderLine],
    postcode: str = "",
    other_store_code: str = "",
    now: datetime | None = None,
) -> CounterOptions:
    """What the counter can offer for these lines now, available or not (with the reason):
    home delivery to `postcode`, sent to this store, collected in `other_store_code`.
    Raises ValidationFailed (field `postcode` or `store`) for a place it does not know."""
    now = now or clock.now()
    found = CounterOptions()
    here = _options(lines, store_place(store_code, field_name="store"), now)
    found.here = [o for o in here if o.code == SHIP_TO_STORE]
    if postcode:
        home = _options(lines, _home(postcode), now)
        found.home = [o for o in home if o.code in HOME_AT_COUNTER]
    if other_store_code and other_store_code != store_code:
        place = store_place(other_store_code, field_name="store")
        found.other_store = [o for o in _options(lines, place, now) if o.code in STORE_OPTIONS]
    return found


@dataclass(frozen=True)
class CounterOrder:
    store_code: str  # where it is ordered
    lines: list[OrderLine]
    option: str
    where: str  # "home" | "here" | "other_store"
    customer_id: int
    pay: str = PAY_BY_LINK  # PAY_BY_LINK | PAY_AT_COUNTER
    other_store_code: str = ""
    delivery_address: dict[str, Any] = field(default_factory=dict)
    created_by: str = ""


def _invalid(message: str, field_name: str) -> ValidationFailed:
    return ValidationFailed(message, errors=[{"field": field_name, "message": message}])


def _place(request: CounterOrder) -> Place:
    if request.where == "home":
        return _home(str(request.delivery_address.get("postcode") or ""))
    if request.where == "here":
        return store_place(request.store_code, field_name="store")
    if request.where == "other_store" and request.other_store_code:
        if request.other_store_code == request.store_code:
            raise _invalid("another store than this one", "store")
        return store_place(request.other_store_code, field_name="store")
    raise _invalid("home, here or other_store (with its store)", "where")


def _offered(request: CounterOrder) -> tuple[str, ...]:
    if request.where == "home":
        return HOME_AT_COUNTER
    return (SHIP_TO_STORE,) if request.where == "here" else STORE_OPTIONS


def order_at_counter(request: CounterOrder, *, now: datetime | None = None) -> PlacedOrder:
    """Place the order the associate chose. All or nothing, as `place_order`: the order is
    written with its stock held and its payment link created (or due at pickup), or nothing
    is. The options are computed again: an option no longer possible is OptionUnavailable.
    With PAY_BY_LINK the link then goes to the customer (`send_payment_link`); with
    PAY_AT_COUNTER the order waits, awaiting payment, for the till to take it."""
    now = now or clock.now()
    if request.option not in _offered(request):
        raise _invalid(f"one of {', '.join(_offered(request))}", "option")
    if request.pay not in (PAY_BY_LINK, PAY_AT_COUNTER):
        raise _invalid("link or counter", "pay")
    store = store_place(request.store_code, field_name="store")
    place = _place(request)
    option = next(
        (o for o in _options(request.lines, place, now) if o.code == request.option), None
    )
    if option is None:  # offered a moment ago, gone since (the stock or the slots moved)
        raise OptionUnavailable("This delivery is no longer offered: choose another.")
    if not option.available:
        raise OptionUnavailable(option.reason or "Not possible now.")
    home = place.kind == "home"
    at_pickup = option.paid == AT_PICKUP
    placed = place_order(
        OrderRequest(
            channel=CHANNEL,
            fulfilment_mode=FulfilmentMode.ENDLESS_AISLE_HOME if home else option.fulfilment_mode,
            lines=line_requests(option.pieces),
            payment=PaymentRequest("at_pickup" if at_pickup else "payment_link"),
            customer_id=request.customer_id,
            pickup_location_id=place.store_id,
            ordered_at_location_id=store.store_id,
            delivery_address={
                **request.delivery_address,
                "lat": place.point.latitude,
                "lon": place.point.longitude,
            }
            if home
            else {},
            created_by=request.created_by,
            delivery_fee=option.price,
            delivery_option=option.code,
        ),
        now=now,
    )
    if not at_pickup and request.pay == PAY_BY_LINK:
        # After the order's COMMIT: a crash in between leaves an order awaiting payment that
        # the associate's page offers to send again.
        send_payment_link(order_id=placed.order.pk, now=now)
    return placed
