"""In-store recognition: a check-in, only ever with the person's consent."""

from __future__ import annotations

from django.db import transaction

from comptoir.core import clock
from comptoir.core.errors import ValidationFailed
from comptoir.core.outbox import record_event
from comptoir.locations.errors import LocationNotFound
from comptoir.locations.selectors import location_by_code

from .. import events
from ..domain import Purpose
from ..errors import CustomerNotFound
from ..models import StoreVisit
from ..selectors import customer_for_update, customer_id_by_identity
from .consent import require_consent
from .guards import ensure_open

CHECK_IN_METHODS = frozenset({"entrance_qr", "loyalty_card"})


def check_in(
    *, customer_id: int, location_code: str, method: str, checked_in_by_id: int | None = None
) -> StoreVisit:
    """Record that the person is in this store now, so its associates can greet them.

    Refused with ConsentRequired (nothing recorded) unless `in_store_recognition` is given.
    """
    if method not in CHECK_IN_METHODS:
        raise ValidationFailed(
            f"Unknown check-in method {method!r}.",
            errors=[{"field": "method", "message": "entrance_qr or loyalty_card"}],
        )
    try:
        location = location_by_code(code=location_code)
    except LocationNotFound:
        location = None
    if location is None or location.kind != location.Kind.STORE or not location.is_active:
        raise ValidationFailed(
            "Check-ins happen at an open store.",
            errors=[{"field": "store", "message": "the code of an open store"}],
        )
    with transaction.atomic():
        customer = customer_for_update(customer_id=customer_id)
        ensure_open(customer)
        require_consent(customer_id=customer_id, purpose=Purpose.IN_STORE_RECOGNITION)
        visit = StoreVisit.objects.create(
            customer_id=customer_id,
            location=location,
            method=method,
            checked_in_by_id=checked_in_by_id,
            checked_in_at=clock.now(),
        )
        record_event(
            events.CHECKED_IN,
            aggregate=f"customer:{customer_id}",
            payload={
                "customer_id": customer_id,
                "location_id": location.pk,
                "location_code": location.code,
                "method": method,
                "channel": "store",
            },
        )
    return visit


def check_in_by_loyalty_card(
    *, loyalty_card: str, location_code: str, checked_in_by_id: int | None = None
) -> StoreVisit:
    """The person whose loyalty card this is is in this store now: an associate scanned it, or
    the person typed or scanned it at the store's kiosk. CustomerNotFound if no profile holds
    the card; the rest as `check_in` (ConsentRequired without consent, nothing recorded)."""
    customer_id = customer_id_by_identity(kind="loyalty_card", value=loyalty_card)
    if customer_id is None:
        raise CustomerNotFound("No profile has this loyalty card.")
    return check_in(
        customer_id=customer_id,
        location_code=location_code,
        method="loyalty_card",
        checked_in_by_id=checked_in_by_id,
    )
