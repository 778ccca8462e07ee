"""Store tasks: a pickup order is set aside at once, a shipped order is picked and dispatched.

Every order event that concerns a store becomes a task with a deadline on that store's list.
The associate marks a set-aside order ready (the customer is told through
`order.ready_for_pickup`), hands it over against its pickup code, or reports it not found; a
shipped one is dispatched (`fulfilment.dispatched`, which the shipping app reacts to).
"""

from __future__ import annotations

import contextlib
from collections import defaultdict
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from django.db import transaction

from comptoir.core import clock
from comptoir.core.errors import DomainError
from comptoir.core.outbox import record_event
from comptoir.core.retrying import transaction_retried
from comptoir.inventory.errors import OutOfStock
from comptoir.inventory.services.stock import adjust_stock
from comptoir.locations.selectors import location_list, search_origin
from comptoir.orders.errors import OrderStateConflict
from comptoir.orders.selectors import open_lines, order_by_id
from comptoir.orders.services import lifecycle, payments, resourcing
from comptoir.orders.services.placing import LineRequest, OrderRequest, Piece, order_keys

from . import capacity, events, promises
from .domain.sourcing import (
    Assignment,
    Destination,
    SourcingPlan,
    resource_after_not_found,
    source_order,
)
from .domain.sourcing import OrderLine as SourcingLine
from .domain.tasks import MOVES, TaskMoveRefused, TaskStatus, check_move
from .errors import CapacityFull, TaskStateConflict
from .models import StoreTask
from .options.model import Sites
from .selectors import sourcing_candidates, units_not_at_the_store

if TYPE_CHECKING:
    from comptoir.locations.models import Location
    from comptoir.orders.models import Order, OrderLine, PaymentOperation

SET_ASIDE_WITHIN = timedelta(hours=2)  # "the store's staff must be told at once"
SHIP_WITHIN = timedelta(hours=24)
REMIND_BEFORE = timedelta(hours=24)  # a reminder the day before a pickup deadline


def create_tasks_for_order(*, order_id: int, now: datetime | None = None) -> list[StoreTask]:
    """One task per location holding the order's units. Idempotent: a second delivery of the
    same `order.placed` finds the tasks already there."""
    now = now or clock.now()
    order = order_by_id(order_id)
    by_location: dict[int, int] = defaultdict(int)
    for line in open_lines(order_id):
        by_location[line.location_id] += 1
    if order.pickup_location_id is not None:
        by_location.setdefault(order.pickup_location_id, 0)  # ship to store: collected there
    codes = dict(location_list().filter(pk__in=list(by_location)).values_list("pk", "code"))
    tasks = []
    for location_id in sorted(by_location):
        set_aside = location_id == order.pickup_location_id
        kind = StoreTask.Kind.SET_ASIDE if set_aside else StoreTask.Kind.SHIP
        existing = StoreTask.objects.filter(order_id=order_id, location_id=location_id).first()
        if existing is not None:  # a redelivered event: the promise was made already
            tasks.append(existing)
            continue
        deadline, promised_by = _promise(order, location_id, codes, set_aside=set_aside)
        deadline = deadline or now + (SET_ASIDE_WITHIN if set_aside else SHIP_WITHIN)
        task, _ = StoreTask.objects.get_or_create(
            order_id=order_id,
            location_id=location_id,
            defaults={
                "kind": kind,
                "deadline": deadline,
                "promised_by": promised_by,
                "created_at": now,
                "slot_starts_at": order.delivery_slot_starts_at,
                "slot_ends_at": order.delivery_slot_ends_at,
            },
        )
        tasks.append(task)
    return tasks


def _promise(
    order: Order, location_id: int, codes: dict[int, str], *, set_aside: bool
) -> tuple[datetime | None, date | None]:
    """A task's promised deadline (None: the default one) and date, from when the order was
    placed. A ship task: the day its parcel is due. A set-aside task: when the pickup store
    promised it ready (after the last parcel shipped there arrives), and that local day; none
    when the store's hours are unknown. None either for a location no longer active."""
    if location_id not in codes:
        return None, None
    sites = Sites(order.created_at)
    if not set_aside:
        due = promises.parcel_promised_by(
            from_location_id=location_id,
            placed_at=order.created_at,
            option=order.delivery_option,
            sites=sites,
        )
        return None, due
    shipped_from = [pk for pk in codes if pk != location_id]
    ready = [
        promises.pickup_ready_at(
            store_id=location_id,
            placed_at=order.created_at,
            service=order.fulfilment_mode,
            shipped_from_id=pk,
            sites=sites,
        )
        for pk in shipped_from or [None]
    ]
    if any(moment is None for moment in ready):
        return None, None
    latest = max(moment for moment in ready if moment is not None)
    return latest, promises.local_day(latest, timezone=sites.get(location_id).hours.timezone)


