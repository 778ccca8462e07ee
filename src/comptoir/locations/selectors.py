"""Reads about stores and warehouses."""

from django.db.models import QuerySet

from .errors import LocationNotFound
from .models import Location


def location_list(*, kind: str | None = None) -> QuerySet[Location]:
    locations = Location.objects.filter(is_active=True)
    return locations.filter(kind=kind) if kind else locations


def location_by_code(*, code: str) -> Location:
    try:
        return Location.objects.get(code=code)
    except Location.DoesNotExist:
        raise LocationNotFound(f"No store or warehouse has the code {code!r}.") from None
