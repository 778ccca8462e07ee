"""Checks every write use case shares."""

from __future__ import annotations

from ..errors import ProfileClosed
from ..models import Customer


def ensure_open(customer: Customer) -> None:
    """Nothing new is recorded on a merged or erased profile: it belongs to the survivor."""
    if customer.merged_into_id is not None or customer.erased_at is not None:
        raise ProfileClosed(f"Profile {customer.pk} was merged or erased.")