def close_tasks_of_cancelled_order(*, order_id: int, now: datetime | None = None) -> int:
    """An order cancelled anywhere leaves no task behind on a store's list, and gives back
    the capacity its tasks held, in the same transaction. Idempotent."""
    now = now or clock.now()
    with transaction.atomic():
        closed = _move_waiting_tasks(order_id, "cancel", now=now)
        capacity.give_back_capacity(order_id=order_id, now=now)
    return closed


def _move_waiting_tasks(order_id: int, action: str, *, now: datetime) -> int:
    """The order's own rules (`cancel`, `expire`) move every task still waiting, at once."""
    move = MOVES[action]
    return StoreTask.objects.filter(
        order_id=order_id, status__in=sorted(move.from_statuses)
    ).update(status=move.to, finished_at=now)


def _locked_task(task_id: int, *, action: str) -> tuple[StoreTask, TaskStatus | None]:
    """The task, locked, and what `action` makes of it (domain/tasks.py); refused otherwise."""
    task = StoreTask.objects.select_for_update().get(pk=task_id)
    try:
        return task, check_move(task.kind, task.status, action)
    except TaskMoveRefused as refused:
        raise TaskStateConflict(str(refused)) from None


def _finish(task: StoreTask, status: TaskStatus, now: datetime) -> None:
    task.status = status
    task.finished_at = now
    task.save(update_fields=["status", "finished_at"])


RECOUNT_WITHIN = timedelta(hours=24)


def ask_for_a_shelf_check(
    *, order_id: int, location_id: int, now: datetime | None = None
) -> StoreTask:
    """A sale made offline sold units the store's count no longer had free: the store gets
    one task to look at the shelf (ADR 0043). Idempotent: a redelivered event finds it."""
    now = now or clock.now()
    task, _ = StoreTask.objects.get_or_create(
        order_id=order_id,
        location_id=location_id,
        defaults={
            "kind": StoreTask.Kind.RECOUNT,
            "deadline": now + RECOUNT_WITHIN,
            "created_at": now,
        },
    )
    return task


def mark_shelf_checked(*, task_id: int, now: datetime | None = None) -> StoreTask:
    """The associate looked at the shelf (and corrected the count on the stock page, or
    reordered): the task leaves the list."""
    now = now or clock.now()
    with transaction.atomic():
        task, done = _locked_task(task_id, action="checked")
        _finish(task, done or TaskStatus.DONE, now)
    return task


def mark_ready(*, task_id: int, now: datetime | None = None) -> StoreTask:
    """The order is set aside: the customer is told it is ready, with a code and a deadline.
    Only when every line's units are at the pickup store (held on its shelf, or in a parcel
    that arrived there): checked under the task's and the order's locks, by the same rule
    the task page asks (`selectors.units_not_at_the_store`)."""
    now = now or clock.now()
    with transaction.atomic():
        task, ready = _locked_task(task_id, action="ready")
        lifecycle.locked_order(task.order_id)
        missing = units_not_at_the_store(task)
        if missing:
            raise TaskStateConflict(
                "Part of this order is not at the store yet: "
                + ", ".join(f"{line.sku} ({line.status.replace('_', ' ')})" for line in missing)
                + "."
            )
        lifecycle.mark_ready_for_pickup(order_id=task.order_id, now=now)
        task.status = ready
        task.ready_at = now
        task.save(update_fields=["status", "ready_at"])
    return task


def hand_over(
    *,
    task_id: int,
    pickup_code: str,
    tender: str | None = None,
    actor: str = "",
    now: datetime | None = None,
) -> StoreTask:
    """Give the order to the customer against their pickup code (a wrong one changes nothing).
    A reserve & collect order is paid at the till: `tender` says how (cash, store_card).
    The capture of what was handed over is recorded with the handover and asked of the PSP
    after the commit (docs/money.md)."""
    now = now or clock.now()
    task = StoreTask.objects.get(pk=task_id)
    # Counted before the handover's transaction, so that a wrong code's try is kept.
    with contextlib.suppress(OrderStateConflict):  # a second tap: the handover answers it
        lifecycle.check_pickup_code(
            order_id=task.order_id, location_id=task.location_id, pickup_code=pickup_code, now=now
        )
    task, capture = _handed_over(
        task_id=task_id, pickup_code=pickup_code, tender=tender, actor=actor, now=now
    )
    if capture is not None:
        payments.settle(capture, now=now)  # after COMMIT, outside the retried transaction
    return task


