"""Carrier services: when a parcel handed over now arrives, what it costs, which one to pick."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

SUNDAY = 6


@dataclass(frozen=True)
class PriceBand:
    up_to_kg: Decimal
    price: Decimal


@dataclass(frozen=True)
class ServiceTerms:
    """A carrier service as the rules see it. Times are local to the shipping store."""

    service_id: int
    carrier_code: str
    transit_days: int  # working days (Monday to Saturday) after the collection day
    cutoff: time  # handed over after this, it leaves the next collection day
    countries: frozenset[str]
    price_grid: tuple[PriceBand, ...]
    currency: str
    pickup_weekdays: frozenset[int]  # 0 = Monday; the days the carrier collects from stores


@dataclass(frozen=True)
class ServiceQuote:
    service_id: int
    carrier_code: str
    price: Decimal
    currency: str
    collected_on: date
    delivered_by: date
    meets_promise: bool


def _is_working_day(day: date) -> bool:
    return day.weekday() != SUNDAY


def collection_day(terms: ServiceTerms, *, ready_at: datetime) -> date:
    """The first day the carrier collects on, at or after `ready_at` (local), cut-off included."""
    day = ready_at.date()
    if ready_at.time() > terms.cutoff:
        day += timedelta(days=1)
    weekdays = terms.pickup_weekdays or frozenset(range(6))
    for _ in range(14):
        if day.weekday() in weekdays:
            return day
        day += timedelta(days=1)
    raise ValueError(f"service {terms.service_id} never collects")


def add_working_days(day: date, days: int) -> date:
    while days > 0:
        day += timedelta(days=1)
        if _is_working_day(day):
            days -= 1
    return day


def price_for(terms: ServiceTerms, *, weight_kg: Decimal) -> Decimal | None:
    """The price of the first band the weight fits in; None if it is too heavy."""
    for band in sorted(terms.price_grid, key=lambda band: band.up_to_kg):
        if weight_kg <= band.up_to_kg:
            return band.price
    return None


def quote(
    terms: ServiceTerms, *, ready_at: datetime, weight_kg: Decimal, promised_by: date
) -> ServiceQuote | None:
    price = price_for(terms, weight_kg=weight_kg)
    if price is None:
        return None
    collected = collection_day(terms, ready_at=ready_at)
    delivered = add_working_days(collected, terms.transit_days)
    return ServiceQuote(
        terms.service_id,
        terms.carrier_code,
        price,
        terms.currency,
        collected,
        delivered,
        delivered <= promised_by,
    )


def choose_service(
    services: Sequence[ServiceTerms],
    *,
    country: str,
    ready_at: datetime,
    weight_kg: Decimal,
    promised_by: date,
    preferred_carrier: str | None = None,
) -> ServiceQuote | None:
    """The preferred carrier's cheapest service if it keeps the promise, else the cheapest
    service that keeps it, else (the promise is lost anyway) the one that arrives first."""
    quotes = [
        q
        for terms in services
        if country in terms.countries
        and (q := quote(terms, ready_at=ready_at, weight_kg=weight_kg, promised_by=promised_by))
    ]
    keeping = sorted(
        (q for q in quotes if q.meets_promise), key=lambda q: (q.price, q.delivered_by)
    )
    if preferred_carrier:
        preferred = [q for q in keeping if q.carrier_code == preferred_carrier]
        if preferred:
            return preferred[0]
    if keeping:
        return keeping[0]
    late = sorted(quotes, key=lambda q: (q.delivered_by, q.price))
    return late[0] if late else None
