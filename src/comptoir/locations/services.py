"""Write use cases for stores and warehouses."""

from decimal import Decimal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.db import IntegrityError, transaction

from comptoir.core.errors import ValidationFailed
from comptoir.core.outbox import record_event

from . import events
from .errors import LocationCodeTaken
from .models import Location


def open_location(
    *,
    code: str,
    name: str,
    city: str,
    latitude: Decimal,
    longitude: Decimal,
    kind: str = Location.Kind.STORE,
    street: str = "",
    postcode: str = "",
    timezone: str = "Europe/Paris",
) -> Location:
    """Open a store or warehouse; its code is unique and its time zone a real IANA zone."""
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValidationFailed(
            f"{timezone!r} is not a time zone.",
            errors=[{"field": "timezone", "message": "an IANA zone such as Europe/Paris"}],
        ) from None
    taken = LocationCodeTaken(f"A location already has the code {code!r}.")
    with transaction.atomic():
        if Location.objects.filter(code=code).exists():
            raise taken
        try:
            with transaction.atomic():  # a concurrent twin may win the race: 409, not 500
                location = Location.objects.create(
                    code=code,
                    name=name,
                    kind=kind,
                    street=street,
                    postcode=postcode,
                    city=city,
                    latitude=latitude,
                    longitude=longitude,
                    timezone=timezone,
                )
        except IntegrityError:
            raise taken from None
        record_event(
            events.LOCATION_OPENED,
            aggregate=f"location:{location.pk}",
            payload={"location_id": location.pk, "code": code, "name": name, "kind": kind},
        )
    return location
