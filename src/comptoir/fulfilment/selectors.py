"""Reads for the store's task list."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import TYPE_CHECKING

from django.db.models import Count, QuerySet

from comptoir.inventory.selectors import availability, locations_with_available
from comptoir.locations.selectors import location_list
from comptoir.orders.selectors import lines_not_at_pickup_store

from .domain.sourcing import STORE, WAREHOUSE, CandidateLocation
from .domain.tasks import allowed_actions
from .errors import TaskNotFound
from .models import StoreTask

if TYPE_CHECKING:
    from comptoir.orders.models import OrderLine


def tasks_at(*, location_id: int, statuses: list[str]) -> QuerySet[StoreTask]:
    return (
        StoreTask.objects.filter(location_id=location_id, status__in=statuses)
        .select_related("order", "location")
        .order_by("deadline", "id")
    )


def units_not_at_the_store(task: StoreTask) -> list[OrderLine]:
    """The lines of a set-aside task's order whose units are not at its store yet: the order
    may be made ready only when there are none (orders.domain.AT_THE_PICKUP_STORE)."""
    return lines_not_at_pickup_store(task.order_id, pickup_location_id=task.location_id)


def task_actions(task: StoreTask) -> frozenset[str]:
    """What an associate may do with the task now, as the services' rules decide: the task
    page offers these and no other."""
    actions = allowed_actions(task.kind, task.status)
    if "ready" in actions and units_not_at_the_store(task):
        return actions - {"ready"}
    return actions


def ready_pickups_at(
    *, location_id: int, customer_ids: Collection[int]
) -> dict[int, list[StoreTask]]:
    """The orders set aside at this store for these customers, soonest deadline first."""
    by_customer: dict[int, list[StoreTask]] = {}
    tasks = (
        StoreTask.objects.filter(
            location_id=location_id,
            kind=StoreTask.Kind.SET_ASIDE,
            status=StoreTask.Status.READY,
            order__customer_id__in=list(customer_ids),
        )
        .select_related("order")
        .order_by("order__collect_by", "id")
    )
    for task in tasks:
        by_customer.setdefault(task.order.customer_id, []).append(task)
    return by_customer


def ready_and_collected(*, since: datetime, until: datetime) -> list[tuple[datetime, datetime]]:
    """For pickup orders collected in [since, until): when the store told the customer the
    order was ready, and when it was handed over."""
    return list(
        StoreTask.objects.filter(
            kind=StoreTask.Kind.SET_ASIDE,
            status=StoreTask.Status.DONE,
            ready_at__isnull=False,
            finished_at__gte=since,
            finished_at__lt=until,
        ).values_list("ready_at", "finished_at")
    )


def task_by_id(task_id: int) -> StoreTask:
    task = StoreTask.objects.select_related("order", "location").filter(pk=task_id).first()
    if task is None:
        raise TaskNotFound("No such store task.")
    return task


def sourcing_candidates(
    *, variant_ids: dict[str, int], channel: str, exclude: set[tuple[str, int]] = frozenset()
) -> list[CandidateLocation]:
    """Every active location that can promise one of these SKUs to `channel` now, as the
    sourcing engine sees it: units available, and its queue of open shipping tasks as its
    workload. A store's last free unit is protected for walk-in customers."""
    ids = locations_with_available(variant_ids=list(variant_ids.values()), channel=channel)
    if not ids:
        return []
    figures = availability(variant_ids=variant_ids, location_ids=sorted(ids), channel=channel)
    available: dict[int, dict[str, int]] = {}
    for row in figures:
        if row.figures.available > 0 and (row.sku, row.location_id) not in exclude:
            available.setdefault(row.location_id, {})[row.sku] = row.figures.available
    workload = dict(
        StoreTask.objects.filter(
            location_id__in=available, status=StoreTask.Status.OPEN, kind=StoreTask.Kind.SHIP
        )
        .values("location_id")
        .annotate(n=Count("pk"))
        .values_list("location_id", "n")
    )
    return [
        CandidateLocation(
            location_id=location.pk,
            name=location.name,
            kind=STORE if location.kind == "store" else WAREHOUSE,
            latitude=float(location.latitude),
            longitude=float(location.longitude),
            available=available[location.pk],
            protected={sku: 1 for sku, n in available[location.pk].items() if n == 1}
            if location.kind == "store"
            else {},
            workload_units=workload.get(location.pk, 0),
        )
        for location in location_list().filter(pk__in=available).order_by("pk")
    ]
