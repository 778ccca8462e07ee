"""Reads for shipping: carriers' terms, shipments, the alert queue, a store's parcels."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import Count, F, Max, Min, Q, QuerySet

from comptoir.core.access import Actor, authorize
from comptoir.core.errors import NotAuthenticated, PermissionDenied
from comptoir.core.words import spoken_date
from comptoir.customers.errors import CustomerNotFound
from comptoir.customers.selectors import contact_details
from comptoir.locations.domain import GeoPoint
from comptoir.locations.selectors import locations_by_id, nearest_locations

from .domain.alerts import AlertKind
from .domain.carriers import PriceBand, ServiceTerms
from .domain.tracking import FINAL_STATUSES
from .domain.words import LANGUAGES, promise_words, status_words
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


# What taking scans in reads and writes of a shipment, and nothing else: a batch reads a
# hundred of them, and loading every column was a fifth of the batch's time (measured).
TRACKING_FIELDS = (
    "id",
    "reference",
    "order_id",
    "order_reference",
    "customer_id",
    "carrier_id",
    "tracking_number",
    "tracking_token",
    "promised_by",
    "origin_id",
    "destination_kind",
    "destination_location_id",
    "destination_latitude",
    "destination_longitude",
    "status",
    "status_at",
    "last_scan_at",
    "delivered_at",
    "estimated_delivery",
    "estimated_at",
)


def shipments_for_update(*, carrier: Carrier, tracking_numbers: set[str]) -> list[Shipment]:
    """The carrier's shipments with these numbers, locked in pk order (no deadlock between two
    batches touching the same parcels), with their carrier and places attached."""
    shipments = list(
        Shipment.objects.select_for_update()
        .filter(carrier_id=carrier.pk, tracking_number__in=tracking_numbers)
        .only(*TRACKING_FIELDS)
        .order_by("pk")
    )
    place_ids = {s.origin_id for s in shipments} | {
        s.destination_location_id for s in shipments if s.destination_location_id
    }
    places = locations_by_id(place_ids, fields=("latitude", "longitude"))
    for shipment in shipments:
        shipment.carrier = carrier
        shipment.origin = places[shipment.origin_id]
        if shipment.destination_location_id:
            shipment.destination_location = places[shipment.destination_location_id]
    return shipments


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


def access_alert_by_id(actor: Actor, alert_id: int, *, permission: str) -> ShipmentAlert:
    """The one way any caller reaches a parcel alert, for `permission` ("shipping.read",
    "shipping.manage"). An alert belongs to the stores its parcel leaves from or goes to (the
    rule `alert_list` filters the queue by): a store-scoped member acting on another store's
    alert gets PermissionDenied. Reads only: a refusal has no side effect."""
    if not actor.is_authenticated:
        raise NotAuthenticated("Sign in or send an API token to use this.")
    authorize(actor, permission)
    alert = alert_by_id(alert_id=alert_id)
    ours = ShipmentAlert.objects.filter(_alert_of_stores(actor.store_ids or ()), pk=alert.pk)
    if actor.store_ids is not None and not ours.exists():
        raise PermissionDenied("This alert is on a parcel of a store you are not assigned to.")
    return alert


def _alert_of_stores(store_ids: Collection[int]) -> Q:
    """The alerts of these stores: on parcels leaving from or going to one of them."""
    ids = list(store_ids)
    return Q(shipment__origin_id__in=ids) | Q(shipment__destination_location_id__in=ids)


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
        alerts = alerts.filter(_alert_of_stores(store_ids))
    return alerts


def polling_due(*, before: datetime, limit: int) -> list[int]:
    """Parcels under way with a polling carrier, neither heard of nor asked about since
    `before`; the least recently asked first, so that none waits behind the others."""
    return list(
        Shipment.objects.exclude(status__in=FINAL)
        .filter(carrier__polls_tracking=True, status_at__lt=before)
        .filter(Q(polled_at__isnull=True) | Q(polled_at__lt=before))
        .order_by(F("polled_at").asc(nulls_first=True), "pk")
        .values_list("pk", flat=True)[:limit]
    )


def late_watch_due(*, now: datetime) -> QuerySet[Shipment]:
    return Shipment.objects.filter(late_watch_at__lte=now).order_by("late_watch_at")


def quiet_watch_due(*, now: datetime) -> QuerySet[Shipment]:
    return Shipment.objects.filter(quiet_deadline__lte=now).order_by("quiet_deadline")


def shipment_to_watch(*, shipment_id: int) -> Shipment:
    """The parcel as it is now, its row locked (not its carrier's), with its carrier: what the
    scheduled check decides on, so that a scan taken in meanwhile is seen, not overwritten."""
    return (
        Shipment.objects.select_for_update(of=("self",))
        .select_related("carrier")
        .get(pk=shipment_id)
    )


def open_incident_for_update(*, shipment_id: int) -> ShipmentAlert | None:
    """The parcel's open incident, locked (there is at most one: a partial unique index)."""
    return (
        ShipmentAlert.objects.select_for_update()
        .filter(shipment_id=shipment_id, status=ShipmentAlert.Status.OPEN)
        .first()
    )


def incident_statuses() -> list[str]:
    """open; resolved (by a person); closed (by the parcel: it moved again or was delivered)."""
    return list(ShipmentAlert.Status.values)


def incident_kinds(incident: ShipmentAlert) -> set[AlertKind]:
    return {AlertKind(entry["kind"]) for entry in incident.history} | {AlertKind(incident.kind)}


def shipments_with_open_incident(*, shipment_ids: list[int]) -> set[int]:
    return set(
        ShipmentAlert.objects.filter(
            shipment_id__in=shipment_ids, status=ShipmentAlert.Status.OPEN
        ).values_list("shipment_id", flat=True)
    )


def scans_accounted_for(*, shipment_ids: list[int]) -> dict[int, datetime]:
    """Per parcel, the time up to which its scans were dealt with by a closed incident."""
    rows = (
        ShipmentAlert.objects.filter(shipment_id__in=shipment_ids, closed_by_scan_at__isnull=False)
        .values("shipment_id")
        .annotate(until=Max("closed_by_scan_at"))
        .values_list("shipment_id", "until")
    )
    return dict(rows)


def latest_incidents(*, shipment_ids: list[int]) -> dict[int, ShipmentAlert]:
    """Each parcel's most recent incident, open or not."""
    latest: dict[int, ShipmentAlert] = {}
    for incident in ShipmentAlert.objects.filter(shipment_id__in=shipment_ids).order_by(
        "raised_at", "pk"
    ):
        latest[incident.shipment_id] = incident
    return latest


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


def _destination_point(shipment: Shipment) -> GeoPoint | None:
    if shipment.destination_latitude is not None and shipment.destination_longitude is not None:
        return GeoPoint(shipment.destination_latitude, shipment.destination_longitude)
    place = shipment.destination_location
    if place is not None:
        return GeoPoint(float(place.latitude), float(place.longitude))
    return None


def _help_store(shipment: Shipment) -> dict[str, Any] | None:
    point = _destination_point(shipment)
    if point is None:
        return None
    near = nearest_locations(point=point, postcode=None, city=None, limit=1)
    if not near.items:
        return None
    item = near.items[0]
    return {
        "code": item.code,
        "name": item.name,
        "city": item.city,
        "distance_km": item.distance_km,
    }


def tracking_language(shipment: Shipment, requested: str | None) -> str:
    """The language asked for, else the customer's, else French."""
    if requested in LANGUAGES:
        return requested
    if shipment.customer_id is not None:
        try:
            return contact_details(customer_id=shipment.customer_id).language
        except CustomerNotFound:
            pass
    return "fr"


def tracking_page(*, token: str, language: str | None = None) -> dict[str, Any]:
    """What the public tracking page shows: branding, status, timeline, promise, the store
    nearest the destination for help, its words in `language` (or the customer's). No personal
    data beyond the town."""
    shipment = shipment_by_token(token=token)
    language = tracking_language(shipment, language)
    events = list(
        events_of(shipment_id=shipment.pk).values("status", "occurred_at", "description", "place")
    )
    for event in events:
        event["status_text"] = status_words(event["status"], language=language)
    return {
        "language": language,
        "status_text": status_words(shipment.status, language=language),
        "promise_text": promise_words(
            promised_by=shipment.promised_by,
            estimated=shipment.estimated_delivery,
            delivered=shipment.delivered_at is not None,
            language=language,
            say_date=lambda day: spoken_date(day, language=language),
        ),
        "brand": {
            "name": settings.BRAND_NAME,
            "colour": settings.BRAND_COLOUR,
            "logo_url": settings.BRAND_LOGO_URL,
        },
        "reference": shipment.reference,
        "carrier": shipment.carrier.name,
        "tracking_number": shipment.tracking_number,
        "status": shipment.status,
        "promised_by": shipment.promised_by,
        "estimated_delivery": shipment.estimated_delivery,
        "delivered_at": shipment.delivered_at,
        "destination_city": shipment.destination_city
        or (shipment.destination_location.city if shipment.destination_location else ""),
        "events": events,
        "help_store": _help_store(shipment),
    }


def shipments_export(customer_id: int) -> list[dict[str, Any]]:
    """The person's parcels for the GDPR export: where each went, with whom, and its scans."""
    shipments = (
        Shipment.objects.filter(customer_id=customer_id)
        .select_related("carrier", "origin")
        .prefetch_related("events")
        .order_by("id")
    )
    return [
        {
            "reference": shipment.reference,
            "order_reference": shipment.order_reference,
            "carrier": shipment.carrier.code,
            "tracking_number": shipment.tracking_number,
            "from": shipment.origin.code,
            "destination": {
                "kind": shipment.destination_kind,
                "name": shipment.destination_name,
                "line1": shipment.destination_line1,
                "postcode": shipment.destination_postcode,
                "city": shipment.destination_city,
                "country": shipment.destination_country,
            },
            "promised_by": shipment.promised_by.isoformat(),
            "status": shipment.status,
            "delivered_at": shipment.delivered_at.isoformat() if shipment.delivered_at else None,
            "created_at": shipment.created_at.isoformat(),
            "events": [
                {"status": event.status, "occurred_at": event.occurred_at.isoformat()}
                for event in sorted(shipment.events.all(), key=lambda e: e.occurred_at)
            ],
        }
        for shipment in shipments
    ]


def shipments_of_order(*, order_id: int) -> QuerySet[Shipment]:
    """An order's parcels, first sent first, with their carrier (the shopper's order page)."""
    return Shipment.objects.filter(order_id=order_id).select_related("carrier").order_by("pk")


def open_parcels_of_customer(*, customer_id: int, limit: int = 10) -> list[Shipment]:
    """The person's parcels still on their way (not delivered, returned or expired), the one
    promised soonest first: what the associate can tell them about at the counter."""
    return list(
        Shipment.objects.filter(customer_id=customer_id)
        .exclude(status__in=[status.value for status in FINAL_STATUSES])
        .select_related("carrier", "destination_location")
        .order_by("promised_by", "pk")[:limit]
    )
