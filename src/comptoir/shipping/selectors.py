"""Reads for shipping: carriers' terms, shipments, the alert queue, a store's parcels."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from django.db.models import Count, Min, Q, QuerySet

from .domain.carriers import PriceBand, ServiceTerms
from .domain.tracking import FINAL_STATUSES
from .errors import AlertNotFound, CarrierNotFound, ShipmentNotFound
from .models import Carrier, CarrierPickup, CarrierService, Shipment, ShipmentAlert, TrackingEvent

FINAL = [status.value for status in FINAL_STATUSES]


def carrier_by_code(*, code: str) -> Carrier:
    try:
        return Carrier.objects.get(code=code)
    except Carrier.DoesNotExist:
        raise CarrierNotFound(f"No carrier {code!r}.") from None


def service_terms(*, carrier_code: str | None = None) -> list[ServiceTerms]:
    services = CarrierService.objects.filter(active=True, carrier__active=True).select_related(
        "carrier"
    )
    if carrier_code:
        services = services.filter(carrier__code=carrier_code)
    return [terms_of(service) for service in services]


def terms_of(service: CarrierService) -> ServiceTerms:
    return ServiceTerms(
        service_id=service.pk,
        carrier_code=service.carrier.code,
        transit_days=service.transit_days,
        cutoff=service.cutoff,
        countries=frozenset(service.countries),
        price_grid=tuple(
            PriceBand(Decimal(kg), Decimal(price)) for kg, price in service.price_grid
        ),
        currency=service.currency,
        pickup_weekdays=frozenset(service.pickup_weekdays),
    )


def shipment_by_id(*, shipment_id: int) -> Shipment:
    try:
        return Shipment.objects.select_related("carrier", "service", "origin").get(pk=shipment_id)
    except Shipment.DoesNotExist:
        raise ShipmentNotFound("No such shipment.") from None


def shipments_for_update(*, carrier_id: int, tracking_numbers: set[str]) -> list[Shipment]:
    """The carrier's shipments with these numbers, locked in pk order (no deadlock between two
    batches touching the same parcels)."""
    return list(
        Shipment.objects.select_for_update(of=("self",))
        .filter(carrier_id=carrier_id, tracking_number__in=tracking_numbers)
        .select_related("origin", "destination_location", "carrier")
        .order_by("pk")
    )


def shipment_by_token(*, token: str) -> Shipment:
    try:
        return Shipment.objects.select_related("carrier", "origin", "destination_location").get(
            tracking_token=token
        )
    except Shipment.DoesNotExist:
        raise ShipmentNotFound("No such shipment.") from None


def events_of(*, shipment_id: int) -> QuerySet[TrackingEvent]:
    return TrackingEvent.objects.filter(shipment_id=shipment_id).order_by("occurred_at", "pk")


def alert_by_id(*, alert_id: int) -> ShipmentAlert:
    try:
        return ShipmentAlert.objects.select_related("shipment").get(pk=alert_id)
    except ShipmentAlert.DoesNotExist:
        raise AlertNotFound("No such alert.") from None


def alert_list(
    *,
    status: str | None = None,
    kind: str | None = None,
    carrier: str | None = None,
    assignee_id: int | None = None,
    store_ids: frozenset[int] | None = None,
) -> QuerySet[ShipmentAlert]:
    alerts = ShipmentAlert.objects.select_related("shipment", "shipment__carrier", "assignee")
    if status:
        alerts = alerts.filter(status=status)
    if kind:
        alerts = alerts.filter(kind=kind)
    if carrier:
        alerts = alerts.filter(shipment__carrier__code=carrier)
    if assignee_id is not None:
        alerts = alerts.filter(assignee_id=assignee_id)
    if store_ids is not None:
        alerts = alerts.filter(
            Q(shipment__origin_id__in=store_ids)
            | Q(shipment__destination_location_id__in=store_ids)
        )
    return alerts


def late_watch_due(*, now: datetime) -> QuerySet[Shipment]:
    return Shipment.objects.filter(late_watch_at__lte=now).order_by("late_watch_at")


def quiet_watch_due(*, now: datetime) -> QuerySet[Shipment]:
    return Shipment.objects.filter(quiet_deadline__lte=now).order_by("quiet_deadline")


def alert_kinds_of(*, shipment_ids: list[int]) -> dict[int, set[str]]:
    kinds: dict[int, set[str]] = {}
    for shipment_id, kind in ShipmentAlert.objects.filter(shipment_id__in=shipment_ids).values_list(
        "shipment_id", "kind"
    ):
        kinds.setdefault(shipment_id, set()).add(kind)
    return kinds


def next_check_due() -> datetime | None:
    """When the scheduled check next has a parcel to look at (two index reads)."""
    late = Shipment.objects.aggregate(at=Min("late_watch_at"))["at"]
    quiet = Shipment.objects.aggregate(at=Min("quiet_deadline"))["at"]
    candidates = [at for at in (late, quiet) if at is not None]
    return min(candidates) if candidates else None


def parcels_of_store(*, location_id: int) -> dict[str, QuerySet[Shipment]]:
    base = Shipment.objects.select_related("carrier", "origin", "destination_location")
    return {
        "inbound": base.filter(destination_location_id=location_id).order_by("-created_at"),
        "outbound": base.filter(origin_id=location_id).order_by("-created_at"),
    }


def pickups_of_store(*, location_id: int, since: object) -> QuerySet[CarrierPickup]:
    return (
        CarrierPickup.objects.filter(location_id=location_id, day__gte=since)
        .select_related("carrier")
        .annotate(parcels=Count("shipments"))
        .order_by("day", "carrier__code")
    )


def delivered_between(*, since: datetime, until: datetime) -> QuerySet[Shipment]:
    return Shipment.objects.filter(delivered_at__gte=since, delivered_at__lt=until)


def alert_counts(*, since: datetime, until: datetime, by: str) -> list[tuple[str, int]]:
    field = {"kind": "kind", "carrier": "shipment__carrier__code"}[by]
    rows = (
        ShipmentAlert.objects.filter(raised_at__gte=since, raised_at__lt=until)
        .values_list(field)
        .annotate(count=Count("pk"))
        .order_by(field)
    )
    return [(key, count) for key, count in rows]


def ready_and_collected(*, since: datetime, until: datetime) -> list[tuple[datetime, datetime]]:
    """For parcels sent to a store: when the carrier made them available, and when the
    carrier recorded them delivered (collected), per shipment."""
    shipments = delivered_between(since=since, until=until).filter(destination_kind="store")
    ready = dict(
        TrackingEvent.objects.filter(shipment__in=shipments, status="available_for_pickup")
        .values_list("shipment_id")
        .annotate(at=Min("occurred_at"))
    )
    return [
        (ready[pk], delivered_at)
        for pk, delivered_at in shipments.values_list("pk", "delivered_at")
        if pk in ready
    ]
