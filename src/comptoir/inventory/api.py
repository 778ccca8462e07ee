from django.http import HttpRequest, HttpResponse
from ninja import Query, Router, Status
from ninja.decorators import decorate_view

from comptoir.catalog.selectors import product_page
from comptoir.core.access import Actor, authorize
from comptoir.core.answers import json_answer
from comptoir.core.errors import NotFound, ValidationFailed
from comptoir.core.idempotency import idempotent
from comptoir.core.pagination import Page, PageLimit, paginate
from comptoir.locations.domain import GeoPoint
from comptoir.locations.selectors import (
    active_location_ids,
    location_by_code,
    nearest_locations,
)

from . import selectors
from .domain import StockFigures
from .models import Hold
from .schemas import (
    CHANNEL_PATTERN,
    AdjustmentIn,
    AvailableProductsOut,
    BackInStockIn,
    BackInStockOut,
    FiguresOut,
    HoldIn,
    HoldOut,
    MovementOut,
    ReceiptIn,
    SafetyStockIn,
    SafetyStockOut,
    StockNearOut,
    TillSaleIn,
    TillSaleOut,
)
from .services import holds, releases, stock, till

router = Router(tags=["stock"])


def _codes_to_ids(codes: list[str]) -> dict[str, int]:
    found = active_location_ids(codes)
    unknown = [code for code in codes if code not in found]
    if unknown:
        raise ValidationFailed(
            f"Unknown location: {', '.join(unknown)}.",
            errors=[{"field": "location", "message": f"unknown: {code}"} for code in unknown],
        )
    return found


def _figures_out(sku: str, location: str, figures: StockFigures) -> dict:
    return {
        "sku": sku,
        "location": location,
        "on_hand": figures.on_hand,
        "held": figures.held,
        "safety": figures.safety,
        "available": figures.available,
    }


def _hold_out(hold: Hold, *, sku: str, location: str) -> dict:
    return {
        "id": hold.pk,
        "sku": sku,
        "location": location,
        "quantity": hold.quantity,
        "status": hold.status,
        "channel": hold.channel,
        "reference": hold.reference,
        "expires_at": hold.expires_at,
    }


@router.get("/availability", response=list[FiguresOut], operation_id="get_availability", auth=None)
def get_availability(
    request: HttpRequest,
    sku: list[str] = Query(..., min_length=1, max_length=100),  # noqa: B008 - Ninja's idiom
    location: list[str] = Query(..., min_length=1, max_length=50),  # noqa: B008
    channel: str = Query("web", pattern=CHANNEL_PATTERN),  # noqa: B008
) -> list[dict]:
    """On hand, held, safety and available for each SKU at each location, for one channel."""
    variant_ids = selectors.resolve_skus(list(dict.fromkeys(sku)))
    codes = _codes_to_ids(list(dict.fromkeys(location)))
    code_of = {pk: code for code, pk in codes.items()}
    rows = selectors.availability(
        variant_ids=variant_ids, location_ids=list(codes.values()), channel=channel
    )
    return [_figures_out(row.sku, code_of[row.location_id], row.figures) for row in rows]


