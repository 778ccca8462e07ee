from dataclasses import asdict
from datetime import timedelta

from django.http import HttpRequest
from ninja import Query, Router

from comptoir.core import clock
from comptoir.core.access import Actor, authorize
from comptoir.core.errors import ValidationFailed
from comptoir.customers.selectors import IN_STORE_HOURS, in_store_now
from comptoir.locations.selectors import location_by_code, location_list
from comptoir.orders.selectors import open_lines

from . import capacity, selectors, services
from .models import StoreTask
from .schemas import (
    CapacityIn,
    CapacityOut,
    HandOverIn,
    NotFoundIn,
    ShopperWithPickupsOut,
    StoreTaskOut,
)

router = Router(tags=["store tasks"])


def _task_out(task: StoreTask) -> dict:
    return {
        "id": task.pk,
        "kind": task.kind,
        "status": task.status,
        "location": task.location.code,
        "order_reference": task.order.reference,
        "fulfilment_mode": task.order.fulfilment_mode,
        "deadline": task.deadline,
        "collect_by": task.order.collect_by,
        "slot_starts_at": task.slot_starts_at,
        "slot_ends_at": task.slot_ends_at,
        "lines": [
            {"line_number": line.line_number, "sku": line.sku, "quantity": line.quantity}
            for line in open_lines(task.order_id, location_id=task.location_id)
        ],
    }


def _task_for(actor: Actor, task_id: int) -> StoreTask:
    task = selectors.task_by_id(task_id)
    authorize(actor, "fulfilment.work", store_id=task.location_id)
    return task


@router.get("/store-tasks", response=list[StoreTaskOut], operation_id="list_store_tasks")
def list_store_tasks(
    request: HttpRequest,
    location: str = Query(..., min_length=1, max_length=40),  # noqa: B008 - Ninja's idiom
    status: list[str] = Query(["open", "ready"], max_length=6),  # noqa: B008
) -> list[dict]:
    """A store's work, soonest deadline first: orders to set aside, hand over or ship."""
    found = location_list().filter(code=location).values_list("pk", flat=True).first()
    if found is None:
        raise ValidationFailed(
            f"Unknown location: {location}.",
            errors=[{"field": "query.location", "message": f"unknown: {location}"}],
        )
    known = [task_status.value for task_status in StoreTask.Status]
    unknown = sorted(set(status) - set(known))
    if unknown:
        raise ValidationFailed(
            f"Unknown task status: {', '.join(unknown)}.",
            errors=[{"field": "query.status", "message": f"one of {known}"}],
        )
    authorize(request.auth, "fulfilment.work", store_id=found)
    return [_task_out(task) for task in selectors.tasks_at(location_id=found, statuses=status)]


@router.post("/store-tasks/{task_id}/ready", response=StoreTaskOut, operation_id="mark_task_ready")
def mark_task_ready(request: HttpRequest, task_id: int) -> dict:
    """Set aside: the customer is told the order is ready, with their pickup code."""
    _task_for(request.auth, task_id)
    services.mark_ready(task_id=task_id)
    return _task_out(selectors.task_by_id(task_id))


@router.post("/store-tasks/{task_id}/handover", response=StoreTaskOut, operation_id="hand_over")
def hand_over(request: HttpRequest, task_id: int, payload: HandOverIn) -> dict:
    """Give the order to the customer against their pickup code (wrong code: 422). A reserve
    & collect order needs `tender`, how it was paid at the till (missing: 422)."""
    actor: Actor = request.auth
    _task_for(actor, task_id)
    services.hand_over(
        task_id=task_id,
        pickup_code=payload.pickup_code,
        tender=payload.tender,
        actor=actor.caller_key,
    )
    return _task_out(selectors.task_by_id(task_id))


@router.post(
    "/store-tasks/{task_id}/not-found", response=StoreTaskOut, operation_id="report_not_found"
)
def report_not_found(request: HttpRequest, task_id: int, payload: NotFoundIn) -> dict:
    """These lines are not on the shelf: they are cancelled and the store's count corrected."""
    actor: Actor = request.auth
    _task_for(actor, task_id)
    services.report_not_found(task_id=task_id, line_numbers=payload.lines, actor=actor.caller_key)
    return _task_out(selectors.task_by_id(task_id))


@router.post("/store-tasks/{task_id}/dispatch", response=StoreTaskOut, operation_id="dispatch")
def dispatch(request: HttpRequest, task_id: int) -> dict:
    """The parcel leaves the store or warehouse; the shipping app takes it from there."""
    actor: Actor = request.auth
    _task_for(actor, task_id)
    services.dispatch(task_id=task_id, actor=actor.caller_key)
    return _task_out(selectors.task_by_id(task_id))


@router.get(
    "/stores/{store}/in-store-now",
    response=list[ShopperWithPickupsOut],
    operation_id="list_shoppers_in_store_with_pickups",
)
def list_shoppers_in_store_with_pickups(request: HttpRequest, store: str) -> list[dict]:
    """The associate's "in store now" list: who checked in here in the last hours and still
    consents to be recognised (as GET /customers/in-store-now), each with the orders set aside
    for them in this store, ready to hand over. The store's own staff."""
    location = location_by_code(code=store)
    authorize(request.auth, "customers.check_in", store_id=location.pk)
    authorize(request.auth, "orders.read", store_id=location.pk)  # it shows their orders too
    shoppers = in_store_now(
        location_id=location.pk, since=clock.now() - timedelta(hours=IN_STORE_HOURS)
    )
    ready = selectors.ready_pickups_at(
        location_id=location.pk, customer_ids=[shopper.customer_id for shopper in shoppers]
    )
    return [
        {
            **asdict(shopper),
            "orders_ready_here": [
                {
                    "task_id": task.pk,
                    "order_reference": task.order.reference,
                    "collect_by": task.order.collect_by,
                    "lines": [
                        {
                            "line_number": line.line_number,
                            "sku": line.sku,
                            "quantity": line.quantity,
                        }
                        for line in open_lines(task.order_id, location_id=location.pk)
                    ],
                }
                for task in ready.get(shopper.customer_id, [])
            ],
        }
        for shopper in shoppers
    ]


def _capacity_out(code: str, location_id: int) -> dict:
    return {"location": code, **selectors.capacity_of(location_id=location_id, now=clock.now())}


@router.get(
    "/locations/{code}/capacity", response=CapacityOut, operation_id="get_location_capacity"
)
def get_location_capacity(request: HttpRequest, code: str) -> dict:
    """A location's limits (null: none) and what today's orders have taken of them."""
    location = location_by_code(code=code)
    authorize(request.auth, "locations.read", store_id=location.pk)
    return _capacity_out(code, location.pk)


@router.put(
    "/locations/{code}/capacity", response=CapacityOut, operation_id="set_location_capacity"
)
def set_location_capacity(request: HttpRequest, code: str, payload: CapacityIn) -> dict:
    """Replace a location's limits. Applies to today's buckets at once, never below what
    they already hold: a lowered limit refuses new orders, not the accepted ones."""
    location = location_by_code(code=code)
    authorize(request.auth, "locations.write", store_id=location.pk)
    capacity.set_capacity(location_id=location.pk, limits=payload.dict(), now=clock.now())
    return _capacity_out(code, location.pk)
