"""Carriers and their services, as operations set them up."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import time
from decimal import Decimal

from django.db import transaction

from ..adapters import ADAPTERS
from ..domain.signatures import new_secret
from ..errors import CarrierNotFound
from ..models import Carrier, CarrierService


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