@router.get(
    "/availability/near", response=StockNearOut, operation_id="get_availability_near", auth=None
)
def get_availability_near(
    request: HttpRequest,
    sku: str | None = Query(None, min_length=1, max_length=40),  # noqa: B008
    product: str | None = Query(None, min_length=1, max_length=120),  # noqa: B008
    lat: float | None = Query(None, ge=-90, le=90),  # noqa: B008
    lon: float | None = Query(None, ge=-180, le=180),  # noqa: B008
    postcode: str | None = Query(None, pattern=r"^\d{5}$"),  # noqa: B008
    city: str | None = Query(None, min_length=1, max_length=100),  # noqa: B008
    limit: int = Query(20, ge=1, le=50),  # noqa: B008
    channel: str = Query("web", pattern=CHANNEL_PATTERN),  # noqa: B008
    only_available: bool = False,
    open_now: bool = False,
) -> dict:
    """One SKU, or every variant of a product, at the stores nearest a point, a postcode or a
    town: each store with its distance, whether it is open now, and its figures per SKU."""
    if (sku is None) == (product is None):
        raise ValidationFailed(
            "Give either a sku or a product.",
            errors=[{"field": "query.sku", "message": "exactly one of sku and product"}],
        )
    if (lat is None) != (lon is None):
        raise ValidationFailed(
            "A point needs both lat and lon.",
            errors=[{"field": "query.lat", "message": "lat and lon go together"}],
        )
    variant_ids = selectors.resolve_skus([sku]) if sku else selectors.resolve_product(product)
    only_ids = (
        selectors.locations_with_available(variant_ids=list(variant_ids.values()), channel=channel)
        if only_available
        else None
    )
    near = nearest_locations(
        point=GeoPoint(lat, lon) if lat is not None and lon is not None else None,
        postcode=postcode,
        city=city,
        limit=limit,
        open_now=open_now,
        only_ids=only_ids,
    )
    rows = selectors.availability(
        variant_ids=variant_ids, location_ids=[item.id for item in near.items], channel=channel
    )
    by_location: dict[int, list[dict]] = {}
    code_of = {item.id: item.code for item in near.items}
    for row in rows:
        by_location.setdefault(row.location_id, []).append(
            _figures_out(row.sku, code_of[row.location_id], row.figures)
        )
    return {
        "origin": {
            "label": near.origin.label,
            "latitude": near.origin.point.latitude,
            "longitude": near.origin.point.longitude,
        },
        "items": [
            {
                "code": item.code,
                "name": item.name,
                "city": item.city,
                "distance_km": item.distance_km,
                "is_open_now": item.is_open_now,
                "stock": by_location.get(item.id, []),
            }
            for item in near.items
        ],
    }


@router.get(
    "/availability/products",
    response=AvailableProductsOut,
    operation_id="list_available_products",
    auth=None,
)
def list_available_products(
    request: HttpRequest,
    store: str | None = Query(None, min_length=1, max_length=40),  # noqa: B008
    lat: float | None = Query(None, ge=-90, le=90),  # noqa: B008
    lon: float | None = Query(None, ge=-180, le=180),  # noqa: B008
    postcode: str | None = Query(None, pattern=r"^\d{5}$"),  # noqa: B008
    city: str | None = Query(None, min_length=1, max_length=100),  # noqa: B008
    stores_near: int = Query(5, ge=1, le=20, description="how many pickup stores near me"),  # noqa: B008
    channel: str = Query("web", pattern=CHANNEL_PATTERN),  # noqa: B008
    category: str | None = Query(None, max_length=80),  # noqa: B008
    cursor: str | None = None,
    limit: PageLimit = 20,
) -> HttpResponse:
    """The catalogue filtered "available in store X", or "available for pickup near me" (the
    nearest stores offering click & collect to a point, a postcode or a town), with the total."""
    near = (lat is not None and lon is not None) or postcode is not None or city is not None
    if (store is None) == (not near):
        raise ValidationFailed(
            "Give either a store, or a place (lat and lon, postcode or city) for pickup near it.",
            errors=[{"field": "query.store", "message": "a store or a place, not both"}],
        )
    if store is not None:
        location_ids, codes = [location_by_code(code=store).pk], [store]
    else:
        nearest = nearest_locations(
            point=GeoPoint(lat, lon) if lat is not None and lon is not None else None,
            postcode=postcode,
            city=city,
            limit=stores_near,
            service="click_and_collect",
        ).items
        location_ids, codes = [i.id for i in nearest], [i.code for i in nearest]
    page = product_page(
        category=category,
        channel=channel,
        cursor=cursor,
        limit=limit,
        with_total=True,
        among=selectors.product_ids_available_at(location_ids=location_ids, channel=channel),
    )
    # shaped as AvailableProductsOut; not validated again (core/answers.py)
    return json_answer(200, {**page, "stores": codes})


