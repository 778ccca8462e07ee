"""The customer's timeline as an associate reads it: one sentence per event in the reader's
language, grouped by day and by channel, newest first, a page at a time.

The entries are stored in English (the record) with the payload's words in `details`; every
event type the wiring puts on a timeline has its sentence here, and a test walks them all.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from ..templatetags.web_extras import PURPOSE_NAMES, money, timeline_words

IDENTITY_NAMES = {
    "email": lambda: _("email address"),
    "phone": lambda: _("phone number"),
    "loyalty_card": lambda: _("loyalty card"),
    "app_device": lambda: _("app on a phone"),
    "store_record": lambda: _("store record"),
}


def _purpose(details: dict[str, Any]) -> str:
    return str(PURPOSE_NAMES.get(details.get("purpose", ""), _("a purpose")))


def _consent(d: dict[str, Any]) -> str:
    if d.get("granted"):
        return _("Gave consent: %(purpose)s") % {"purpose": _purpose(d)}
    return _("Withdrew consent: %(purpose)s") % {"purpose": _purpose(d)}


def _identity(d: dict[str, Any]) -> str:
    kind = IDENTITY_NAMES.get(d.get("kind", ""), lambda: _("way to be recognised"))()
    if d.get("verified"):
        return _("New %(kind)s added, verified") % {"kind": kind}
    return _("New %(kind)s added, not verified yet") % {"kind": kind}


def _refund(d: dict[str, Any]) -> str:
    try:
        amount = money(Decimal(str(d.get("amount"))), d.get("currency") or "EUR")
    except (InvalidOperation, ValueError):
        amount = "?"
    return _("Refunded %(amount)s for order %(ref)s") % {
        "amount": amount,
        "ref": d.get("order_reference", "?"),
    }


def _ref(d: dict[str, Any]) -> dict[str, Any]:
    return {"ref": d.get("order_reference", "?")}


def _sku(d: dict[str, Any]) -> dict[str, Any]:
    return {"sku": d.get("sku", "?"), "quantity": d.get("quantity", 1)}


# Every event type on a timeline (comptoir.wiring), as a sentence made from its details.
SENTENCES: dict[str, Callable[[dict[str, Any]], str]] = {
    "customer.registered": lambda d: _("Created an account"),
    "customer.consent_changed": _consent,
    "customer.merged": lambda d: _("Another profile of the same person was merged into this one"),
    "customer.checked_in": lambda d: (
        _("Checked in at the store %(store)s")
        % {"store": d.get("store_name") or d.get("location_code", "?")}
    ),
    "customer.wishlist_item_added": lambda d: _("Added %(sku)s to the wishlist") % _sku(d),
    "customer.wishlist_item_removed": lambda d: _("Removed %(sku)s from the wishlist") % _sku(d),
    "customer.identity_added": _identity,
    "cart.line_added": lambda d: (
        _("Put %(quantity)s × %(sku)s in the cart") % _sku(d)
        if "quantity" in d
        else _("Put %(sku)s in the cart") % _sku(d)
    ),
    "cart.merged": lambda d: _("The cart of a visit before signing in joined this cart"),
    "order.placed": lambda d: _("Placed order %(ref)s") % _ref(d),
    "order.ready_for_pickup": lambda d: _("Order %(ref)s is ready for pickup") % _ref(d),
    "order.collected": lambda d: _("Collected order %(ref)s") % _ref(d),
    "order.sold_at_till": lambda d: _("Bought at the till, order %(ref)s") % _ref(d),
    "order.cancelled": lambda d: _("Order %(ref)s was cancelled") % _ref(d),
    "return.received": lambda d: _("Returned items of order %(ref)s") % _ref(d),
    "refund.issued": _refund,
}


# What the customer was told, by email or SMS (notifications: `message.<kind>` entries).
MESSAGES: dict[str, Callable[[dict[str, Any]], str]] = {
    "order_confirmed": lambda d: _("Sent the confirmation of order %(ref)s") % _ref(d),
    "ready_for_pickup": lambda d: _("Told that order %(ref)s is ready for pickup") % _ref(d),
    "shipped": lambda d: _("Told that order %(ref)s is on its way") % _ref(d),
    "out_for_delivery": lambda d: _("Told that order %(ref)s is out for delivery") % _ref(d),
    "delayed": lambda d: _("Told that order %(ref)s will be late") % _ref(d),
    "delivered": lambda d: _("Told that order %(ref)s was delivered") % _ref(d),
    "pickup_reminder": lambda d: _("Reminded to collect order %(ref)s") % _ref(d),
    "refund_issued": lambda d: _("Told of the refund for order %(ref)s") % _ref(d),
    "payment_link": lambda d: _("Sent the payment link of order %(ref)s") % _ref(d),
    "till_receipt": lambda d: _("Sent the till receipt of order %(ref)s") % _ref(d),
}
SENTENCES |= {f"message.{kind}": say for kind, say in MESSAGES.items()}
_ORDER_REFERENCE = re.compile(r"\bCO-[A-Z0-9]{8}\b")


def sentence(entry: Any, store_names: Mapping[str, str] | None = None) -> str:
    """The entry in the reader's language. An entry written before details were kept is read
    back from its English summary; one of a type this page does not know yet keeps its stored
    words (web_extras.timeline_words translates the purchase summaries)."""
    say = SENTENCES.get(entry.kind)
    details = entry.details or _legacy_details(entry.kind, entry.summary)
    if say is None or (details is None and entry.kind not in _NEEDS_NO_DETAILS):
        return timeline_words(entry)
    details = details or {}
    if store_names and details.get("location_code") in store_names:
        details = {**details, "store_name": store_names[details["location_code"]]}
    return say(details)


# How the customers app worded its own events before it kept their details (handlers._summary).
_LEGACY = {
    "customer.consent_changed": re.compile(
        r"Consent (?P<verb>given|withdrawn): (?P<purpose>[a-z ]+) \(.*\)"
    ),
    "customer.checked_in": re.compile(r"Checked in at (?P<location_code>\S+)"),
    "customer.wishlist_item_added": re.compile(r"Added (?P<sku>\S+) to the wishlist"),
    "customer.wishlist_item_removed": re.compile(r"Removed (?P<sku>\S+) from the wishlist"),
    "customer.identity_added": re.compile(
        r"New (?P<kind>[a-z ]+) \((?P<state>verified|unverified)\)"
    ),
    "cart.line_added": re.compile(r"Cart line added: (?P<sku>\S+)"),
}


def _legacy_details(kind: str, summary: str) -> dict[str, Any] | None:
    if kind.startswith("message."):  # its subject, in the customer's language
        reference = _ORDER_REFERENCE.search(summary)
        return {"order_reference": reference.group()} if reference else None
    pattern = _LEGACY.get(kind)
    found = pattern.fullmatch(summary) if pattern else None
    if found is None:
        return None
    details: dict[str, Any] = found.groupdict()
    if "verb" in details:
        details["granted"] = details.pop("verb") == "given"
    if "state" in details:
        details["verified"] = details.pop("state") == "verified"
    for key in ("purpose", "kind"):
        if key in details:
            details[key] = details[key].replace(" ", "_")
    return details


_NEEDS_NO_DETAILS = frozenset({"customer.registered", "customer.merged", "cart.merged"})


@dataclass
class ChannelGroup:
    channel: str
    lines: list[tuple[Any, str]] = field(default_factory=list)  # (entry, sentence)


@dataclass
class Day:
    day: date
    groups: list[ChannelGroup] = field(default_factory=list)


def by_day_and_channel(
    entries: Sequence[Any], store_names: Mapping[str, str] | None = None
) -> list[Day]:
    """`entries` newest first, as days (in the current time zone), newest first; in each day,
    one group per channel, the channel of the day's latest entry first. `store_names` (code to
    name) names the stores a check-in happened at."""
    days: list[Day] = []
    for entry in entries:
        local = timezone.localtime(entry.occurred_at).date()
        if not days or days[-1].day != local:
            days.append(Day(day=local))
        day = days[-1]
        group = next((g for g in day.groups if g.channel == entry.channel), None)
        if group is None:
            group = ChannelGroup(channel=entry.channel)
            day.groups.append(group)
        group.lines.append((entry, sentence(entry, store_names)))
    return days
