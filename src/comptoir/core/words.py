"""Dates and money in the reader's language, by Django's localisation: the one place that says them.

Month and weekday names come from Django's own French and English catalogues (``date_format``
under ``translation.override``), amounts from its number formats; no hand-written tables, and the
process locale never changes a word. Domain code returns dates and amounts; the layers that speak
to a person call these.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

from django.utils import formats, translation

LANGUAGES = ("fr", "en")
SYMBOLS = {"EUR": "€", "GBP": "£", "USD": "$"}


def language_of(language: str | None) -> str:
    """A language we speak: "fr" or "en" ("fr-be" is French), French by default."""
    short = (language or "").split("-")[0].lower()
    return short if short in LANGUAGES else "fr"


def current_language() -> str:
    return language_of(translation.get_language())


def spoken_date(day: date, *, language: str | None = None) -> str:
    """ "lundi 7 décembre" / "Monday 7 December"."""
    with translation.override(language_of(language or translation.get_language())):
        return formats.date_format(day, "l j F")


def spoken_amount(amount: str | Decimal, currency: str, *, language: str | None = None) -> str:
    """ "1 234,50 €" / "€1,234.50"; an amount that is not a number is said as it came."""
    try:
        value = Decimal(amount).quantize(Decimal("0.01"))
    except InvalidOperation:
        return f"{amount} {currency}"
    language = language_of(language or translation.get_language())
    with translation.override(language):
        number = formats.number_format(value, 2, use_l10n=True, force_grouping=True)
    symbol = SYMBOLS.get(currency)
    if language == "fr":
        return f"{number}\u00a0{symbol or currency}"
    return f"{symbol}{number}" if symbol else f"{currency} {number}"
