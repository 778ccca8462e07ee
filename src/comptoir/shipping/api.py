"""Shipping over HTTP: carriers' tracking webhooks, shipments, the alert queue, a store's
parcels, the public tracking page's data and post-purchase KPIs."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from ninja import Query, Router, Status
from ninja.decorators import decorate_view

from comptoir.core import clock
from comptoir.core.access import Actor, authorize
from comptoir.core.errors import ValidationFailed
from comptoir.core.idempotency import idempotent
from comptoir.core.pagination import Page, PageLimit, paginate
from comptoir.core.problem import problem_answer
from comptoir.core.schemas import ROW_ID_MAX
from comptoir.fulfilment.selectors import ready_and_collected
from comptoir.locations.selectors import location_by_code

from . import selectors
from .domain.alerts import AlertKind
from .domain.kpis import delivery_figures, hours_between
from .errors import NoCarrierService
from .models import CarrierPickup, CarrierService, Shipment, ShipmentAlert
from .schemas import (
    AlertOut,
    AssignIn,
    KpisOut,
    ResolveIn,
    ShipmentIn,
    ShipmentOut,
    StoreParcelsOut,
    SwitchCarrierIn,
    TrackingPageOut,
    TrackingReceivedOut,
)
from .services import alerts, shipments, tracking

router = Router(tags=["shipping"])
# The filters' values, read from the model's own lists (not copied here).
INCIDENT_STATUSES = "^(" + "|".join(ShipmentAlert.Status.values) + ")$"
ALERT_KINDS = "^(" + "|".join(kind.value for kind in AlertKind) + ")$"


def _shipment_out(shipment: Shipment) -> dict[str, Any]:
    return {
        "id": shipment.pk,
        "reference": shipment.reference,
        "order_id": shipment.order_id,
        "order_reference": shipment.order_reference,
        "carrier": shipment.carrier.code,
        "service": shipment.service.code,
        "tracking_number": shipment.tracking_number,
        "status": shipment.status,
        "status_at": shipment.status_at,
        "promised_by": shipment.promised_by,
        "estimated_delivery": shipment.estimated_delivery,
        "delivered_at": shipment.delivered_at,
        "origin": shipment.origin.code,
        "destination_kind": shipment.destination_kind,
        "destination_store": shipment.destination_location.code
        if shipment.destination_location
        else None,
        "tracking_url": f"{settings.PUBLIC_BASE_URL}/track/{shipment.tracking_token}",
        "pickup_day": shipment.pickup.day if shipment.pickup else None,
    }


def _alert_out(alert: ShipmentAlert) -> dict[str, Any]:
    return {
        "id": alert.pk,
        "shipment_id": alert.shipment_id,
        "shipment_reference": alert.shipment.reference,
        "order_id": alert.shipment.order_id,
        "order_reference": alert.shipment.order_reference,
        "carrier": alert.shipment.carrier.code,
        "kind": alert.kind,
        "history": alert.history,
        "detail": alert.detail,
        "status": alert.status,
        "raised_at": alert.raised_at,
        "upgraded_at": alert.upgraded_at,
        "assignee_id": alert.assignee_id,
        "resolved_at": alert.resolved_at,
        "resolution": alert.resolution,
    }


def _authorize_shipment(actor: Actor, permission: str, shipment: Shipment) -> None:
    # A store-scoped associate sees the parcels leaving from or arriving at their stores.
    if actor.store_ids is not None and shipment.destination_location_id in actor.store_ids:
        authorize(actor, permission, store_id=shipment.destination_location_id)
        return
    authorize(actor, permission, store_id=shipment.origin_id)


def _signature_header(name: str, description: str) -> dict[str, Any]:
    return {
        "name": name,
        "in": "header",
        "required": True,
        "description": description,
        "schema": {"type": "string"},
    }


# The webhook reads its body raw (the signature covers the exact bytes), so Ninja cannot see
# it: its body, its signature headers and the 401 a wrong signature gets are declared here.
CARRIER_WEBHOOK_OPENAPI = {
    "parameters": [
        _signature_header("webhook-id", "Standard Webhooks: the message id"),
        _signature_header("webhook-timestamp", "Standard Webhooks: Unix seconds"),
        _signature_header("webhook-signature", "Standard Webhooks: v1,<base64 HMAC-SHA256>"),
    ],
    "requestBody": {
        "required": True,
        "description": "One tracking event or a batch, in the carrier's own format.",
        "content": {"application/json": {"schema": {"type": "object"}}},
    },
    "responses": {"401": problem_answer("The signature does not match the carrier's secret")},
}


@router.post(
    "/carriers/{carrier}/tracking-events",
    response={202: TrackingReceivedOut},
    operation_id="receive_tracking_events",
    auth=None,
    openapi_extra=CARRIER_WEBHOOK_OPENAPI,
)
def receive_tracking_events(request: HttpRequest, carrier: str) -> Status[dict]:
    """A carrier's tracking webhook: one event or a batch (up to 1,000), signed the Standard
    Webhooks way with the carrier's secret. Repeats and late arrivals are harmless."""
    received = tracking.receive_webhook(
        carrier_code=carrier,
        headers={k.lower(): v for k, v in request.headers.items()},
        body=request.body,
    )
    return Status(202, {"accepted": received.accepted, "unknown": received.unknown})


