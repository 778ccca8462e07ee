"""A location's capacity: units it can pick a day, same-day orders a day, deliveries per slot.

Its manager sets the limits (`set_capacity`; none set: no limit). Each order takes its share in
the transaction that writes it (`take_capacity_for_order`, registered with orders' placing):
one consumption row per (order, location, kind), which the store task of that order and
location carries, and one conditional change per bucket (`used + n <= limit_units`), sent last
and in a fixed order, as stock's holds are (docs/locking.md; ADR 0029: one upsert on
PostgreSQL). A bucket with no room left refuses, and the order is undone with its holds: never
accepted over the limit. The CHECK `capacity_used_within_limit` is the last guard. Cancelling
the order's task gives it back in the same transaction (`give_back_capacity`), once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from django.db import connection, transaction
from django.db.models import F, Q, Value
from django.db.models.functions import Greatest

from comptoir.core.errors import ValidationFailed
from comptoir.locations.selectors import location_list

from .errors import CapacityFull
from .models import CapacityConsumption, CapacityKind, CapacityUsage, LocationCapacity
from .offers import SAME_DAY
from .options.model import Sites
from .promises import dispatch_days
from .selectors import LIMIT_FIELDS, capacity_settings, day_bucket, limit_of, slot_bucket

if TYPE_CHECKING:
    from comptoir.orders.models import Order, OrderLine

MAX_LIMIT = 1_000_000


@dataclass(frozen=True, order=True)
class _Need:
    """One bucket an order takes from: `at` is the moment whose local day is the bucket (the
    order's placing; a slot's start), `slot` the slot's key (empty for a day bucket)."""

    location_id: int
    kind: str
    slot: str
    at: datetime
    units: int


def _needs(order: Order, lines: list[OrderLine], now: datetime) -> list[_Need]:
    """What the order takes, bucket by bucket, in the order the buckets are locked."""
    units: dict[int, int] = {}
    for line in lines:
        units[line.location_id] = units.get(line.location_id, 0) + line.quantity
    return _needs_of_units(order, units, now)


def _needs_of_units(order: Order, units: dict[int, int], now: datetime) -> list[_Need]:
    needs = _cut_off_needs(order, units, now)
    for location_id, quantity in units.items():
        needs.append(_Need(location_id, CapacityKind.PICKING, "", now, quantity))
        if order.delivery_option == SAME_DAY:
            needs.append(_Need(location_id, CapacityKind.SAME_DAY, "", now, 1))
        starts = order.delivery_slot_starts_at
        if starts is not None:
            needs.append(_Need(location_id, CapacityKind.SLOT, slot_bucket(starts), starts, 1))
    return sorted(needs)


def _cut_off_needs(order: Order, units: dict[int, int], now: datetime) -> list[_Need]:
    """The units each location picks for the carrier collection they leave with: the bucket
    is the local day of that dispatch (before today's cut-off: today; after: the next
    dispatch day), as the promise computed it. Taken only where a cut-off limit is set (the
    dispatch day needs the location's hours and holidays; an order at no limited location
    pays one read), and never for units collected at the store that picks them."""
    shipped = {pk: n for pk, n in units.items() if pk != order.pickup_location_id}
    if not shipped:
        return []
    limited = sorted(
        pk
        for pk, setting in capacity_settings(location_ids=shipped).items()
        if setting.picking_units_per_cut_off is not None
    )
    if not limited:
        return []
    sites = Sites(now)
    sites.load(limited)
    needs = []
    for pk, day in dispatch_days(limited, now, sites).items():
        noon = datetime.combine(day, time(12), tzinfo=ZoneInfo(sites.get(pk).hours.timezone))
        needs.append(_Need(pk, CapacityKind.CUT_OFF, "", noon, shipped[pk]))
    return needs


def take_capacity_for_order(*, order: Order, lines: list[OrderLine], now: datetime) -> None:
    """Take the order's capacity at each location of its lines, or raise CapacityFull.
    Must run in the transaction that writes the order, after its rows: the caller's rollback
    undoes the order with the consumption. An order consumes once (a unique constraint)."""
    needs = _needs(order, lines, now)
    if connection.vendor == "postgresql":
        refused = _take_in_one_statement(order.pk, needs, now)
    else:
        refused = _take_with_the_orm(order.pk, needs, now)
    if refused is not None:
        raise CapacityFull(_full(refused))


