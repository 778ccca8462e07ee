"""The checkout's delivery options, as GET /delivery-options computes them, in words.

The options come from fulfilment's `delivery_options` with the same inputs the API gives it
(the cart's lines, the store or the postcode, the retailer's offers, now); this module only
names each one in the reader's language and adds the cart's prices for the order summary.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from comptoir.carts.selectors import CartView
from comptoir.catalog.selectors import prices_for_skus
from comptoir.core import clock
from comptoir.core.errors import DomainError
from comptoir.fulfilment.checkout import cart_lines
from comptoir.fulfilment.offers import HOME_TIME_SLOT, SAME_DAY, delivery_offers
from comptoir.fulfilment.options import DeliveryOption, delivery_options, home_place, store_place
from comptoir.inventory.selectors import resolve_skus
from comptoir.locations.selectors import location_list
from comptoir.orders.domain import PricedLine, order_total

from ..templatetags.web_extras import ready_when

if TYPE_CHECKING:
    from comptoir.carts.models import Cart

OPTION_NAMES = {
    "reserve_and_collect": gettext_lazy("Reserve and collect, pay in the store"),
    "click_and_collect": gettext_lazy("Click and collect, pay now"),
    "ship_to_store": gettext_lazy("Sent to the store for you"),
    "home_standard": gettext_lazy("Home delivery"),
    "home_express": gettext_lazy("Express home delivery"),
    "home_time_slot": gettext_lazy("Home delivery in a time slot"),
    "same_day": gettext_lazy("Same-day delivery"),
    "ship_from_store": gettext_lazy("Delivered from a store"),
}


# Why an option is not possible, from fulfilment's reason codes; an unknown code keeps the
# service's English words.
REASONS = {
    "not_in_stock": gettext_lazy("Not in stock anywhere that can send it."),
    "no_store_near": gettext_lazy("No store near you has every item in stock."),
    "past_cut_off": gettext_lazy("Too late today for a same-day delivery: try tomorrow morning."),
    "no_shipping_store": gettext_lazy("No store that sends parcels has every item in stock."),
    "not_offered": gettext_lazy("%(store)s does not offer it."),
    "not_in_the_store": gettext_lazy("Not every item is in stock at %(store)s."),
    "no_opening_ahead": gettext_lazy("%(store)s has no opening hours ahead."),
    "no_counter": gettext_lazy("%(store)s has no collection counter."),
    "on_the_shelf": gettext_lazy("In stock at %(store)s: click and collect is ready sooner."),
    "picking_full": gettext_lazy("%(store)s can prepare no more orders today."),
    "slots_full": gettext_lazy("Every delivery slot is full: choose another delivery."),
    "same_day_full": gettext_lazy("Same-day delivery is full today at %(store)s."),
    "does_not_ship": gettext_lazy("%(store)s has every item but does not deliver from the store."),
    "closed_today": gettext_lazy("%(store)s is closed today."),
    "senders_full": gettext_lazy("The places that hold these items can prepare no more today."),
    "collection_full": gettext_lazy(
        "The places that hold these items can prepare no more for their next carrier collection."
    ),
}


@dataclass(frozen=True)
class SlotChoice:
    value: str  # the slot's start, ISO 8601, as checkout expects it
    words: str


@dataclass(frozen=True)
class OptionRow:
    option: DeliveryOption
    name: str
    promise: str
    reason: str = ""
    reason_translated: bool = True  # False: the service's English words
    slots: tuple[SlotChoice, ...] = ()

    @property
    def code(self) -> str:
        return self.option.code


@dataclass
class Choices:
    """The options for the chosen store and for the postcode; a plain error for a place the
    options cannot be computed for (an unknown postcode)."""

    store: list[OptionRow] = field(default_factory=list)
    home: list[OptionRow] = field(default_factory=list)
    home_error: str = ""

    def find(self, code: str) -> OptionRow | None:
        return next((row for row in (*self.store, *self.home) if row.code == code), None)


@dataclass(frozen=True)
class Summary:
    lines: list[tuple[object, Decimal]]  # (cart line, its amount)
    subtotal: Decimal
    fee: Decimal | None
    total: Decimal
    currency: str


def _zone(code: str | None) -> ZoneInfo:
    found = location_list().filter(code=code).values_list("timezone", flat=True).first()
    return ZoneInfo(found) if found else timezone.get_current_timezone()


def _day(day: object) -> str:
    return formats.date_format(day, "l j F")


def _promise(option: DeliveryOption, store_name: str) -> str:
    """The promise in words, from the option's dates (the service's own words are English)."""
    if option.code == SAME_DAY and option.ready_by:
        local = option.ready_by.astimezone(_zone(option.from_locations[0]))
        return _("delivered today by %(time)s") % {"time": formats.time_format(local, "H:i")}
    if option.ready_by:
        local = option.ready_by.astimezone(_zone(option.store_code))
        words = _("ready %(when)s in %(store)s") % {"when": ready_when(local), "store": store_name}
        if option.held_until:
            held = timezone.localtime(option.held_until, _zone(option.store_code))
            words += ", " + _("held for you until %(when)s") % {
                "when": formats.date_format(held, "l j F H:i")
            }
        return words
    if option.code == HOME_TIME_SLOT and option.promised_date:
        return _("in the slot you choose, from %(day)s") % {"day": _day(option.promised_date)}
    if option.promised_date:
        return _("delivered on %(day)s") % {"day": _day(option.promised_date)}
    return ""


def _slot(starts_at: datetime, ends_at: datetime) -> SlotChoice:
    start, end = timezone.localtime(starts_at), timezone.localtime(ends_at)
    words = _("%(day)s, %(start)s–%(end)s") % {
        "day": _day(start),
        "start": formats.time_format(start, "H:i"),
        "end": formats.time_format(end, "H:i"),
    }
    return SlotChoice(starts_at.isoformat(), words)


def _reason(option: DeliveryOption, store_name: str) -> tuple[str, bool]:
    if option.available:
        return "", True
    words = REASONS.get(option.reason_code or "")
    if words is None:
        return option.reason or "", False
    # The store the reason is about (a store near for same day), else the chosen one.
    return str(words) % {"store": option.reason_about or store_name}, True


def _rows(options: list[DeliveryOption], store_name: str) -> list[OptionRow]:
    rows = []
    for option in options:
        reason, translated = _reason(option, store_name)
        rows.append(
            OptionRow(
                option=option,
                name=str(OPTION_NAMES.get(option.code, option.label)),
                promise=_promise(option, store_name) if option.available else "",
                reason=reason,
                reason_translated=translated,
                slots=tuple(_slot(s.starts_at, s.ends_at) for s in option.slots),
            )
        )
    return rows


def choices(*, cart: Cart, store: str, postcode: str) -> Choices:
    """What GET /delivery-options?cart=…&store=… and …&postcode=… answer, named in words."""
    found = Choices()
    lines = cart_lines(cart)
    if not lines:
        return found
    variant_ids = resolve_skus([line.sku for line in lines])
    offers, now = delivery_offers(), clock.now()
    if store:
        place = store_place(store, field_name="store")
        options = delivery_options(
            lines=lines, variant_ids=variant_ids, place=place, offers=offers, now=now
        )
        found.store = _rows(options, place.label)
    if postcode:
        try:
            place = home_place(
                point=None, postcode=postcode, point_field="postcode", postcode_field="postcode"
            )
        except DomainError:
            found.home_error = _("We do not know this postcode: give a French one, such as 69003.")
        else:
            options = delivery_options(
                lines=lines, variant_ids=variant_ids, place=place, offers=offers, now=now
            )
            found.home = _rows(options, place.label)
    return found


def summary(view: CartView, chosen: OptionRow | None, channel: str) -> Summary:
    """The cart's lines at the channel's prices, and the chosen option's price as the fee."""
    prices = prices_for_skus(skus=[line.sku for line in view.lines], channel=channel)
    priced = [
        PricedLine(
            line.sku, line.quantity, prices[line.sku][1].amount, prices[line.sku][1].currency
        )
        for line in view.lines
    ]
    subtotal, currency = order_total(priced)
    fee = chosen.option.price if chosen is not None and chosen.option.available else None
    return Summary(
        lines=[(line, p.amount) for line, p in zip(view.lines, priced, strict=True)],
        subtotal=subtotal,
        fee=fee,
        total=subtotal + (fee or Decimal("0")),
        currency=currency,
    )
