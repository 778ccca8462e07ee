from __future__ import annotations

from django.db.models import QuerySet

from .errors import ReturnNotFound
from .models import Return


def return_by_reference(reference: str) -> Return:
    found = (
        Return.objects.select_related("order", "location")
        .prefetch_related("lines__order_line")
        .filter(reference=reference)
        .first()
    )
    if found is None:
        raise ReturnNotFound("No such return.")
    return found


def returns_of_order(order_id: int) -> QuerySet[Return]:
    """An order's returns, oldest first, with where they were taken back."""
    return Return.objects.filter(order_id=order_id).select_related("location").order_by("pk")
