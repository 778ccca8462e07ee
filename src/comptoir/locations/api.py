from decimal import Decimal

from django.http import HttpRequest
from ninja import Query, Router, Status
from ninja.decorators import decorate_view

from comptoir.core.access import authorize
from comptoir.core.idempotency import idempotent
from comptoir.core.pagination import paginate

from . import selectors, services
from .schemas import LocationIn, LocationOut, LocationPage

router = Router(tags=["locations"])


@router.get("", response=LocationPage, operation_id="list_locations", auth=None)
def list_locations(
    request: HttpRequest,
    kind: str | None = Query(None, pattern="^(store|warehouse)$"),
    cursor: str | None = None,
    limit: int = 50,
) -> dict:
    """Stores and warehouses, public to everyone."""
    return paginate(selectors.location_list(kind=kind), cursor=cursor, limit=limit)


@router.get("/{code}", response=LocationOut, operation_id="get_location", auth=None)
def get_location(request: HttpRequest, code: str) -> object:
    return selectors.location_by_code(code=code)


@router.post("", response={201: LocationOut}, operation_id="open_location")
@decorate_view(idempotent)
def open_location(request: HttpRequest, payload: LocationIn) -> Status[object]:
    authorize(request.auth, "locations.write")
    fields = payload.dict()
    for axis in ("latitude", "longitude"):
        fields[axis] = Decimal(str(fields[axis])).quantize(Decimal("0.00001"))
    return Status(201, services.open_location(**fields))
