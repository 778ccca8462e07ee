"""What the tracking page says, in French or English. No Django, no locale: tables."""

from __future__ import annotations

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
_DAYS = {
    "fr": ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"),
    "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
}
_MONTHS = {
    "fr": ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
           "septembre", "octobre", "novembre", "décembre"),
    "en": ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December"),
}  # fmt: skip


def language_of(requested: str | None) -> str:
    return requested if requested in LANGUAGES else "fr"


def status_words(status: str, *, language: str) -> str:
    return STATUS_WORDS[language_of(language)].get(status, status.replace("_", " "))


def spoken_date(day: date, *, language: str) -> str:
    """ "mardi 1 décembre" / "Tuesday 1 December"."""
    language = language_of(language)
    return f"{_DAYS[language][day.weekday()]} {day.day} {_MONTHS[language][day.month - 1]}"


def promise_words(
    *, promised_by: date, estimated: date | None, delivered: bool, language: str
) -> str:
    """One sentence on when it comes: the promise, or the carrier's later date."""
    language = language_of(language)
    if delivered:
        return "Votre colis est arrivé." if language == "fr" else "Your parcel has arrived."
    if estimated is not None and estimated > promised_by:
        day = spoken_date(estimated, language=language)
        if language == "fr":
            return f"Retardé : livraison désormais prévue le {day}."
        return f"Delayed: now expected on {day}."
    day = spoken_date(promised_by, language=language)
    return f"Livraison prévue au plus tard le {day}." if language == "fr" else f"Due by {day}."