@router.post("/shipments", response={201: ShipmentOut}, operation_id="create_shipment")
@decorate_view(idempotent)
def create_shipment(request: HttpRequest, payload: ShipmentIn) -> Status[dict]:
    """Ship a parcel: the cheapest carrier service that keeps the promise (or the preferred
    carrier's), a label, and a place on the store's next carrier pickup."""
    origin = location_by_code(code=payload.from_location)
    authorize(request.auth, "shipping.manage", store_id=origin.pk)
    destination = payload.destination
    shipment = shipments.create_shipment(
        origin_location_id=origin.pk,
        destination=shipments.Destination.from_payload(destination.dict()),
        promised_by=payload.promised_by,
        order_id=payload.order_id,
        order_reference=payload.order_reference,
        customer_id=payload.customer_id,
        weight_kg=payload.weight_kg,
        preferred_carrier=payload.preferred_carrier,
    )
    return Status(201, _shipment_out(selectors.shipment_by_id(shipment_id=shipment.pk)))


@router.get("/shipments/{shipment_id}", response=ShipmentOut, operation_id="get_shipment")
def get_shipment(request: HttpRequest, shipment_id: int) -> dict:
    shipment = selectors.shipment_by_id(shipment_id=shipment_id)
    _authorize_shipment(request.auth, "shipping.read", shipment)
    return _shipment_out(shipment)


@router.post(
    "/shipments/{shipment_id}/carrier", response=ShipmentOut, operation_id="switch_carrier"
)
def switch_carrier(request: HttpRequest, shipment_id: int, payload: SwitchCarrierIn) -> dict:
    """Send the parcel with another carrier service, while the first carrier has not taken it."""
    shipment = selectors.shipment_by_id(shipment_id=shipment_id)
    _authorize_shipment(request.auth, "shipping.manage", shipment)
    service = CarrierService.objects.filter(
        carrier__code=payload.carrier, code=payload.service, active=True
    ).first()
    if service is None:
        raise NoCarrierService(
            f"No active service {payload.service!r} at {payload.carrier!r}.",
            errors=[{"field": "service", "message": "unknown for this carrier"}],
        )
    shipments.switch_carrier(shipment_id=shipment.pk, service_id=service.pk)
    return _shipment_out(selectors.shipment_by_id(shipment_id=shipment.pk))


@router.post(
    "/shipments/{shipment_id}/poll",
    response=TrackingReceivedOut,
    operation_id="poll_shipment_tracking",
)
def poll_shipment_tracking(request: HttpRequest, shipment_id: int) -> dict:
    """Ask the carrier now for the parcel's events (when its webhooks are late or missing)."""
    shipment = selectors.shipment_by_id(shipment_id=shipment_id)
    _authorize_shipment(request.auth, "shipping.manage", shipment)
    received = tracking.poll_shipment(shipment_id=shipment.pk)
    return {"accepted": received.accepted, "unknown": received.unknown}


@router.get("/shipping/alerts", response=Page[AlertOut], operation_id="list_shipping_alerts")
def list_shipping_alerts(
    request: HttpRequest,
    status: str | None = Query(None, pattern=INCIDENT_STATUSES),  # noqa: B008
    kind: str | None = Query(None, pattern=ALERT_KINDS),  # noqa: B008
    carrier: str | None = Query(None, max_length=40),  # noqa: B008
    assignee_id: int | None = Query(None, ge=1, le=ROW_ID_MAX),  # noqa: B008
    cursor: str | None = None,
    limit: PageLimit = 50,
) -> dict:
    """The operations queue, one item per parcel incident: oldest first, filtered by status
    (open, resolved by a person, closed by the parcel), strongest kind, carrier, assignee. A
    store-scoped caller sees the incidents on their stores' parcels only."""
    actor: Actor = request.auth
    authorize(actor, "shipping.read")
    page = paginate(
        selectors.alert_list(
            status=status,
            kind=kind,
            carrier=carrier,
            assignee_id=assignee_id,
            store_ids=actor.store_ids,
        ),
        cursor=cursor,
        limit=limit,
    )
    return {"items": [_alert_out(a) for a in page["items"]], "next_cursor": page["next_cursor"]}


@router.post(
    "/shipping/alerts/{alert_id}/assignee", response=AlertOut, operation_id="assign_shipping_alert"
)
def assign_shipping_alert(request: HttpRequest, alert_id: int, payload: AssignIn) -> dict:
    selectors.access_alert_by_id(request.auth, alert_id, permission="shipping.manage")
    alert = alerts.assign_alert(alert_id=alert_id, assignee_id=payload.assignee_id)
    return _alert_out(selectors.alert_by_id(alert_id=alert.pk))