# PostgreSQL: ONE statement. Each bucket's row is created by its first order or taken by a
# conditional upsert (the ON CONFLICT's WHERE is judged on the row as locked, the newest), in
# bucket order; the consumption rows are written only if every bucket took the order. The
# day of a bucket is the location's local day, computed from its time zone here. A new row
# that would start above its limit is not inserted at all (so the CHECK never fires).
_TAKE = """
WITH wanted AS (
    SELECT w.location_id, w.kind, w.units,
           CASE WHEN w.slot <> '' THEN w.slot
                ELSE to_char((w.at AT TIME ZONE l.timezone)::date, 'YYYY-MM-DD') END AS bucket,
           (w.at AT TIME ZONE l.timezone)::date AS day,
           CASE w.kind WHEN 'picking' THEN c.picking_units_per_day
                       WHEN 'cut_off' THEN c.picking_units_per_cut_off
                       WHEN 'same_day' THEN c.same_day_orders_per_day
                       ELSE c.deliveries_per_slot END AS limit_units
      FROM unnest(%(location_ids)s::bigint[], %(kinds)s::text[], %(slots)s::text[],
                  %(moments)s::timestamptz[], %(units)s::int[])
           AS w(location_id, kind, slot, at, units)
      JOIN locations_location l ON l.id = w.location_id
      LEFT JOIN fulfilment_locationcapacity c ON c.location_id = w.location_id
), taken AS (
    INSERT INTO fulfilment_capacityusage AS u (location_id, kind, bucket, day, used,
                                               limit_units, updated_at)
    SELECT location_id, kind, bucket, day, units, limit_units, %(now)s::timestamptz
      FROM wanted
     WHERE limit_units IS NULL OR units <= limit_units
     ORDER BY location_id, kind, bucket
        ON CONFLICT (location_id, kind, bucket) DO UPDATE
       SET used = u.used + excluded.used, updated_at = excluded.updated_at
     WHERE u.limit_units IS NULL OR u.used + excluded.used <= u.limit_units
    RETURNING u.location_id, u.kind, u.bucket
), consumed AS (
    INSERT INTO fulfilment_capacityconsumption (order_id, location_id, kind, bucket, units,
                                                created_at, released_at)
    SELECT %(order_id)s::bigint, location_id, kind, bucket, units, %(now)s::timestamptz, NULL
      FROM wanted
     WHERE (SELECT count(*) FROM taken) = %(needs)s
)
SELECT w.location_id, w.kind
  FROM wanted w
 WHERE NOT EXISTS (SELECT 1 FROM taken t WHERE t.location_id = w.location_id
                                            AND t.kind = w.kind AND t.bucket = w.bucket)
 ORDER BY w.location_id, w.kind, w.bucket
 LIMIT 1
"""


def _take_in_one_statement(order_id: int, needs: list[_Need], now: datetime) -> _Need | None:
    with connection.cursor() as cursor:
        cursor.execute(
            _TAKE,
            {
                "location_ids": [need.location_id for need in needs],
                "kinds": [str(need.kind) for need in needs],
                "slots": [need.slot for need in needs],
                "moments": [need.at for need in needs],
                "units": [need.units for need in needs],
                "order_id": order_id,
                "now": now,
                "needs": len(needs),
            },
        )
        row = cursor.fetchone()
    if row is None:
        return None
    return next(n for n in needs if (n.location_id, n.kind) == (row[0], row[1]))


def _take_with_the_orm(order_id: int, needs: list[_Need], now: datetime) -> _Need | None:
    """The same, statement by statement (SQLite serialises writers: as safe)."""
    settings = capacity_settings(location_ids={need.location_id for need in needs})
    zones = dict(
        location_list()
        .filter(pk__in={need.location_id for need in needs})
        .values_list("pk", "timezone")
    )
    keyed = []
    for need in needs:
        bucket, day = day_bucket(need.at, zones.get(need.location_id, "UTC"))
        keyed.append((need, need.slot or bucket, day))
    CapacityUsage.objects.bulk_create(
        [
            CapacityUsage(
                location_id=need.location_id,
                kind=need.kind,
                bucket=bucket,
                day=day,
                used=0,
                limit_units=limit_of(settings.get(need.location_id), need.kind),
                updated_at=now,
            )
            for need, bucket, day in keyed
        ],
        ignore_conflicts=True,  # the bucket's first order creates it; the others find it
    )
    for need, bucket, _ in keyed:
        taken = (
            CapacityUsage.objects.filter(
                location_id=need.location_id, kind=need.kind, bucket=bucket
            )
            .filter(Q(limit_units__isnull=True) | Q(limit_units__gte=F("used") + need.units))
            .update(used=F("used") + need.units, updated_at=now)
        )
        if not taken:
            return need
    CapacityConsumption.objects.bulk_create(
        [
            CapacityConsumption(
                order_id=order_id,
                location_id=need.location_id,
                kind=need.kind,
                bucket=bucket,
                units=need.units,
                created_at=now,
            )
            for need, bucket, _ in keyed
        ]
    )
    return None


def _full(need: _Need) -> str:
    name = location_list().filter(pk=need.location_id).values_list("name", flat=True).first()
    if need.kind == CapacityKind.SLOT:
        return f"This slot is full: {name} can deliver no more orders in it."
    if need.kind == CapacityKind.SAME_DAY:
        return f"Same-day delivery from {name} is full today."
    if need.kind == CapacityKind.CUT_OFF:
        return (
            f"{name} cannot pick {need.units} more units for its next carrier collection:"
            " its capacity per cut-off is full."
        )
    return f"{name} cannot pick {need.units} more units today: its picking capacity is full."


