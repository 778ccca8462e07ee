"""What the tracking page says, in French or English. No Django: dates are said by the caller's
`say_date` (comptoir.core.words)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

LANGUAGES = ("fr", "en")

STATUS_WORDS = {
    "fr": {
        "info_received": "Colis annoncé au transporteur",
        "in_transit": "En cours d'acheminement",
        "out_for_delivery": "En cours de livraison",
        "failed_attempt": "Tentative de livraison échouée",
        "available_for_pickup": "Disponible au retrait",
        "delivered": "Livré",
        "exception": "Incident de transport",
        "returned_to_sender": "Retourné à l'expéditeur",
        "expired": "Délai de retrait dépassé",
    },
    "en": {
        "info_received": "Announced to the carrier",
        "in_transit": "In transit",
        "out_for_delivery": "Out for delivery",
        "failed_attempt": "Delivery attempt failed",
        "available_for_pickup": "Ready to collect",
        "delivered": "Delivered",
        "exception": "Held up in transit",
        "returned_to_sender": "Returned to sender",
        "expired": "Not collected in time",
    },
}


def language_of(requested: str | None) -> str:
    return requested if requested in LANGUAGES else "fr"


def status_words(status: str, *, language: str) -> str:
    return STATUS_WORDS[language_of(language)].get(status, status.replace("_", " "))


def promise_words(
    *,
    promised_by: date,
    estimated: date | None,
    delivered: bool,
    language: str,
    say_date: Callable[[date], str],
) -> str:
    """One sentence on when it comes: the promise, or the carrier's later date."""
    language = language_of(language)
    if delivered:
        return "Votre colis est arrivé." if language == "fr" else "Your parcel has arrived."
    if estimated is not None and estimated > promised_by:
        day = say_date(estimated)
        if language == "fr":
            return f"Retardé : livraison désormais prévue le {day}."
        return f"Delayed: now expected on {day}."
    day = say_date(promised_by)
    return f"Livraison prévue au plus tard le {day}." if language == "fr" else f"Due by {day}."
