from decimal import Decimal

from django.http import HttpRequest
from ninja import Query, Router, Status
from ninja.decorators import decorate_view

from comptoir.core import clock
from comptoir.core.access import authorize
from comptoir.core.errors import ValidationFailed
from comptoir.core.idempotency import idempotent
from comptoir.core.pagination import PageLimit, paginate

from . import selectors, services
from .domain import GeoPoint, ServiceOffer, WeeklyRange
from .schemas import (
    SERVICE_PATTERN,
    ClosureIn,
    ClosureOut,
    LocationDetailOut,
    LocationIn,
    LocationOut,
    LocationPage,
    NearbyLocationsOut,
    OpeningHoursIn,
    OpeningHoursOut,
    ServicesIn,
    ServicesOut,
)

router = Router(tags=["locations"])


@router.get("", response=LocationPage, operation_id="list_locations", auth=None)
def list_locations(
    request: HttpRequest,
    kind: str | None = Query(None, pattern="^(store|warehouse)$"),
    cursor: str | None = None,
    limit: PageLimit = 50,
) -> dict:
    """Stores and warehouses, public to everyone."""
    return paginate(selectors.location_list(kind=kind), cursor=cursor, limit=limit)


# Declared before /{code}, which would otherwise take "nearest" for a location code.
@router.get(
    "/nearest", response=NearbyLocationsOut, operation_id="find_nearest_locations", auth=None
)
def find_nearest_locations(
    request: HttpRequest,
    lat: float | None = Query(None, ge=-90, le=90, description="with lon"),
    lon: float | None = Query(None, ge=-180, le=180, description="with lat"),
    postcode: str | None = Query(None, pattern=r"^\d{5}$", examples=["69003"]),
    city: str | None = Query(None, min_length=1, max_length=100, examples=["Saint-Étienne"]),
    limit: int = Query(10, ge=1, le=selectors.MAX_NEAREST),
    open_now: bool = False,
    service: str | None = Query(None, pattern=SERVICE_PATTERN),
    kind: str = Query("store", pattern="^(store|warehouse)$"),
) -> object:
    """The store locator: the nearest locations to a point, a French postcode or a town.

    Give exactly one of `lat` and `lon`, `postcode`, `city` (accents and case ignored).
    Each result says its distance, whether it is open now and its hours today.
    """
    if (lat is None) != (lon is None):
        missing = "lon" if lon is None else "lat"
        raise ValidationFailed(
            "A point needs both lat and lon.",
            errors=[{"field": f"query.{missing}", "message": "lat and lon go together"}],
        )
    return selectors.nearest_locations(
        point=None if lat is None or lon is None else GeoPoint(lat, lon),
        postcode=postcode,
        city=city,
        limit=limit,
        open_now=open_now,
        service=service,
        kind=kind,
        now=clock.now(),
    )


@router.get("/{code}", response=LocationDetailOut, operation_id="get_location", auth=None)
def get_location(request: HttpRequest, code: str) -> object:
    """A location with its weekly hours, its upcoming closures and the services it offers."""
    return selectors.location_detail(code=code, now=clock.now())


@router.post("", response={201: LocationOut}, operation_id="open_location")
@decorate_view(idempotent)
def open_location(request: HttpRequest, payload: LocationIn) -> Status[object]:
    authorize(request.auth, "locations.write")
    fields = payload.dict()
    for axis in ("latitude", "longitude"):
        fields[axis] = Decimal(str(fields[axis])).quantize(Decimal("0.00001"))
    return Status(201, services.open_location(**fields))


@router.put("/{code}/hours", response=OpeningHoursOut, operation_id="set_opening_hours")
def set_opening_hours(request: HttpRequest, code: str, payload: OpeningHoursIn) -> object:
    """Replace the weekly hours (local time). A day without a range is closed."""
    authorize(request.auth, "locations.write")
    ranges = [WeeklyRange(r.weekday, r.opens, r.closes) for r in payload.opening_hours]
    hours = services.set_opening_hours(location_code=code, opening_hours=ranges)
    return {"opening_hours": hours}


@router.post(
    "/{code}/closures", response={200: ClosureOut, 201: ClosureOut}, operation_id="declare_closure"
)
@decorate_view(idempotent)
def declare_closure(request: HttpRequest, code: str, payload: ClosureIn) -> Status[object]:
    """Close a day, or give it special hours; declaring the same day again replaces it (200)."""
    authorize(request.auth, "locations.write")
    closure, created = services.declare_closure(
        location_code=code,
        date=payload.date,
        opens=payload.opens,
        closes=payload.closes,
        reason=payload.reason,
    )
    return Status(201 if created else 200, closure)


@router.put("/{code}/services", response=ServicesOut, operation_id="set_location_services")
def set_location_services(request: HttpRequest, code: str, payload: ServicesIn) -> object:
    """Replace the services a store offers, each with its pickup lead time in minutes."""
    authorize(request.auth, "locations.write")
    offers = [ServiceOffer(s.service, s.pickup_lead_minutes) for s in payload.services]
    return {"services": services.set_location_services(location_code=code, services=offers)}
