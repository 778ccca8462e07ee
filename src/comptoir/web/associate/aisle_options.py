"""The endless aisle's options in the associate's words: each with its promise, where it
would come from and why, or why it is not possible (the storefront's words for both)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from comptoir.core.errors import ValidationFailed
from comptoir.fulfilment.counter import CounterOptions, counter_options
from comptoir.fulfilment.domain.sourcing import OrderLine
from comptoir.fulfilment.options import DeliveryOption
from comptoir.locations.selectors import location_list

from ..plain_words import plain_words
from ..shop.delivery import OptionRow, _rows

# A service's field → the form's field that shows its message.
FIELD_OF = {
    "postcode": "postcode",
    "delivery_address": "line1",
    "store": "other_store",
    "option": "option",
    "customer": "customer",
}


@dataclass(frozen=True)
class Choice:
    where: str  # "home" | "here" | "other_store"
    row: OptionRow
    words_from: str  # where it comes from, and why, in the associate's words

    @property
    def value(self) -> str:
        return f"{self.where}:{self.row.code}"


def other_stores(store: Any) -> list[tuple[str, str]]:
    others = location_list(kind="store").exclude(pk=store.pk).order_by("city", "name")
    return [(s.code, s.name) for s in others]


def _from_words(option: DeliveryOption, where: str, store: Any) -> str:
    """Which location it comes from and why, in plain words."""
    if not option.available:
        return ""
    sources = list(location_list().filter(code__in=option.from_locations).order_by("name"))
    names = ", ".join(
        _("%(name)s (a warehouse)") % {"name": s.name}
        if s.kind == "warehouse"
        else _("%(name)s (a store)") % {"name": s.name}
        for s in sources
    )
    if option.code in ("click_and_collect", "reserve_and_collect"):
        return _("On the shelf at %(store)s: set aside there for the customer.") % {"store": names}
    if len(sources) > 1:
        return _(
            "Sent from %(names)s: no single place holds every unit, so it leaves in parts."
        ) % {"names": names}
    if where == "home":
        return _(
            "Sent from %(names)s: it holds every unit and is the cheapest place to send it from."
        ) % {"names": names}
    return _(
        "Sent to %(store)s from %(names)s: it holds every unit and is the nearest that"
        " sends parcels."
    ) % {
        "store": option.store_code and _store_name(option.store_code) or store.name,
        "names": names,
    }


def _store_name(code: str) -> str:
    return location_list().filter(code=code).values_list("name", flat=True).first() or code


def choices_for(options: CounterOptions, store: Any) -> dict[str, list[Choice]]:
    groups: dict[str, list[Choice]] = {}
    for where in ("home", "here", "other_store"):
        found: list[DeliveryOption] = getattr(options, where)
        place = store.name
        if where == "other_store" and found and found[0].store_code:
            place = _store_name(found[0].store_code)
        rows = _rows(found, place)
        groups[where] = [Choice(where, row, _from_words(row.option, where, store)) for row in rows]
    return groups


def options_for(
    store: Any, sku: str, quantity: int, postcode: str, other_store: str
) -> tuple[CounterOptions | None, str, str]:
    """The options, or the field and message of a place the options cannot be computed for."""
    try:
        return (
            counter_options(
                store_code=store.code,
                lines=[OrderLine(sku, quantity)],
                postcode=postcode,
                other_store_code=other_store,
            ),
            "",
            "",
        )
    except ValidationFailed as error:
        field = next(iter(error.errors), {}).get("field", "")
        if field == "postcode":
            return None, "postcode", _("We do not know this postcode: give a French one.")
        return None, FIELD_OF.get(field, "other_store"), plain_words(error)[0]
