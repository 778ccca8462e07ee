"""Identities: every way to recognise a person, and deterministic matching on verified ones."""

from __future__ import annotations

from django.db import IntegrityError, transaction

from comptoir.core import clock
from comptoir.core.errors import ValidationFailed
from comptoir.core.outbox import record_event

from .. import events
from ..domain import (
    MATCHING_KINDS,
    IdentityKind,
    InvalidIdentity,
    identity_is_verified_on_arrival,
    normalise_identity,
)
from ..errors import IdentityTaken
from ..models import Customer, Identity
from ..selectors import customer_for_update
from .guards import ensure_open
from .merge import merge_profiles


def normalised(kind: str, value: str, *, field: str = "value") -> str:
    """The identity as stored, or a 422 naming the field."""
    if kind not in set(IdentityKind):
        raise ValidationFailed(
            f"Unknown identity kind {kind!r}.",
            errors=[{"field": "kind", "message": f"one of {', '.join(sorted(IdentityKind))}"}],
        )
    try:
        return normalise_identity(kind, value)
    except InvalidIdentity as error:
        raise ValidationFailed(
            f"{value!r} is not a valid {kind.replace('_', ' ')}.",
            errors=[{"field": field, "message": str(error)}],
        ) from None


def add_identity(
    *,
    customer_id: int,
    kind: str,
    value: str,
    channel: str,
    confirmed: bool = False,
    added_by_id: int | None = None,
) -> Identity:
    """Attach an identity to a profile; returns it as stored (on the survivor after a match).

    A loyalty card, app device or store record is verified on arrival (we issued it); an email
    or a phone only when `confirmed`. A verified email or phone another profile also holds
    verified is the same person: the two profiles are merged (the older survives), audited.
    Another profile's verified loyalty card, app device or store record is a conflict (409),
    never a merge. An unverified value is attached as such and merges nothing.
    """
    value = normalised(kind, value)
    verified = identity_is_verified_on_arrival(kind, confirmed=confirmed)
    with transaction.atomic():
        customer = customer_for_update(customer_id=customer_id)
        ensure_open(customer)
        holder = (
            Identity.objects.filter(kind=kind, value=value, verified=True)
            .exclude(customer_id=customer_id)
            .values_list("customer_id", flat=True)
            .first()
        )
        if verified and holder is not None:
            if kind not in MATCHING_KINDS:
                raise IdentityTaken(
                    f"Another profile holds this {kind.replace('_', ' ')}.",
                    errors=[{"field": "value", "message": "held by another profile"}],
                )
            survivor_id, merged_id = sorted((holder, customer_id))
            merge_profiles(
                survivor_id=survivor_id,
                merged_id=merged_id,
                reason=f"same verified {kind}",
                merged_by_id=added_by_id,
            )
            return Identity.objects.get(kind=kind, value=value, verified=True)
        identity = _attach(customer, kind=kind, value=value, verified=verified, channel=channel)
        record_event(
            events.IDENTITY_ADDED,
            aggregate=f"customer:{customer_id}",
            payload={
                "customer_id": customer_id,
                "kind": kind,
                "verified": identity.verified,
                "channel": channel,
            },
        )
    return identity


def _attach(customer: Customer, *, kind: str, value: str, verified: bool, channel: str) -> Identity:
    identity, created = Identity.objects.get_or_create(
        customer=customer,
        kind=kind,
        value=value,
        defaults={"verified": verified, "channel": channel, "added_at": clock.now()},
    )
    if not created and verified and not identity.verified:
        identity.verified = True
        try:
            with transaction.atomic():
                identity.save(update_fields=["verified"])
        except IntegrityError:  # a concurrent twin verified it on another profile first
            raise IdentityTaken("Another profile holds this identity.") from None
    # The first email or phone is the one the apps write to.
    if kind == IdentityKind.PHONE and not customer.phone:
        customer.phone = value
        customer.save(update_fields=["phone"])
    elif (
        kind == IdentityKind.EMAIL
        and not customer.email
        and not Customer.objects.filter(email=value).exclude(pk=customer.pk).exists()
    ):
        customer.email = value
        customer.save(update_fields=["email"])
    return identity
