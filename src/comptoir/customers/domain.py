"""Pure rules about people: purposes of consent, identities and how they are normalised."""

from __future__ import annotations

from enum import StrEnum

import phonenumbers


class Purpose(StrEnum):
    """What personal data may be used for; each needs its own consent."""

    MARKETING_EMAIL = "marketing_email"
    MARKETING_SMS = "marketing_sms"
    PERSONALISATION = "personalisation"
    IN_STORE_RECOGNITION = "in_store_recognition"
    ORDER_UPDATES_EMAIL = "order_updates_email"
    ORDER_UPDATES_SMS = "order_updates_sms"


PURPOSES = frozenset(purpose.value for purpose in Purpose)
# Telling a shopper about their own order (confirmation, pickup code, delay, refund) is part of
# the contract: it goes unless they opted out. Every other purpose needs a consent given.
OPT_OUT_PURPOSES = frozenset({Purpose.ORDER_UPDATES_EMAIL.value, Purpose.ORDER_UPDATES_SMS.value})
# What we inferred under a consent goes when the consent does (`record_consent`).
INFERRED_UNDER = Purpose.PERSONALISATION


def allowed_by(purpose: str, latest_answer: bool | None) -> bool:
    """Whether `purpose` may be used, given the person's latest answer (None: never asked)."""
    if latest_answer is None:
        return purpose in OPT_OUT_PURPOSES
    return latest_answer


class IdentityKind(StrEnum):
    EMAIL = "email"
    PHONE = "phone"
    LOYALTY_CARD = "loyalty_card"
    APP_DEVICE = "app_device"
    STORE_RECORD = "store_record"


# Identities we issue ourselves are proof of who holds them; an email or a phone number is
# proof only once its holder has confirmed it (a link clicked, a code read back).
ISSUED_BY_US = frozenset(
    {IdentityKind.LOYALTY_CARD, IdentityKind.APP_DEVICE, IdentityKind.STORE_RECORD}
)
# Matching two profiles into one person is decided on these, verified on both sides.
MATCHING_KINDS = frozenset({IdentityKind.EMAIL, IdentityKind.PHONE})


class InvalidIdentity(ValueError):
    """The value cannot be an identity of this kind; the message says why, for a person."""


def normalise_email(value: str) -> str:
    value = value.strip().lower()
    local, _, domain = value.partition("@")
    if not local or "." not in domain or any(c.isspace() for c in value):
        raise InvalidIdentity("an email address such as jean.martin@example.fr")
    return value


def normalise_phone(value: str, *, default_region: str = "FR") -> str:
    """E.164 (`+33612345678`). A national number is read in `default_region`."""
    try:
        number = phonenumbers.parse(value, default_region)
    except phonenumbers.NumberParseException:
        raise InvalidIdentity("a phone number such as +33 6 12 34 56 78") from None
    if not phonenumbers.is_valid_number(number):
        raise InvalidIdentity("a phone number that exists, such as +33 6 12 34 56 78")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def normalise_identity(kind: str, value: str) -> str:
    if kind == IdentityKind.EMAIL:
        return normalise_email(value)
    if kind == IdentityKind.PHONE:
        return normalise_phone(value)
    value = value.strip().replace(" ", "").upper()
    if not value or len(value) > 64 or not value.replace("-", "").isalnum():
        raise InvalidIdentity("letters, digits and dashes, at most 64")
    return value


def identity_is_verified_on_arrival(kind: str, *, confirmed: bool) -> bool:
    return kind in ISSUED_BY_US or confirmed


ENTRANCE_QR_PREFIX = "COMPTOIR-CHECK-IN:"


def entrance_qr_payload(store_code: str) -> str:
    """What the QR at a store's entrance says; the shopper's app reads the store code from it."""
    return f"{ENTRANCE_QR_PREFIX}{store_code}"


def entrance_qr_svg(store_code: str) -> str:
    import segno  # imported here: only the poster needs it

    return str(segno.make(entrance_qr_payload(store_code), error="m").svg_inline(scale=6))


def check_in_qr_svg(url: str) -> str:
    """The entrance QR as a web address: any phone's camera opens the store's check-in page in
    the storefront, where a signed-in shopper taps "I'm here" (no app needed)."""
    import segno  # imported here: only the poster needs it

    return str(segno.make(url, error="m").svg_inline(scale=4))