@router.post("/holds", response={201: list[HoldOut]}, operation_id="place_hold")
@decorate_view(idempotent)
def place_hold(request: HttpRequest, payload: HoldIn) -> HttpResponse:
    """Hold units for a cart or an order: all lines or none. 409 `out-of-stock` if any is short."""
    actor: Actor = request.auth
    skus = selectors.resolve_skus([line.sku for line in payload.lines])
    codes = _codes_to_ids([line.location for line in payload.lines])
    for location_id in set(codes.values()):
        authorize(actor, "stock.hold", store_id=location_id if actor.store_ids else None)
    authorize(actor, "stock.hold")
    placed = holds.place_hold(
        lines=[
            holds.HoldRequestLine(codes[line.location], skus[line.sku], line.sku, line.quantity)
            for line in payload.lines
        ],
        channel=payload.channel,
        reference=payload.reference,
        customer_id=actor.customer_id,
        ttl=holds.timedelta(minutes=payload.ttl_minutes),
    )
    sku_of = {pk: code for code, pk in skus.items()}
    code_of = {pk: code for code, pk in codes.items()}
    return json_answer(  # shaped as list[HoldOut]; not validated again (core/answers.py)
        201,
        [_hold_out(h, sku=sku_of[h.variant_id], location=code_of[h.location_id]) for h in placed],
    )


def _accessible_hold(actor: Actor, hold_id: int) -> Hold:
    hold = selectors.hold_by_id(hold_id=hold_id)
    if hold is None:
        raise NotFound("No such hold.")
    if actor.customer_id is not None and hold.customer_id == actor.customer_id:
        return hold
    if not actor.is_staff_member:
        raise NotFound("No such hold.")
    authorize(actor, "stock.hold", store_id=hold.location_id)
    return hold


@router.delete("/holds/{hold_id}", response=HoldOut, operation_id="release_hold")
def release_hold(request: HttpRequest, hold_id: int) -> dict:
    """Give the units back: they are on sale again in every channel at once."""
    hold = _accessible_hold(request.auth, hold_id)
    released = releases.release_hold(hold_id=hold.pk)
    return _hold_out(released, sku=hold.variant.sku, location=hold.location.code)


@router.get("/locations/{code}/holds", response=list[HoldOut], operation_id="list_location_holds")
def list_location_holds(request: HttpRequest, code: str) -> list[dict]:
    """What this store has set aside for customers, soonest to expire first."""
    location = location_by_code(code=code)
    authorize(request.auth, "stock.read", store_id=location.pk)
    return [
        _hold_out(h, sku=h.variant.sku, location=code)
        for h in selectors.active_holds_at(location_id=location.pk)[:500]
    ]


@router.post("/till-sales", response={201: TillSaleOut}, operation_id="sell_at_till")
@decorate_view(idempotent)
def sell_at_till(request: HttpRequest, payload: TillSaleIn) -> Status[dict]:
    """Sell units nobody holds, or with `hold_id` the units held for this very customer."""
    location = location_by_code(code=payload.store)
    authorize(request.auth, "stock.sell", store_id=location.pk)
    skus = selectors.resolve_skus([line.sku for line in payload.lines])
    till.sell_at_till(
        location_id=location.pk,
        lines=[
            till.TillLine(skus[line.sku], line.sku, line.quantity, line.hold_id)
            for line in payload.lines
        ],
        ticket=payload.ticket,
        actor=request.auth.caller_key,
    )
    rows = selectors.availability(variant_ids=skus, location_ids=[location.pk], channel="store")
    return Status(
        201,
        {
            "ticket": payload.ticket,
            "store": location.code,
            "lines": [_figures_out(r.sku, location.code, r.figures) for r in rows],
        },
    )


