"""Small display helpers: money in the reader's language, JSON-LD, weekday names."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

import phonenumbers
from django import template
from django.core.serializers.json import DjangoJSONEncoder
from django.utils import formats, timezone, translation
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from comptoir.core.words import spoken_date
from comptoir.customers.handlers import ACCOUNT_CREATED, PURCHASE_SUMMARIES
from comptoir.shipping.services.alerts import LATE_DETAIL

register = template.Library()

SYMBOLS = {"EUR": "€", "GBP": "£", "USD": "$", "CHF": "CHF"}
# "<", ">" and "&" escaped so that no value can close the <script> element it sits in.
_SCRIPT_SAFE = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


@register.filter
def money(amount: Decimal | None, currency: str = "EUR") -> str:
    """89.90 EUR reads "89,90 €" in French and "€89.90" in English."""
    if amount is None:
        return ""
    number = formats.number_format(amount, 2, use_l10n=True, force_grouping=True)
    symbol = SYMBOLS.get(currency, currency)
    if translation.get_language() == "fr":
        return f"{number}\u00a0{symbol}"
    return f"{symbol}{number}"


@register.filter
def sizes(variants: list[dict[str, Any]]) -> SafeString:
    """A card's sizes, "38 · 39 · 40": one filter where a loop cost three tags a size."""
    return mark_safe(" · ".join(conditional_escape(variant["size"]) for variant in variants))  # noqa: S308


@register.filter
def ld_json(data: Any) -> SafeString:
    """A dict as the body of a <script type="application/ld+json"> element."""
    return mark_safe(json.dumps(data, cls=DjangoJSONEncoder).translate(_SCRIPT_SAFE))  # noqa: S308


@register.filter
def weekday_name(weekday: int) -> str:
    """0 = Monday: the day's name from Django's localisation ("lundi" / "Monday")."""
    a_monday = date(2024, 1, 1)
    return formats.date_format(a_monday + timedelta(days=weekday), "l")


@register.filter
def ready_when(ready_at: datetime | None) -> str:
    """ "today at 15:00", "tomorrow at 10:00", or "on 27/11 at 10:00", on the store's clock."""
    if ready_at is None:
        return _("not before the store opens again")
    today = timezone.localtime(timezone.now(), ready_at.tzinfo).date()
    clock = formats.time_format(ready_at, "H:i")
    days = (ready_at.date() - today).days
    if days == 0:
        return _("today at %(time)s") % {"time": clock}
    if days == 1:
        return _("tomorrow at %(time)s") % {"time": clock}
    return _("on %(date)s at %(time)s") % {
        "date": formats.date_format(ready_at, "d/m"),
        "time": clock,
    }


PURPOSE_NAMES = {
    "marketing_email": gettext_lazy("News and offers by email"),
    "marketing_sms": gettext_lazy("News and offers by SMS"),
    "personalisation": gettext_lazy("Suggestions chosen for me"),
    "in_store_recognition": gettext_lazy("Be recognised when I check in at a store"),
    "order_updates_email": gettext_lazy("Order updates by email"),
    "order_updates_sms": gettext_lazy("Order updates by SMS"),
}


CHANNEL_NAMES = {
    "web": gettext_lazy("Web"),
    "app": gettext_lazy("App"),
    "store": gettext_lazy("Store"),
    "call_centre": gettext_lazy("Call centre"),
    "marketplace": gettext_lazy("Marketplace"),
    # Messages on a customer's timeline (notifications).
    "email": gettext_lazy("Email"),
    "sms": gettext_lazy("SMS"),
}
MODE_NAMES = {
    "home_delivery": gettext_lazy("Home delivery"),
    "click_and_collect": gettext_lazy("Click and collect"),
    "reserve_and_collect": gettext_lazy("Reserve and collect"),
    "ship_to_store": gettext_lazy("Ship to store"),
    "ship_from_store": gettext_lazy("Delivered from a store"),
    "endless_aisle_home": gettext_lazy("Ordered in store, delivered home"),
    "till_sale": gettext_lazy("Sold at the till"),
}
STATUS_NAMES = {
    "awaiting_payment": gettext_lazy("Awaiting payment"),
    "placed": gettext_lazy("Placed"),
    "ready_for_pickup": gettext_lazy("Ready for pickup"),
    "dispatched": gettext_lazy("Dispatched"),
    "collected": gettext_lazy("Collected"),
    "cancelled": gettext_lazy("Cancelled"),
    # What the shopper reads (returns.domain.order_progress_word) beside the stored statuses.
    "open": gettext_lazy("Being prepared"),
    "at_store": gettext_lazy("At the store"),
    "delivered": pgettext_lazy("order status", "Delivered"),
    "partly_returned": gettext_lazy("Partly returned"),
    "returned": gettext_lazy("Returned"),
    "refunded": gettext_lazy("Refunded"),
}


REASON_NAMES = {
    "too_small": gettext_lazy("Too small"),
    "too_big": gettext_lazy("Too big"),
    "other": gettext_lazy("Something else"),
    "changed_mind": gettext_lazy("Changed their mind"),
    "damaged": gettext_lazy("Damaged"),
    "not_as_described": gettext_lazy("Not as described"),
}