def move_capacity(
    *,
    order: Order,
    from_location_id: int,
    units_to: dict[int, int],
    now: datetime,
    leaves_location: bool = False,
) -> None:
    """A line sourced again: its units leave `from_location_id` for the locations of
    `units_to` (location id -> units). Each new location takes its picking units today, and,
    if it serves the order for the first time, its same-day order and slot place; the old
    location gives its picking units back, and all it held for the order when the order
    `leaves_location` (nothing more to send from there). Or CapacityFull, and the caller's
    transaction (the move) is undone. Conditional updates, as at placing; re-sourcing is not
    the checkout's hot path, so the ORM's statements serve both databases."""
    live = {
        (row.location_id, row.kind): row
        for row in CapacityConsumption.objects.select_for_update().filter(
            order_id=order.pk, released_at__isnull=True
        )
    }
    wanted = []
    for need in _needs_of_units(order, units_to, now):
        row = live.get((need.location_id, need.kind))
        if row is None:
            wanted.append((need, None))
        elif need.kind in _UNITS:  # serves the order already: more units there
            wanted.append((need, row))
    refused = _take_more(order.pk, wanted, now)
    if refused is not None:
        raise CapacityFull(_full(refused))
    if leaves_location:
        for (location_id, _), row in sorted(live.items()):
            if location_id == from_location_id:
                _release(row, now)
        return
    moved = sum(units_to.values())
    for kind in _UNITS:
        old = live.get((from_location_id, kind))
        if old is not None and moved:
            back = min(old.units, moved)
            CapacityConsumption.objects.filter(pk=old.pk).update(units=F("units") - back)
            CapacityUsage.objects.filter(
                location_id=from_location_id, kind=kind, bucket=old.bucket
            ).update(used=Greatest(F("used") - back, Value(0)), updated_at=now)


_UNITS = (CapacityKind.CUT_OFF, CapacityKind.PICKING)  # buckets counted in units, not orders


def _take_more(
    order_id: int, wanted: list[tuple[_Need, CapacityConsumption | None]], now: datetime
) -> _Need | None:
    """Take each need: a new consumption row, or more units on the order's row (its bucket)."""
    fresh = [need for need, row in wanted if row is None]
    if fresh:
        refused = _take_with_the_orm(order_id, fresh, now)
        if refused is not None:
            return refused
    for need, row in wanted:
        if row is None:
            continue
        taken = (
            CapacityUsage.objects.filter(
                location_id=need.location_id, kind=need.kind, bucket=row.bucket
            )
            .filter(Q(limit_units__isnull=True) | Q(limit_units__gte=F("used") + need.units))
            .update(used=F("used") + need.units, updated_at=now)
        )
        if not taken:
            return need
        CapacityConsumption.objects.filter(pk=row.pk).update(units=F("units") + need.units)
    return None


def give_back_capacity(*, order_id: int, now: datetime) -> int:
    """Give back what the order still holds, bucket by bucket, once: a second call (a
    redelivered event) finds nothing live. Must run in the transaction that cancels it.
    Returns the number of buckets given back."""
    live = CapacityConsumption.objects.filter(order_id=order_id, released_at__isnull=True)
    return sum(_release(row, now) for row in live.order_by("location_id", "kind", "bucket"))


def _release(consumption: CapacityConsumption, now: datetime) -> int:
    """Give one consumption's units back to its bucket, once (1), or find it given (0)."""
    released = CapacityConsumption.objects.filter(
        pk=consumption.pk, released_at__isnull=True
    ).update(released_at=now)
    if released:
        CapacityUsage.objects.filter(
            location_id=consumption.location_id,
            kind=consumption.kind,
            bucket=consumption.bucket,
        ).update(used=F("used") - consumption.units, updated_at=now)
    return released


def set_capacity(
    *, location_id: int, limits: dict[str, int | None], now: datetime
) -> LocationCapacity:
    """Set a location's limits (field name → limit; None: no limit). Today's and later
    buckets take the new limit at once, never below what they already hold: a lowered limit
    refuses new orders, it does not undo the accepted ones."""
    errors = [
        {"field": name, "message": f"a whole number from 0 to {MAX_LIMIT}, or empty"}
        for name, limit in limits.items()
        if name not in LIMIT_FIELDS.values() or (limit is not None and not 0 <= limit <= MAX_LIMIT)
    ]
    if errors:
        raise ValidationFailed("Some capacity limits are not valid.", errors=errors)
    zone = location_list().filter(pk=location_id).values_list("timezone", flat=True).first()
    _, today = day_bucket(now, zone or "UTC")
    with transaction.atomic():
        setting, _ = LocationCapacity.objects.update_or_create(
            location_id=location_id, defaults={**limits, "updated_at": now}
        )
        for kind, name in LIMIT_FIELDS.items():
            if name not in limits:
                continue
            limit = limits[name]
            CapacityUsage.objects.filter(location_id=location_id, kind=kind, day__gte=today).update(
                limit_units=None if limit is None else Greatest(Value(limit), F("used")),
                updated_at=now,
            )
    return setting