@transaction_retried
def _handed_over(
    *, task_id: int, pickup_code: str, tender: str | None, actor: str, now: datetime
) -> tuple[StoreTask, PaymentOperation | None]:
    with transaction.atomic():
        # The task's row lock makes a second tap at the counter wait, then find the task done;
        # the order's lock and the capture's idempotency key make it capture once anyway.
        task, done = _locked_task(task_id, action="handover")
        capture = lifecycle.hand_over_order(
            order_id=task.order_id,
            pickup_code=pickup_code,
            location_id=task.location_id,
            tender=tender,
            actor=actor,
            now=now,
        )
        _finish(task, done, now)
    return task, capture


def report_not_found(
    *, task_id: int, line_numbers: list[int], actor: str = "", now: datetime | None = None
) -> StoreTask:
    """Some units are not on the shelf. For each line, in one transaction under the order's
    lock: the store's count is corrected (nobody else is promised a unit that is not there),
    and the line is sourced again by the sourcing engine, split over several locations when
    no one has it all (a line, a hold, a ship task with the order's slot and the capacity,
    per location). A line no location can supply is cancelled with an event (the payment
    will not capture it). A line reported twice at once is moved once: the second report
    finds it no longer open here."""
    now = now or clock.now()
    task = StoreTask.objects.get(pk=task_id)
    try:
        check_move(task.kind, task.status, "not-found")
    except TaskMoveRefused as refused:
        raise TaskStateConflict(str(refused)) from None
    wanted = set(line_numbers)
    missing = [
        line.line_number
        for line in open_lines(task.order_id, location_id=task.location_id)
        if line.line_number in wanted
    ]
    if len(missing) != len(wanted):
        raise TaskStateConflict("Only the open lines of this store's task can be missing.")
    unsourced = [
        line_number
        for line_number in missing
        if _not_found_line(task, line_number, actor=actor, now=now) is False
    ]
    if unsourced:
        lifecycle.cancel_lines(
            order_id=task.order_id, line_numbers=unsourced, reason="not found in store", now=now
        )
    remaining = open_lines(task.order_id)
    # A pickup store's task waits for the units sourced elsewhere; a shipping task is done
    # when nothing is left to ship from its location.
    if task.kind == StoreTask.Kind.SET_ASIDE:
        finished = not remaining
    else:
        finished = not [line for line in remaining if line.location_id == task.location_id]
    if finished:
        with transaction.atomic():
            task = StoreTask.objects.select_for_update().get(pk=task_id)
            # Cancelled meanwhile (its last line was): it stays cancelled.
            if task.status in MOVES["nothing-left"].from_statuses:
                _finish(task, TaskStatus.NOT_FOUND, now)
    return task


@transaction_retried
def _not_found_line(task: StoreTask, line_number: int, *, actor: str, now: datetime) -> bool | None:
    """True: the line was sourced again; False: nobody can supply it all (the caller cancels
    it); None: another report moved it first, or released its hold and is cancelling it (a
    line still open here but holding nothing: the cancellation settles with the PSP after its
    own commit, so it cannot join this transaction)."""
    with transaction.atomic():
        order = lifecycle.locked_order(task.order_id)
        line = next(
            (
                line
                for line in open_lines(order.pk, location_id=task.location_id)
                if line.line_number == line_number and line.hold_id is not None
            ),
            None,
        )
        if line is None:
            return None
        resourcing.release_line_hold(order_id=order.pk, line_number=line_number, now=now)
        adjust_stock(
            variant_id=line.variant_id,
            location_id=task.location_id,
            sku=line.sku,
            delta=-line.quantity,
            reason=f"not found on the shelf for order line {line_number}",
            actor=actor,
            now=now,
        )
        try:
            with transaction.atomic():  # a full location undoes the move, not the count
                return _source_again(task, order, line, now=now)
        except CapacityFull:
            return False


