"""Reads for the store's task list."""

from __future__ import annotations

import math
from collections.abc import Callable, Collection
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from django.db.models import QuerySet, Sum

from comptoir.core import clock
from comptoir.core.reconciling import Discrepancy
from comptoir.inventory.selectors import availability, locations_with_available
from comptoir.locations.selectors import location_list, offers_service
from comptoir.orders.selectors import lines_not_at_pickup_store

from .domain.sourcing import STORE, WAREHOUSE, CandidateLocation
from .domain.tasks import allowed_actions
from .errors import TaskNotFound
from .models import CapacityConsumption, CapacityKind, CapacityUsage, LocationCapacity, StoreTask

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
    *,
    variant_ids: dict[str, int],
    channel: str,
    exclude: set[tuple[str, int]] = frozenset(),
    now: datetime | None = None,
) -> list[CandidateLocation]:
    """Every active location that can promise one of these SKUs to `channel` now, as the
    sourcing engine sees it: units available, and the units it has taken to pick today
    against its daily picking capacity (capacity.py; no limit unless one is set). A store's
    last free unit is protected for walk-in customers. A store sends parcels (home, another
    store) only if it offers `ship_from_store`: read here, in the locations' query, for the
    options page, placing and re-sourcing alike."""
    ids = locations_with_available(variant_ids=list(variant_ids.values()), channel=channel)
    if not ids:
        return []
    figures = availability(variant_ids=variant_ids, location_ids=sorted(ids), channel=channel)
    available: dict[int, dict[str, int]] = {}
    for row in figures:
        if row.figures.available > 0 and (row.sku, row.location_id) not in exclude:
            available.setdefault(row.location_id, {})[row.sku] = row.figures.available
    picking = picking_today(location_ids=available, now=now or clock.now())
    collections = collection_now(location_ids=available, now=now or clock.now())
    locations = (
        location_list()
        .filter(pk__in=available)
        .annotate(offers_ship_from_store=offers_service("ship_from_store"))
        .order_by("pk")
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
            ships_from_store=location.kind != "store" or location.offers_ship_from_store,
            workload_units=picking[location.pk][0],
            capacity_units=picking[location.pk][1],
            collection_units=collections.get(location.pk, (0, None))[0],
            collection_limit=collections.get(location.pk, (0, None))[1],
        )
        for location in locations
    ]


# Capacity: what is taken of each bucket (a location's day, one of its delivery slots), and
# its limit. A bucket nobody took from yet has no usage row: its limit is the location's
# setting. capacity.py writes them.


def capacity_settings(*, location_ids: Collection[int]) -> dict[int, LocationCapacity]:
    return {
        setting.location_id: setting
        for setting in LocationCapacity.objects.filter(location_id__in=list(location_ids))
    }


def limit_of(setting: LocationCapacity | None, kind: str) -> int | None:
    """The location's configured limit for `kind` (None: no limit)."""
    if setting is None:
        return None
    limit: int | None = getattr(setting, LIMIT_FIELDS[kind])
    return limit


LIMIT_FIELDS = {
    CapacityKind.PICKING: "picking_units_per_day",
    CapacityKind.SAME_DAY: "same_day_orders_per_day",
    CapacityKind.SLOT: "deliveries_per_slot",
    CapacityKind.CUT_OFF: "picking_units_per_cut_off",
}


def day_bucket(moment: datetime, timezone: str) -> tuple[str, date]:
    """A location's day bucket for `moment`: its local day, as the key and as a date."""
    day = moment.astimezone(ZoneInfo(timezone)).date()
    return day.isoformat(), day


def slot_bucket(starts_at: datetime) -> str:
    return starts_at.astimezone(UTC).isoformat()


def capacity_left(
    *, kind: str, buckets: Collection[tuple[int, str]]
) -> dict[tuple[int, str], float]:
    """What is left of each (location id, bucket) of `kind`: inf where there is no limit."""
    location_ids = {location_id for location_id, _ in buckets}
    settings = capacity_settings(location_ids=location_ids)
    rows = {
        (row.location_id, row.bucket): row
        for row in CapacityUsage.objects.filter(
            location_id__in=location_ids, kind=kind, bucket__in={b for _, b in buckets}
        )
    }
    left: dict[tuple[int, str], float] = {}
    for key in buckets:
        row = rows.get(key)
        limit = row.limit_units if row is not None else limit_of(settings.get(key[0]), kind)
        used = row.used if row is not None else 0
        left[key] = math.inf if limit is None else max(0, limit - used)
    return left


def picking_today(
    *, location_ids: Collection[int], now: datetime
) -> dict[int, tuple[int, int | None]]:
    """Each location's units taken for picking today (its local day), and its daily limit."""
    zones = dict(location_list().filter(pk__in=list(location_ids)).values_list("pk", "timezone"))
    buckets = {pk: day_bucket(now, zone)[0] for pk, zone in zones.items()}
    settings = capacity_settings(location_ids=zones)
    rows = {
        row.location_id: row
        for row in CapacityUsage.objects.filter(
            location_id__in=list(zones), kind=CapacityKind.PICKING, bucket__in=set(buckets.values())
        )
        if row.bucket == buckets[row.location_id]
    }
    figures: dict[int, tuple[int, int | None]] = {}
    for pk in zones:
        row = rows.get(pk)
        if row is not None:
            figures[pk] = (row.used, row.limit_units)
        else:
            figures[pk] = (0, limit_of(settings.get(pk), CapacityKind.PICKING))
    return figures