@register.filter
def split(text: str) -> list[str]:
    return text.split()


ALERT_KIND_NAMES = {
    "late": gettext_lazy("Late"),
    "no_movement": gettext_lazy("No movement"),
    "failed_attempt": gettext_lazy("Failed delivery attempt"),
    "misrouted": gettext_lazy("Misrouted"),
    "lost": gettext_lazy("Lost"),
    "returned_to_sender": gettext_lazy("Returned to sender"),
}


PARCEL_STATUS_NAMES = {
    "info_received": gettext_lazy("Label created"),
    "in_transit": gettext_lazy("In transit"),
    "out_for_delivery": gettext_lazy("Out for delivery"),
    "failed_attempt": gettext_lazy("Delivery attempt failed"),
    "available_for_pickup": gettext_lazy("Available for pickup"),
    "delivered": gettext_lazy("Delivered"),
    "exception": gettext_lazy("Problem in transit"),
    "returned_to_sender": gettext_lazy("Returned to sender"),
    "expired": gettext_lazy("Expired"),
}


PREFERENCE_KIND_NAMES = {
    "size": gettext_lazy("Size"),
    "sport": gettext_lazy("Sport"),
    "category": gettext_lazy("Category"),
    "contact_channel": gettext_lazy("Contact by"),
}
IDENTITY_KIND_NAMES = {
    "email": gettext_lazy("Email"),
    "phone": gettext_lazy("Phone"),
    "loyalty_card": gettext_lazy("Loyalty card"),
    "app_device": gettext_lazy("App"),
    "store_record": gettext_lazy("Store record"),
}

# A payment's status (orders.models.Payment.Status), as the agent tells the customer.
PAYMENT_STATUS_NAMES = {
    "pending": gettext_lazy("Waiting for the customer to pay"),
    "authorised": gettext_lazy("Card authorised"),
    "declined": gettext_lazy("Card declined"),
    "captured": gettext_lazy("Money taken"),
    "voided": gettext_lazy("Authorisation released"),
    "due_at_pickup": gettext_lazy("To pay in the store"),
}


def _words_for(table: dict[str, Any]) -> Callable[[str], str]:
    """A filter that names a stored code in the reader's language (the code if unknown)."""
    return lambda code: str(table.get(code, code))


# `{{ order.status|status_name }}`: the codes the API returns, in words on the pages.
purpose_name = register.filter("purpose_name", _words_for(PURPOSE_NAMES))
mode_name = register.filter("mode_name", _words_for(MODE_NAMES))
channel_name = register.filter("channel_name", _words_for(CHANNEL_NAMES))
status_name = register.filter("status_name", _words_for(STATUS_NAMES))
reason_name = register.filter("reason_name", _words_for(REASON_NAMES))
alert_kind_name = register.filter("alert_kind_name", _words_for(ALERT_KIND_NAMES))
parcel_status = register.filter("parcel_status", _words_for(PARCEL_STATUS_NAMES))
preference_kind = register.filter("preference_kind", _words_for(PREFERENCE_KIND_NAMES))
identity_kind = register.filter("identity_kind", _words_for(IDENTITY_KIND_NAMES))
payment_status = register.filter("payment_status", _words_for(PAYMENT_STATUS_NAMES))


@register.filter
def phone_display(number: str) -> str:
    """An E.164 number as its country writes it at home (+33472000000 → 04 72 00 00 00)."""
    try:
        parsed = phonenumbers.parse(number, None)
    except phonenumbers.NumberParseException:
        return number
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.NATIONAL)


def _summary_pattern(template: str) -> re.Pattern[str]:
    """ "Order {order_reference} placed" -> a pattern that reads the values back."""
    parts = re.split(r"\{(\w+)\}", template)
    return re.compile(
        "".join(
            re.escape(part) if i % 2 == 0 else f"(?P<{part}>.*?)" for i, part in enumerate(parts)
        )
    )


_TIMELINE_TEMPLATES = {
    kind: (template, _summary_pattern(template)) for kind, template in PURCHASE_SUMMARIES.items()
}


@register.filter
def timeline_words(entry: Any) -> str:
    """A timeline entry in the reader's language: its English summary (the record) read back
    through the catalogue entry it was written from; any other summary as it was stored."""
    if entry.summary == ACCOUNT_CREATED:
        return _(ACCOUNT_CREATED)
    known = _TIMELINE_TEMPLATES.get(entry.kind)
    if known is None:
        return entry.summary
    template, pattern = known
    match = pattern.fullmatch(entry.summary)
    return _(template).format_map(match.groupdict()) if match else entry.summary


_LATE_DETAIL = _summary_pattern(LATE_DETAIL)


@register.filter
def alert_detail(detail: str) -> str:
    """An alert's detail in the reader's language when it is ours ("promised by 2026-09-10, not
    delivered"); a carrier's own words stay as the carrier wrote them."""
    match = _LATE_DETAIL.fullmatch(detail or "")
    if match is None:
        return detail
    try:
        day = spoken_date(date.fromisoformat(match["day"]))
    except ValueError:
        return detail
    return _(LATE_DETAIL).format(day=day)