def _source_again(task: StoreTask, order: Order, line: OrderLine, *, now: datetime) -> bool:
    """Split `line` over the locations the sourcing engine picks (never the one that lacked
    it): one new line, hold and ship task per location, capacity taken there. False when the
    locations that may send cannot supply the whole line."""
    destination = _sourcing_destination(order, fallback=task.location)
    candidates = sourcing_candidates(
        variant_ids={line.sku: line.variant_id},
        channel=order.channel,
        exclude={(line.sku, task.location_id)},
        now=now,
    )
    lacking = (line.sku, task.location_id)
    kept = tuple(  # the order's other open lines: they stay where they are
        Assignment(other.sku, other.quantity, other.location_id)
        for other in open_lines(order.pk)
        if other.pk != line.pk and (other.sku, other.location_id) != lacking
    )
    before = SourcingPlan(
        assignments=(*kept, Assignment(line.sku, line.quantity, task.location_id)),
        unsourced=(),
        cost=0.0,
        explanation=(),
    )
    after = resource_after_not_found(
        before,
        sku=line.sku,
        location_id=task.location_id,
        destination=destination,
        candidates=candidates,
    )
    if after.unsourced:
        return False
    units_to = _new_units(after, kept, sku=line.sku)
    pieces = [Piece(line.sku, units, location_id) for location_id, units in units_to.items()]
    resourcing.move_line(
        order_id=order.pk,
        line_number=line.line_number,
        pieces=pieces,
        explanation=list(after.explanation),
        now=now,
    )
    for location_id in units_to:
        StoreTask.objects.get_or_create(
            order_id=order.pk,
            location_id=location_id,
            defaults={
                "kind": StoreTask.Kind.SHIP,
                "deadline": now + SHIP_WITHIN,
                "created_at": now,
                "slot_starts_at": order.delivery_slot_starts_at,
                "slot_ends_at": order.delivery_slot_ends_at,
            },
        )
    still_there = any(o.location_id == task.location_id for o in open_lines(order.pk))
    capacity.move_capacity(
        order=order,
        from_location_id=task.location_id,
        units_to=units_to,
        now=now,
        leaves_location=not still_there and task.kind == StoreTask.Kind.SHIP,
    )
    return True


def _new_units(plan: SourcingPlan, kept: tuple[Assignment, ...], *, sku: str) -> dict[int, int]:
    """The units of `sku` the plan adds at each location, beyond the order's kept lines."""
    units: dict[int, int] = {}
    for a in plan.assignments:
        if a.sku == sku:
            units[a.location_id] = units.get(a.location_id, 0) + a.quantity
    for a in kept:
        if a.sku == sku:
            units[a.location_id] -= a.quantity
    return {location_id: n for location_id, n in sorted(units.items()) if n > 0}


def _sourcing_destination(order: Order, *, fallback: Location) -> Destination:
    if order.pickup_location_id is not None:
        store = location_list().get(pk=order.pickup_location_id)
        return Destination.pickup(store.pk, float(store.latitude), float(store.longitude))
    address = order.delivery_address
    if address.get("lat") is not None and address.get("lon") is not None:
        return Destination.home(float(address["lat"]), float(address["lon"]))
    return Destination.home(float(fallback.latitude), float(fallback.longitude))


def _destination(order_id: int) -> dict:
    order = order_by_id(order_id)
    if order.pickup_location_id:  # ship to store, or a pickup line sourced from elsewhere
        store = location_list().get(pk=order.pickup_location_id)
        return {
            "kind": "store",
            "location_id": store.pk,
            "name": store.name,
            "line1": store.street,
            "postcode": store.postcode,
            "city": store.city,
            "country": store.country,
            "lat": float(store.latitude),
            "lon": float(store.longitude),
        }
    address = order.delivery_address
    return {
        "kind": "home",
        "location_id": None,
        **{key: address.get(key) for key in ("name", "line1", "postcode", "city", "country")},
        "lat": address.get("lat"),
        "lon": address.get("lon"),
    }


def dispatch(*, task_id: int, actor: str = "", now: datetime | None = None) -> StoreTask:
    """The parcel leaves: the held units become a sale, and `fulfilment.dispatched` tells the
    shipping app where it goes and by when it is promised. The capture of its lines (and of the
    delivery fee with the first parcel) is recorded in the same transaction and asked of the
    PSP after the commit: a rollback captures nothing (docs/money.md)."""
    now = now or clock.now()
    planned = StoreTask.objects.select_related("location").get(pk=task_id)
    destination = _destination(planned.order_id)
    # The promise made at placing; a task from before promises were kept gets one from now.
    promised_by = planned.promised_by or promises.parcel_promised_by(
        from_location_id=planned.location_id, placed_at=now
    )
    task, capture = _dispatched(
        task_id=task_id, promised_by=promised_by, destination=destination, actor=actor, now=now
    )
    if capture is not None:
        payments.settle(capture, now=now)  # after COMMIT, outside the retried transaction
    return task