@router.post("/stock-receipts", response={201: FiguresOut}, operation_id="receive_stock")
@decorate_view(idempotent)
def receive_stock(request: HttpRequest, payload: ReceiptIn) -> Status[dict]:
    location = location_by_code(code=payload.location)
    authorize(request.auth, "stock.adjust", store_id=location.pk)
    variant_id = selectors.resolve_skus([payload.sku])[payload.sku]
    figures = stock.receive_stock(
        variant_id=variant_id,
        location_id=location.pk,
        sku=payload.sku,
        quantity=payload.quantity,
        reference=payload.reference,
        actor=request.auth.caller_key,
    )
    return Status(201, _figures_out(payload.sku, location.code, figures))


@router.post("/stock-adjustments", response={201: FiguresOut}, operation_id="adjust_stock")
@decorate_view(idempotent)
def adjust_stock(request: HttpRequest, payload: AdjustmentIn) -> Status[dict]:
    """A counted correction; it can never take on-hand below what is held for customers."""
    location = location_by_code(code=payload.location)
    authorize(request.auth, "stock.adjust", store_id=location.pk)
    if payload.delta == 0:
        raise ValidationFailed(
            "An adjustment changes the level by at least one unit.",
            errors=[{"field": "body.delta", "message": "not 0"}],
        )
    variant_id = selectors.resolve_skus([payload.sku])[payload.sku]
    figures = stock.adjust_stock(
        variant_id=variant_id,
        location_id=location.pk,
        sku=payload.sku,
        delta=payload.delta,
        reason=payload.reason,
        actor=request.auth.caller_key,
    )
    return Status(201, _figures_out(payload.sku, location.code, figures))


@router.put(
    "/locations/{code}/safety-stock", response=SafetyStockOut, operation_id="set_safety_stock"
)
def set_safety_stock(request: HttpRequest, code: str, payload: SafetyStockIn) -> dict:
    """Keep units back from one channel at this location (e.g. for walk-in customers)."""
    location = location_by_code(code=code)
    authorize(request.auth, "stock.configure", store_id=location.pk)
    safety = stock.set_safety_stock(
        location_id=location.pk, channel=payload.channel, quantity=payload.quantity
    )
    return {"location": code, "channel": safety.channel, "quantity": safety.quantity}


@router.post(
    "/back-in-stock-subscriptions",
    response={201: BackInStockOut},
    operation_id="subscribe_back_in_stock",
)
def subscribe_back_in_stock(request: HttpRequest, payload: BackInStockIn) -> Status[dict]:
    """Be told when this SKU can be promised again here. A shopper, or anyone with an email."""
    actor: Actor = request.auth
    if actor.customer_id is None and not payload.email:
        raise ValidationFailed(
            "Sign in, or give an email to be told at.",
            errors=[{"field": "body.email", "message": "required when not signed in"}],
        )
    location = location_by_code(code=payload.location)
    variant_id = selectors.resolve_skus([payload.sku])[payload.sku]
    subscription = stock.subscribe_back_in_stock(
        variant_id=variant_id,
        location_id=location.pk,
        customer_id=actor.customer_id,
        email=payload.email,
    )
    return Status(201, {"id": subscription.pk, "sku": payload.sku, "location": location.code})


@router.get("/stock/{sku}/ledger", response=Page[MovementOut], operation_id="get_stock_ledger")
def get_stock_ledger(
    request: HttpRequest, sku: str, location: str, cursor: str | None = None, limit: PageLimit = 50
) -> dict:
    """Every movement of this SKU at this location, oldest first: the level is their sum."""
    place = location_by_code(code=location)
    authorize(request.auth, "stock.read", store_id=place.pk)
    variant_id = selectors.resolve_skus([sku])[sku]
    return paginate(
        selectors.ledger(variant_id=variant_id, location_id=place.pk), cursor=cursor, limit=limit
    )
