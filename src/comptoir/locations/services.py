"""Write use cases for stores and warehouses: open one, set its hours, closures and services."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import phonenumbers
from django.db import IntegrityError, transaction

from comptoir.core.errors import ValidationFailed
from comptoir.core.outbox import record_event

from . import directory, events
from .domain import ServiceOffer, WeeklyRange, overlapping_ranges
from .errors import LocationCodeTaken
from .models import Closure, Location, LocationService, OpeningHours, Service
from .selectors import location_for_update

# Paths under /api/v1/locations/ that a location code would shadow.
RESERVED_CODES = frozenset({"nearest"})
# A closure declared over a range covers at most this many days: a longer one is a typo.
MAX_CLOSURE_DAYS = 366
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def open_location(
    *,
    code: str,
    name: str,
    city: str,
    latitude: Decimal,
    longitude: Decimal,
    kind: str = Location.Kind.STORE,
    street: str = "",
    phone: str = "",
    postcode: str = "",
    timezone: str = "Europe/Paris",
) -> Location:
    """Open a store or warehouse; its code is unique and its time zone a real IANA zone."""
    if code in RESERVED_CODES:
        raise ValidationFailed(
            f"{code!r} cannot be a location code: it names a page of the API.",
            errors=[{"field": "code", "message": "reserved word"}],
        )
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
                    phone=phone,
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


def _clock(moment: time | None) -> str | None:
    return None if moment is None else moment.isoformat(timespec="minutes")


def _wall_clock_minutes(*moments: time | None, field: str) -> None:
    # Hours are the store's wall clock to the minute: an offset would mean another zone.
    if any(
        moment is not None and (moment.tzinfo is not None or moment.second or moment.microsecond)
        for moment in moments
    ):
        raise ValidationFailed(
            "Opening times are the store's local time in whole minutes, without an offset.",
            errors=[{"field": field, "message": "a local time such as 10:00, without offset"}],
        )


def set_opening_hours(
    *, location_code: str, opening_hours: Sequence[WeeklyRange]
) -> list[OpeningHours]:
    """Replace the location's weekly hours with `opening_hours`, all at once.

    Ranges may not overlap, a late one running past midnight included. A day without a range
    is a closed day. Records `location.opening_hours_changed` only when the hours change.
    """
    _wall_clock_minutes(
        *(t for r in opening_hours for t in (r.opens, r.closes)), field="opening_hours"
    )
    for weekly in opening_hours:
        if not 0 <= weekly.weekday <= 6 or weekly.opens == weekly.closes:
            raise ValidationFailed(
                "Each range has a weekday from 0 (Monday) to 6 and opens before it closes.",
                errors=[{"field": "opening_hours", "message": "weekday 0-6, opens ≠ closes"}],
            )
    clash = overlapping_ranges(opening_hours)
    if clash:
        first, second = clash
        raise ValidationFailed(
            f"{WEEKDAYS[first.weekday]} {_clock(first.opens)}-{_clock(first.closes)} overlaps "
            f"{WEEKDAYS[second.weekday]} {_clock(second.opens)}-{_clock(second.closes)}.",
            errors=[{"field": "opening_hours", "message": "ranges overlap"}],
        )
    wanted = sorted({(r.weekday, r.opens, r.closes) for r in opening_hours})
    with transaction.atomic():
        location = location_for_update(code=location_code)
        current = sorted(location.opening_hours.values_list("weekday", "opens", "closes"))
        if current != wanted:
            location.opening_hours.all().delete()
            OpeningHours.objects.bulk_create(
                OpeningHours(location=location, weekday=d, opens=o, closes=c) for d, o, c in wanted
            )
            directory.forget()  # a bulk write sends no signal
            record_event(
                events.OPENING_HOURS_CHANGED,
                aggregate=f"location:{location.pk}",
                payload={
                    "location_id": location.pk,
                    "code": location.code,
                    "opening_hours": [
                        {"weekday": d, "opens": _clock(o), "closes": _clock(c)}
                        for d, o, c in wanted
                    ],
                },
            )
        return list(location.opening_hours.order_by("weekday", "opens"))


def declare_closure(
    *,
    location_code: str,
    date: date,
    opens: time | None = None,
    closes: time | None = None,
    reason: str = "",
) -> tuple[Closure, bool]:
    """Say that on `date` the weekly hours do not apply: closed, or open only opens-closes.

    One closure per location and day: declaring the day again replaces it. Returns the closure
    and whether it is new. Records `location.closure_declared` unless nothing changed.
    """
    _wall_clock_minutes(opens, closes, field="opens")
    if (opens is None) != (closes is None) or (opens is not None and opens == closes):
        raise ValidationFailed(
            "Special hours need both an opening and a closing time, and they differ.",
            errors=[{"field": "closes", "message": "give opens and closes, or neither"}],
        )
    with transaction.atomic():
        location = location_for_update(code=location_code)
        wanted = {"opens": opens, "closes": closes, "reason": reason}
        closure = Closure.objects.filter(location=location, date=date).first()
        if closure and all(getattr(closure, k) == v for k, v in wanted.items()):
            return closure, False
        closure, created = Closure.objects.update_or_create(
            location=location, date=date, defaults=wanted
        )
        record_event(
            events.CLOSURE_DECLARED,
            aggregate=f"location:{location.pk}",
            payload={
                "location_id": location.pk,
                "code": location.code,
                "date": date.isoformat(),
                "opens": _clock(opens),
                "closes": _clock(closes),
                "reason": reason,
            },
        )
    return closure, created


def set_location_services(
    *, location_code: str, services: Sequence[ServiceOffer]
) -> list[LocationService]:
    """Replace the services a store offers, each once, with its pickup lead time.

    Warehouses serve no customer at their door: they offer none. Records
    `location.services_changed` only when the offer changes.
    """
    names = [offer.service for offer in services]
    unknown = sorted(set(names) - set(Service.values))
    if unknown or len(set(names)) != len(names):
        raise ValidationFailed(
            f"Each service is one of {', '.join(Service.values)}, listed once.",
            errors=[{"field": "services", "message": "known services, each once"}],
        )
    if any(not 0 <= offer.pickup_lead_minutes <= 7 * 24 * 60 for offer in services):
        raise ValidationFailed(
            "A pickup lead time is between 0 and 10,080 minutes (a week).",
            errors=[{"field": "services", "message": "pickup_lead_minutes between 0 and 10080"}],
        )
    wanted = sorted((offer.service, offer.pickup_lead_minutes) for offer in services)
    with transaction.atomic():
        location = location_for_update(code=location_code)
        if wanted and location.kind != Location.Kind.STORE:
            raise ValidationFailed(
                "Only stores offer services to customers.",
                errors=[{"field": "services", "message": "a warehouse offers none"}],
            )
        current = sorted(location.services.values_list("service", "pickup_lead_minutes"))
        if current != wanted:
            location.services.all().delete()
            LocationService.objects.bulk_create(
                LocationService(location=location, service=name, pickup_lead_minutes=lead)
                for name, lead in wanted
            )
            directory.forget()  # a bulk write sends no signal
            record_event(
                events.SERVICES_CHANGED,
                aggregate=f"location:{location.pk}",
                payload={
                    "location_id": location.pk,
                    "code": location.code,
                    "services": [
                        {"service": name, "pickup_lead_minutes": lead} for name, lead in wanted
                    ],
                },
            )
        return list(location.services.order_by("service"))


def _e164(phone: str, *, country: str) -> str:
    try:
        number = phonenumbers.parse(phone, country)
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_valid_number(number):
        raise ValidationFailed(
            f"{phone!r} is not a phone number.",
            errors=[{"field": "phone", "message": "a phone number such as +33 4 72 00 00 00"}],
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def update_location_details(
    *, location_code: str, name: str, street: str, postcode: str, city: str, phone: str
) -> Location:
    """Set how customers find and call a location: its name, address and phone (E.164).

    A national phone number is read in the location's country. Records
    `location.details_changed` only when something changes.
    """
    if not name.strip() or not city.strip():
        raise ValidationFailed(
            "A location has a name and a town.",
            errors=[
                {"field": field, "message": "required"}
                for field, value in (("name", name), ("city", city))
                if not value.strip()
            ],
        )
    with transaction.atomic():
        location = location_for_update(code=location_code)
        wanted = {
            "name": name.strip(),
            "street": street.strip(),
            "postcode": postcode.strip(),
            "city": city.strip(),
            "phone": _e164(phone, country=location.country) if phone.strip() else "",
        }
        if all(getattr(location, k) == v for k, v in wanted.items()):
            return location
        for k, v in wanted.items():
            setattr(location, k, v)
        location.save(update_fields=list(wanted))
        directory.forget()
        record_event(
            events.DETAILS_CHANGED,
            aggregate=f"location:{location.pk}",
            payload={"location_id": location.pk, "code": location.code, **wanted},
        )
    return location


def declare_closures(
    *, location_code: str, first_day: date, last_day: date, reason: str = ""
) -> list[Closure]:
    """Close the location every day from `first_day` to `last_day`, both included, at once.

    Each day is `declare_closure` (so one event per day that changes); all or none are saved.
    """
    days = (last_day - first_day).days + 1
    if not 1 <= days <= MAX_CLOSURE_DAYS:
        raise ValidationFailed(
            f"A closure runs forward over 1 to {MAX_CLOSURE_DAYS} days.",
            errors=[{"field": "last_day", "message": "on or after the first day, within a year"}],
        )
    with transaction.atomic():
        return [
            declare_closure(
                location_code=location_code, date=first_day + timedelta(days=n), reason=reason
            )[0]
            for n in range(days)
        ]