@transaction_retried
def _dispatched(
    *, task_id: int, promised_by: date, destination: dict, actor: str, now: datetime
) -> tuple[StoreTask, PaymentOperation | None]:
    with transaction.atomic():
        # Under the task's row lock, a second dispatch of the same parcel waits and is refused;
        # its capture is keyed by the task, so it is asked of the PSP once.
        task, done = _locked_task(task_id, action="dispatch")
        dispatched = lifecycle.dispatch_lines(
            order_id=task.order_id,
            from_location_id=task.location_id,
            idempotency_key=f"capture:{task.order_id}:task:{task.pk}",
            actor=actor,
            now=now,
        )
        lines = dispatched.lines
        _finish(task, done, now)
        order = order_by_id(task.order_id)
        record_event(
            events.DISPATCHED,
            aggregate=f"order:{order.pk}",
            payload={
                **order_keys(order),
                "from_location_id": task.location_id,
                "promised_by": promised_by.isoformat(),
                "destination": destination,
                # The delivery window chosen at checkout: the carrier is booked for it.
                "slot": None
                if task.slot_starts_at is None or task.slot_ends_at is None
                else {
                    "starts_at": task.slot_starts_at.isoformat(),
                    "ends_at": task.slot_ends_at.isoformat(),
                },
                "lines": [{"sku": line.sku, "quantity": line.quantity} for line in lines],
            },
            now=now,
        )
    return task, dispatched.capture


def expire_uncollected(*, now: datetime | None = None) -> int:
    """Cancel the reservations nobody came for: their units go back on sale at once."""
    now = now or clock.now()
    expired = 0
    for order_id in lifecycle.reservations_to_expire(now=now):
        if not lifecycle.expire_reservation(order_id=order_id, now=now):
            continue  # handed over while the sweep ran
        _move_waiting_tasks(order_id, "expire", now=now)
        expired += 1
    return expired


def send_pickup_reminders(*, now: datetime | None = None) -> int:
    """Remind once, the day before the deadline, each customer whose order is waiting."""
    now = now or clock.now()
    due = list(
        StoreTask.objects.filter(
            status=StoreTask.Status.READY,
            reminded_at__isnull=True,
            order__collect_by__lte=now + REMIND_BEFORE,
            order__collect_by__gt=now,
        ).values_list("pk", "order_id")[:500]
    )
    for task_id, order_id in due:
        with transaction.atomic():
            if StoreTask.objects.filter(pk=task_id, reminded_at__isnull=True).update(
                reminded_at=now
            ):
                lifecycle.remind_pickup(order_id=order_id, now=now)
    return len(due)


def cancel_unpaid_orders(*, now: datetime | None = None) -> int:
    """Cancel the orders whose payment never came; one paid while the sweep ran stays."""
    now = now or clock.now()
    return sum(
        lifecycle.cancel_unpaid_order(order_id=order_id, now=now)
        for order_id in lifecycle.unpaid_orders_to_cancel(now=now)
    )


def _home_point(address: dict) -> Destination:
    if address.get("lat") is not None and address.get("lon") is not None:
        return Destination.home(float(address["lat"]), float(address["lon"]))
    try:  # the offline French postal table; a town name if the postcode is unknown
        place = search_origin(postcode=str(address.get("postcode", "")))
    except DomainError:
        place = search_origin(city=str(address.get("city", "")))
    return Destination.home(place.point.latitude, place.point.longitude)


def source_new_order_lines(
    *, request: OrderRequest, lines: list[LineRequest], variant_ids: dict[str, int]
) -> tuple[list[Piece], list[str]]:
    """The sourcing engine's locations for the lines of a new order that named none
    (registered with orders at start-up, see apps.py). Raises OutOfStock when no location
    can supply a line; the explanation is stored on the order."""
    if request.pickup_location_id is not None:
        store = location_list().get(pk=request.pickup_location_id)
        destination = Destination.pickup(store.pk, float(store.latitude), float(store.longitude))
    else:
        destination = _home_point(request.delivery_address)
    candidates = sourcing_candidates(
        variant_ids={line.sku: variant_ids[line.sku] for line in lines}, channel=request.channel
    )
    plan = source_order(
        [SourcingLine(line.sku, line.quantity) for line in lines], destination, candidates
    )
    if plan.unsourced:
        short = plan.unsourced[0]
        raise OutOfStock(
            f"No location can supply {short.quantity} × {short.sku} now.", sku=short.sku
        )
    pieces = [Piece(a.sku, a.quantity, a.location_id) for a in plan.assignments]
    return pieces, list(plan.explanation)
