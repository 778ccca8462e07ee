"""Which message an event makes, through which channels, and dates in the customer's words."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

EMAIL = "email"
SMS = "sms"
CONSENT_PURPOSE = {EMAIL: "order_updates_email", SMS: "order_updates_sms"}
LANGUAGES = ("fr", "en")

_DAYS = {
    "fr": ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"],
    "en": ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"],
}
_MONTHS = {
    "fr": ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
           "septembre", "octobre", "novembre", "décembre"],
    "en": ["January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December"],
}  # fmt: skip


def language_of(language: str | None) -> str:
    return language if language in LANGUAGES else "fr"


def spoken_date(day: date, *, language: str) -> str:
    """ "vendredi 6 mars" / "Friday 6 March": no locale needed on the server."""
    language = language_of(language)
    return f"{_DAYS[language][day.weekday()]} {day.day} {_MONTHS[language][day.month - 1]}"


def spoken_amount(amount: str, currency: str, *, language: str) -> str:
    try:
        value = Decimal(amount).quantize(Decimal("0.01"))
    except InvalidOperation:
        return f"{amount} {currency}"
    if language_of(language) == "fr":
        return f"{str(value).replace('.', ',')} {'€' if currency == 'EUR' else currency}"
    return f"{'€' if currency == 'EUR' else currency + ' '}{value}"


def is_worth_sending(kind: str, payload: dict[str, Any]) -> str:
    """An empty string if the message should go, else why not."""
    if payload.get("customer_id") is None:
        return "no customer"
    if kind == "delivered" and payload.get("destination_kind") == "store":
        return "delivered to a store: 'ready for pickup' tells the customer"
    return ""