@router.post(
    "/shipping/alerts/{alert_id}/resolution",
    response=AlertOut,
    operation_id="resolve_shipping_alert",
)
def resolve_shipping_alert(request: HttpRequest, alert_id: int, payload: ResolveIn) -> dict:
    """Close an alert with what was done; 409 if it is already resolved."""
    selectors.access_alert_by_id(request.auth, alert_id, permission="shipping.manage")
    return _alert_out(alerts.resolve_alert(alert_id=alert_id, resolution=payload.resolution))


def _pickup_out(pickup: CarrierPickup) -> dict[str, Any]:
    return {
        "carrier": pickup.carrier.code,
        "day": pickup.day,
        "status": pickup.status,
        "confirmation": pickup.confirmation,
        "parcels": pickup.parcels,  # type: ignore[attr-defined]
        "booked_parcels": pickup.booked_parcels,
    }


@router.get("/stores/{store}/parcels", response=StoreParcelsOut, operation_id="list_store_parcels")
def list_store_parcels(
    request: HttpRequest, store: str, days: int = Query(14, ge=1, le=90)
) -> dict:  # noqa: B008
    """A store's parcels with their live status: inbound (ship-to-store, for customers to
    collect) and outbound (ship-from-store) of the last `days` days, and its carrier pickups."""
    location = location_by_code(code=store)
    authorize(request.auth, "shipping.read", store_id=location.pk)
    since = clock.now() - timedelta(days=days)
    parcels = selectors.parcels_of_store(location_id=location.pk)
    pickups = selectors.pickups_of_store(location_id=location.pk, since=since.date())
    return {
        "store": location.code,
        "inbound": [
            _shipment_out(s)
            for s in parcels["inbound"]
            .filter(created_at__gte=since)
            .select_related("service", "pickup")[:500]
        ],
        "outbound": [
            _shipment_out(s)
            for s in parcels["outbound"]
            .filter(created_at__gte=since)
            .select_related("service", "pickup")[:500]
        ],
        "pickups": [_pickup_out(p) for p in pickups],
    }


@router.get(
    "/tracking/{token}", response=TrackingPageOut, operation_id="get_tracking_page", auth=None
)
def get_tracking_page(
    request: HttpRequest,
    token: str,
    lang: str | None = Query(None, pattern="^(fr|en)$"),  # noqa: B008 - Ninja's idiom
) -> dict:
    """What the public tracking page shows, reached by the unguessable link in the customer's
    messages: no sign-in, no personal data beyond the town. Its words are in `lang`, else in
    the customer's language."""
    return selectors.tracking_page(token=token, language=lang)


def _aware(moment: datetime | None, *, field: str) -> datetime | None:
    """A query datetime as aware UTC, in a range the databases can compare (naive means UTC)."""
    if moment is None:
        return None
    if not 1970 <= moment.year <= 2200:
        raise ValidationFailed(
            f"{field} must be between 1970 and 2200.",
            errors=[{"field": f"query.{field}", "message": "between 1970 and 2200"}],
        )
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


@router.get("/shipping/kpis", response=KpisOut, operation_id="get_shipping_kpis")
def get_shipping_kpis(
    request: HttpRequest, since: datetime | None = None, until: datetime | None = None
) -> dict:
    """Post-purchase KPIs over deliveries in [since, until) (default: the last 30 days)."""
    authorize(request.auth, "shipping.read")
    until = _aware(until, field="until") or clock.now()
    since = _aware(since, field="since") or until - timedelta(days=30)
    delivered = selectors.delivered_between(since=since, until=until)
    figures = delivery_figures(list(delivered.values_list("delivered_at", "late_after")))
    # Shipping sits above fulfilment, so it reads the store tasks' ready and handover times.
    pickup_hours = hours_between(ready_and_collected(since=since, until=until))
    return {
        "delivered": figures.delivered,
        "on_time_rate": figures.on_time_rate,
        "mean_delay_days": figures.mean_delay_days,
        "exceptions_by_kind": [
            {"key": k, "count": c}
            for k, c in selectors.alert_counts(since=since, until=until, by="kind")
        ],
        "exceptions_by_carrier": [
            {"key": k, "count": c}
            for k, c in selectors.alert_counts(since=since, until=until, by="carrier")
        ],
        "pickup_time_in_store_hours": pickup_hours,
        "where_is_my_order_contact_share": None,
        "notes": [
            "where_is_my_order_contact_share: comptoir records no customer-service contacts yet "
            "(no service app), so this share cannot be measured and is null.",
            "pickup_time_in_store_hours: mean time from an order set aside (the customer told it "
            "is ready) to its handover at the counter, for pickup orders collected in the "
            "period; null without any.",
        ],
    }