# The promise's dispatch day of each location (promises.dispatch_days): promises compose these
# reads, so they hand it over when Django starts (apps.py), as fulfilment does to orders.
_dispatch_days: Callable[[list[int], datetime], dict[int, date]] | None = None


def use_dispatch_days(function: Callable[[list[int], datetime], dict[int, date]]) -> None:
    global _dispatch_days
    _dispatch_days = function


def collection_now(
    *, location_ids: Collection[int], now: datetime
) -> dict[int, tuple[int, int | None]]:
    """For each location with a limit per cut-off: the units taken of the carrier collection a
    parcel ordered `now` leaves with (the promise's dispatch day, capacity.py), and the limit."""
    settings = capacity_settings(location_ids=location_ids)
    limited = sorted(pk for pk, s in settings.items() if s.picking_units_per_cut_off is not None)
    if not limited:
        return {}
    if _dispatch_days is None:
        raise RuntimeError("fulfilment's app registers the dispatch days when Django starts")
    buckets = {pk: day.isoformat() for pk, day in _dispatch_days(limited, now).items()}
    rows = {
        (row.location_id, row.bucket): row
        for row in CapacityUsage.objects.filter(
            location_id__in=limited, kind=CapacityKind.CUT_OFF, bucket__in=set(buckets.values())
        )
    }
    figures: dict[int, tuple[int, int | None]] = {}
    for pk in limited:
        row = rows.get((pk, buckets[pk]))
        if row is not None:
            figures[pk] = (row.used, row.limit_units)
        else:
            figures[pk] = (0, settings[pk].picking_units_per_cut_off)
    return figures


def full_slots(*, location_ids: Collection[int], starts: Collection[datetime]) -> set[datetime]:
    """The slots (by their start) that one of these locations can deliver no more in."""
    buckets = {(pk, slot_bucket(start)): start for pk in location_ids for start in starts}
    left = capacity_left(kind=CapacityKind.SLOT, buckets=buckets)
    return {buckets[key] for key, room in left.items() if room < 1}


def same_day_full(*, location_ids: Collection[int], now: datetime) -> set[int]:
    """The locations that may take no more same-day orders today."""
    zones = dict(location_list().filter(pk__in=list(location_ids)).values_list("pk", "timezone"))
    buckets = {(pk, day_bucket(now, zone)[0]): pk for pk, zone in zones.items()}
    left = capacity_left(kind=CapacityKind.SAME_DAY, buckets=buckets)
    return {buckets[key] for key, room in left.items() if room < 1}


def capacity_of(*, location_id: int, now: datetime) -> dict[str, object]:
    """A location's limits, and what is taken of today's buckets and of the carrier collection
    a parcel ordered now leaves with (None: no cut-off limit, not counted) (the API's and the
    back office's view)."""
    setting = capacity_settings(location_ids=[location_id]).get(location_id)
    used, _ = picking_today(location_ids=[location_id], now=now)[location_id]
    zone = location_list().filter(pk=location_id).values_list("timezone", flat=True).first()
    bucket, _ = day_bucket(now, zone or "UTC")
    same_day = (
        CapacityUsage.objects.filter(
            location_id=location_id, kind=CapacityKind.SAME_DAY, bucket=bucket
        )
        .values_list("used", flat=True)
        .first()
    )
    return {
        **{field: limit_of(setting, kind) for kind, field in LIMIT_FIELDS.items()},
        "picking_units_today": used,
        "picking_units_next_collection": collection_now(location_ids=[location_id], now=now).get(
            location_id, (None,)
        )[0],
        "same_day_orders_today": same_day or 0,
    }


def capacity_discrepancies() -> list[Discrepancy]:
    """Each usage row must equal what the live consumptions of its bucket add up to (an
    order's, until its task is cancelled), and never exceed its limit."""
    live = {
        (row["location_id"], row["kind"], row["bucket"]): row["units"]
        for row in CapacityConsumption.objects.filter(released_at__isnull=True)
        .values("location_id", "kind", "bucket")
        .annotate(units=Sum("units"))
    }
    found = []
    seen = set()
    for row in CapacityUsage.objects.order_by("location_id", "kind", "bucket"):
        key = (row.location_id, row.kind, row.bucket)
        seen.add(key)
        taken = live.get(key, 0)
        subject = f"capacity:{row.kind}:{row.location_id}:{row.bucket}"
        if row.used != taken:
            found.append(
                Discrepancy(
                    "capacity-used-equals-live-orders",
                    subject,
                    f"used {row.used}, live orders took {taken}",
                )
            )
        if row.limit_units is not None and row.used > row.limit_units:
            found.append(
                Discrepancy(
                    "capacity-within-limit", subject, f"used {row.used} > {row.limit_units}"
                )
            )
    for key in sorted(set(live) - seen):
        found.append(
            Discrepancy(
                "capacity-used-equals-live-orders",
                f"capacity:{key[1]}:{key[0]}:{key[2]}",
                f"no usage row, live orders took {live[key]}",
            )
        )
    return found
