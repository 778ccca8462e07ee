"""Reads about customers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import QuerySet

from .domain import PURPOSES, IdentityKind, InvalidIdentity, normalise_identity
from .errors import CustomerNotFound
from .models import ConsentRecord, Customer, Identity, TimelineEntry


@dataclass(frozen=True)
class ContactDetails:
    """How to reach a person, for the apps that write to them (check `may_use` first)."""

    customer_id: int
    first_name: str
    last_name: str
    email: str | None
    phone: str | None
    language: str  # "fr" | "en"


def customer_by_id(*, customer_id: int) -> Customer:
    try:
        return Customer.objects.select_related("favourite_location").get(pk=customer_id)
    except Customer.DoesNotExist:
        raise CustomerNotFound("No such customer.") from None


def customer_for_update(*, customer_id: int) -> Customer:
    """The customer, its row locked until the end of the transaction."""
    try:
        return Customer.objects.select_for_update().get(pk=customer_id)
    except Customer.DoesNotExist:
        raise CustomerNotFound("No such customer.") from None


def customer_id_for_user(*, user_id: int) -> int | None:
    return Customer.objects.filter(user_id=user_id).values_list("pk", flat=True).first()


def timeline_of(*, customer_id: int) -> QuerySet[TimelineEntry]:
    return TimelineEntry.objects.filter(customer_id=customer_id).order_by("-occurred_at", "-id")


def contact_details(*, customer_id: int) -> ContactDetails:
    """Raises CustomerNotFound. An erased profile has no email or phone any more."""
    row = (
        Customer.objects.filter(pk=customer_id)
        .values("first_name", "last_name", "email", "phone", "language")
        .first()
    )
    if row is None:
        raise CustomerNotFound("No such customer.")
    language = row["language"] if row["language"] in {"fr", "en"} else "fr"
    return ContactDetails(
        customer_id=customer_id,
        first_name=row["first_name"],
        last_name=row["last_name"],
        email=row["email"] or None,
        phone=row["phone"] or None,
        language=language,
    )


def consent_in_force(*, customer_id: int, purpose: str) -> ConsentRecord | None:
    return (
        ConsentRecord.objects.filter(customer_id=customer_id, purpose=purpose)
        .order_by("-recorded_at", "-id")
        .first()
    )


def may_use(*, customer_id: int, purpose: str) -> bool:
    """True only if the latest consent for `purpose` grants it. No record: no consent.

    An unknown purpose raises ValueError: a typo must not silently read as "no".
    """
    if purpose not in PURPOSES:
        raise ValueError(f"unknown purpose {purpose!r}; one of {sorted(PURPOSES)}")
    granted = (
        ConsentRecord.objects.filter(
            customer_id=customer_id,
            purpose=purpose,
            customer__erased_at__isnull=True,
            customer__merged_into__isnull=True,
        )
        .order_by("-recorded_at", "-id")
        .values_list("granted", flat=True)
        .first()
    )
    return bool(granted)


def consents_in_force(*, customer_id: int) -> dict[str, ConsentRecord | None]:
    """Every purpose with the record in force (None: never asked, so not given)."""
    in_force: dict[str, ConsentRecord | None] = dict.fromkeys(sorted(PURPOSES))
    for record in ConsentRecord.objects.filter(customer_id=customer_id).order_by(
        "recorded_at", "id"
    ):
        in_force[record.purpose] = record
    return in_force


def consent_history(*, customer_id: int) -> QuerySet[ConsentRecord]:
    return ConsentRecord.objects.filter(customer_id=customer_id).order_by("-recorded_at", "-id")


def identities_of(*, customer_id: int) -> QuerySet[Identity]:
    return Identity.objects.filter(customer_id=customer_id).order_by("kind", "id")


def customer_id_by_identity(*, kind: str, value: str) -> int | None:
    """The profile a verified identity names; else the only profile an unverified one names.

    Two profiles sharing an unverified value are not the same person: None, never a guess.
    One indexed probe on (kind, value).
    """
    if kind not in set(IdentityKind):
        return None
    try:
        value = normalise_identity(kind, value)
    except InvalidIdentity:
        return None
    rows = list(
        Identity.objects.filter(kind=kind, value=value, customer__merged_into__isnull=True)
        .order_by("-verified", "id")
        .values_list("customer_id", "verified")[:2]
    )
    if not rows:
        return None
    if rows[0][1] or len(rows) == 1:
        return rows[0][0]
    return None


def recent_visitors(*, location_id: int, since: datetime) -> QuerySet[Customer]:
    """Profiles checked in at this store since `since`, who still consent to be recognised."""
    return (
        Customer.objects.filter(
            store_visits__location_id=location_id, store_visits__checked_in_at__gte=since
        )
        .distinct()
        .order_by("last_name", "first_name", "id")
    )
