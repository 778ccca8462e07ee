from __future__ import annotations

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
