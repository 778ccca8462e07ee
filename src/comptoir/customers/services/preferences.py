"""Preferences: what the person declared, and what we inferred (only with their consent)."""

from __future__ import annotations

from django.db import transaction

from comptoir.catalog.errors import VariantNotFound
from comptoir.catalog.selectors import variant_by_sku
from comptoir.core import clock
from comptoir.core.errors import ValidationFailed
from comptoir.core.outbox import record_event

from .. import events
from ..domain import Purpose
from ..models import Preference
from ..selectors import customer_for_update, may_use
from .guards import ensure_open

PREFERENCE_KINDS = frozenset({"size", "sport", "category", "contact_channel"})


def _check_kind(kind: str) -> None:
    if kind not in PREFERENCE_KINDS:
        raise ValidationFailed(
            f"Unknown preference {kind!r}.",
            errors=[{"field": "kind", "message": f"one of {', '.join(sorted(PREFERENCE_KINDS))}"}],
        )


def declare_preferences(
    *, customer_id: int, preferences: list[tuple[str, str]], channel: str
) -> list[Preference]:
    """Replace the declared preferences with `preferences` ((kind, value) pairs).

    Inferred ones are untouched: they are ours, marked as such, and never overwrite a choice.
    """
    for kind, _ in preferences:
        _check_kind(kind)
    now = clock.now()
    with transaction.atomic():
        customer = customer_for_update(customer_id=customer_id)
        ensure_open(customer)
        Preference.objects.filter(customer=customer, source=Preference.Source.DECLARED).delete()
        rows = Preference.objects.bulk_create(
            [
                Preference(
                    customer=customer,
                    kind=kind,
                    value=value.strip()[:80],
                    source=Preference.Source.DECLARED,
                    updated_at=now,
                )
                for kind, value in dict.fromkeys(preferences)
            ]
        )
        record_event(
            events.PREFERENCE_DECLARED,
            aggregate=f"customer:{customer_id}",
            payload={"customer_id": customer_id, "channel": channel, "count": len(rows)},
        )
    return rows


def infer_preference(*, customer_id: int, kind: str, value: str) -> Preference | None:
    """Note what purchases or browsing suggest. Needs the `personalisation` consent: without
    it nothing is inferred (None). Checked under the profile's lock, which a withdrawal takes
    too: nothing inferred survives a withdrawal that commits after it. Idempotent."""
    _check_kind(kind)
    with transaction.atomic():
        customer_for_update(customer_id=customer_id)
        if not may_use(customer_id=customer_id, purpose=Purpose.PERSONALISATION):
            return None
        preference, created = Preference.objects.get_or_create(
            customer_id=customer_id,
            kind=kind,
            value=value[:80],
            source=Preference.Source.INFERRED,
            defaults={"updated_at": clock.now()},
        )
        if not created:
            preference.updated_at = clock.now()
            preference.save(update_fields=["updated_at"])
    return preference


def infer_from_wished_sku(*, customer_id: int, sku: str) -> Preference | None:
    """A wished product says something of the person's taste: its category, inferred (and
    only with the `personalisation` consent)."""
    try:
        variant = variant_by_sku(sku)
    except VariantNotFound:
        return None
    slug = variant.product.category.slug
    return infer_preference(customer_id=customer_id, kind="category", value=slug)
