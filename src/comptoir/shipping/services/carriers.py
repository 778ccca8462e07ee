"""Carriers and their services, as operations set them up."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import time
from decimal import Decimal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.db import transaction

from comptoir.core import clock
from comptoir.core.calendar import public_holidays_of
from comptoir.core.errors import ValidationFailed

from ..adapters import ADAPTERS
from ..domain.signatures import new_secret
from ..errors import CarrierNotFound
from ..models import Carrier, CarrierService
from ..selectors import carrier_by_code


def register_carrier(*, code: str, name: str, adapter: str = "fake") -> Carrier:
    """A carrier with a fresh webhook secret to give it. Registering again changes the name."""
    if adapter not in ADAPTERS:
        raise CarrierNotFound(f"No carrier adapter {adapter!r}; known: {', '.join(ADAPTERS)}.")
    carrier, created = Carrier.objects.get_or_create(
        code=code, defaults={"name": name, "adapter": adapter, "webhook_secret": new_secret()}
    )
    if not created and carrier.name != name:
        Carrier.objects.filter(pk=carrier.pk).update(name=name)
        carrier.name = name
    return carrier


def offer_service(
    *,
    carrier_code: str,
    code: str,
    name: str,
    transit_days: int,
    cutoff: time,
    countries: Iterable[str] = ("FR",),
    price_grid: Iterable[tuple[Decimal, Decimal]],
    currency: str = "EUR",
    pickup_weekdays: Iterable[int] = range(6),
) -> CarrierService:
    """Create or update a carrier's service: transit, cut-off, zones, prices, pickup days."""
    with transaction.atomic():
        carrier = Carrier.objects.get(code=carrier_code)
        service, _ = CarrierService.objects.update_or_create(
            carrier=carrier,
            code=code,
            defaults={
                "name": name,
                "transit_days": transit_days,
                "cutoff": cutoff,
                "countries": sorted({c.upper() for c in countries}),
                "price_grid": [[str(kg), str(price)] for kg, price in price_grid],
                "currency": currency,
                "pickup_weekdays": sorted(set(pickup_weekdays)),
            },
        )
    return service


def set_network_calendar(
    *,
    carrier_code: str,
    weekdays: Iterable[int],
    holiday_country: str = "FR",
    holiday_subdivision: str = "",
    timezone: str = "Europe/Paris",
) -> Carrier:
    """When the carrier's network works: the days of the week it moves parcels on and the
    country (and region) whose public holidays it rests on ("" for none). The "no movement"
    and "lost" timers of its parcels count only that time."""
    carrier = carrier_by_code(code=carrier_code)
    days = sorted(set(weekdays))
    errors = []
    if not days or any(day not in range(7) for day in days):
        errors.append({"field": "weekdays", "message": "one to seven days, 0 = Monday"})
    try:
        public_holidays_of(holiday_country, holiday_subdivision or None, clock.now().year)
    except NotImplementedError as unknown:
        errors.append({"field": "holiday_country", "message": str(unknown)})
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        errors.append({"field": "timezone", "message": "not a time zone, e.g. Europe/Paris"})
    if errors:
        raise ValidationFailed("This calendar cannot be used.", errors=errors)
    carrier.working_weekdays, carrier.timezone = days, timezone
    carrier.holiday_country, carrier.holiday_subdivision = holiday_country, holiday_subdivision
    carrier.save(
        update_fields=["working_weekdays", "holiday_country", "holiday_subdivision", "timezone"]
    )
    return carrier
