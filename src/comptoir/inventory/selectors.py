"""Reads about stock: figures per (SKU, location) for a channel, holds, the ledger."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Count, F, Q, QuerySet, Sum

from comptoir.catalog.selectors import variant_ids_for_skus_remembered, variants_of_product
from comptoir.core import clock
from comptoir.core.reconciling import Discrepancy

from .domain import StockFigures
from .errors import UnknownSku
from .models import Hold, SafetyStock, SnapshotJob, StockLevel, StockMovement


@dataclass(frozen=True)
class Availability:
    sku: str
    location_id: int
    figures: StockFigures


def resolve_skus(skus: list[str]) -> dict[str, int]:
    """SKU → variant id; every unknown SKU is named in one 422 problem."""
    found = variant_ids_for_skus_remembered(skus)
    unknown = [sku for sku in skus if sku not in found]
    if unknown:
        raise UnknownSku(
            f"Unknown SKU: {', '.join(unknown)}.",
            errors=[{"field": "sku", "message": f"unknown: {sku}"} for sku in unknown],
        )
    return found


def resolve_product(slug: str) -> dict[str, int]:
    variants = variants_of_product(slug)
    if not variants:
        raise UnknownSku(
            f"No product {slug!r}, or it has no variants.",
            errors=[{"field": "product", "message": "unknown product"}],
        )
    return variants


# Available to promise, the one rule, in the three forms its readers need: in Python
# (`domain.StockFigures.available`), as a SQL expression for the written-out hold statements
# (`available_sql`), and as an ORM condition for filters (`promisable_at`). A test checks
# the three agree on every figure (tests/services/test_available_to_promise.py).


def safety_stock_sql(*, location: str, channel: str) -> str:
    """SQL: the units `channel` keeps back at `location` (0 when none is set). `location` and
    `channel` are SQL expressions: a column or a parameter placeholder."""
    return (
        "COALESCE((SELECT quantity FROM inventory_safetystock"  # noqa: S608 - our own columns
        f" WHERE location_id = {location} AND channel = {channel}), 0)"
    )


def available_sql(*, on_hand: str, held: str, location: str, channel: str) -> str:
    """SQL: on hand − held − the channel's safety stock there (negative when short)."""
    return f"{on_hand} - {held} - {safety_stock_sql(location=location, channel=channel)}"


def promisable_at(*, location_id: int, safety: int, units: int = 1) -> Q:
    """ORM: the levels at `location_id` with at least `units` available to promise, given the
    channel's safety stock there."""
    return Q(location_id=location_id, on_hand__gte=F("held") + safety + units)


def safety_by_location(*, location_ids: list[int], channel: str) -> dict[int, int]:
    return dict(
        SafetyStock.objects.filter(location_id__in=location_ids, channel=channel).values_list(
            "location_id", "quantity"
        )
    )


def availability(
    *, variant_ids: dict[str, int], location_ids: list[int], channel: str
) -> list[Availability]:
    """Figures for every (SKU, location) asked, in the order asked; no level means zero."""
    levels = {
        (variant_id, location_id): (on_hand, held)
        for variant_id, location_id, on_hand, held in StockLevel.objects.filter(
            variant_id__in=variant_ids.values(), location_id__in=location_ids
        ).values_list("variant_id", "location_id", "on_hand", "held")
    }
    safety = safety_by_location(location_ids=location_ids, channel=channel)
    return [
        Availability(
            sku=sku,
            location_id=location_id,
            figures=StockFigures(
                *levels.get((variant_id, location_id), (0, 0)), safety.get(location_id, 0)
            ),
        )
        for sku, variant_id in variant_ids.items()
        for location_id in location_ids
    ]


def locations_with_available(*, variant_ids: list[int], channel: str) -> set[int]:
    """Locations where at least one of these variants can be promised to `channel`."""
    rows = StockLevel.objects.filter(variant_id__in=variant_ids, on_hand__gt=F("held")).values_list(
        "location_id", "on_hand", "held"
    )
    rows = list(rows)
    safety = safety_by_location(location_ids=[r[0] for r in rows], channel=channel)
    return {
        location_id
        for location_id, on_hand, held in rows
        if StockFigures(on_hand, held, safety.get(location_id, 0)).available > 0
    }


def product_ids_available_at(*, location_ids: list[int], channel: str) -> QuerySet[StockLevel]:
    """A subquery of the products with a unit `channel` may promise at one of these locations.

    It reads the maintained `held` figure and the product copied onto each level (no SUM over
    holds, no join to the variants), so it is one range of the (location, product) index per
    location. Each location's own safety stock applies.
    """
    if not location_ids:
        return StockLevel.objects.none().values("product_id")
    safety = safety_by_location(location_ids=location_ids, channel=channel)
    available = Q()
    for location_id in location_ids:
        available |= promisable_at(location_id=location_id, safety=safety.get(location_id, 0))
    return StockLevel.objects.filter(available).values("product_id")


def active_holds_at(*, location_id: int) -> QuerySet[Hold]:
    return (
        Hold.objects.filter(location_id=location_id, status=Hold.Status.ACTIVE)
        .select_related("variant")
        .order_by(F("expires_at").asc(nulls_last=True), "pk")  # an order's (no expiry) last
    )


def hold_by_id(*, hold_id: int) -> Hold | None:
    return Hold.objects.select_related("variant", "location").filter(pk=hold_id).first()


def ledger(*, variant_id: int, location_id: int) -> QuerySet[StockMovement]:
    return StockMovement.objects.filter(variant_id=variant_id, location_id=location_id)


# --- for the back office ----------------------------------------------------------------------

LOW_STOCK_BELOW = 3  # fewer free units than this is "low": one more sale and the shelf is bare


@dataclass(frozen=True)
class StockHealth:
    """How many (SKU, location) levels are out of stock, low or well stocked, free units only."""

    out: int
    low: int
    stocked: int

    @property
    def total(self) -> int:
        return self.out + self.low + self.stocked


def stock_health(*, location_ids: list[int] | None = None) -> StockHealth:
    """Levels by state now, across every location or these ones: one aggregate query."""
    levels = StockLevel.objects.all()
    if location_ids is not None:
        levels = levels.filter(location_id__in=location_ids)
    counts = levels.aggregate(
        out=Count("pk", filter=Q(on_hand__lte=F("held"))),
        low=Count("pk", filter=Q(on_hand__gt=F("held"), on_hand__lt=F("held") + LOW_STOCK_BELOW)),
        stocked=Count("pk", filter=Q(on_hand__gte=F("held") + LOW_STOCK_BELOW)),
    )
    return StockHealth(counts["out"], counts["low"], counts["stocked"])


def locations_most_out_of_stock(*, limit: int = 8) -> list[tuple[int, int]]:
    """(location id, levels with no free unit), the worst first."""
    rows = (
        StockLevel.objects.filter(on_hand__lte=F("held"))
        .values("location_id")
        .annotate(out=Count("pk"))
        .order_by("-out", "location_id")[:limit]
    )
    return [(row["location_id"], row["out"]) for row in rows]


def levels_at(*, location_id: int) -> QuerySet[StockLevel]:
    return (
        StockLevel.objects.filter(location_id=location_id)
        .select_related("variant")
        .order_by("variant__sku")
    )


def recent_movements(*, location_id: int | None = None) -> QuerySet[StockMovement]:
    """The newest movements first, at one location or everywhere."""
    movements = StockMovement.objects.select_related("variant", "location")
    if location_id is not None:
        movements = movements.filter(location_id=location_id)
    return movements.order_by("-pk")


# --- for `comptoir reconcile` ----------------------------------------------------------------

# The worker expires due holds every minute (worker/tasks.py); a hold still active longer than
# that past its expiry means the sweep is not running, or could not end it.
HOLD_SWEEP_PERIOD = timedelta(minutes=1)


def _level_name(sku: str, location_code: str) -> str:
    return f"level:{sku}@{location_code}"


def stock_discrepancies(*, now: datetime | None = None) -> list[Discrepancy]:
    """Every stock figure that does not add up: a level that is not the sum of its movements,
    a held figure that is not the sum of its active holds, anything negative or held beyond
    what is on hand, and active holds the expiry sweep has left behind. A hold with no expiry
    is its order's to end: `orders.selectors.order_state_discrepancies` checks those."""
    now = now or clock.now()
    return [*_levels_against_ledger(), *_levels_against_holds(), *_stale_holds(now)]


def _keyed_sums(rows: QuerySet, *fields: str) -> dict[tuple[int, int], tuple[int, ...]]:
    return {
        (row["variant_id"], row["location_id"]): tuple(row[field] or 0 for field in fields)
        for row in rows
    }


def _names(keys: set[tuple[int, int]]) -> dict[tuple[int, int], str]:
    """'level:SKU@location-code' for each (variant id, location id), read through the foreign
    keys of the rows that name them (a level, or the movements of a level that is missing)."""
    names: dict[tuple[int, int], str] = {}
    for rows in (StockLevel.objects, StockMovement.objects, Hold.objects):
        wanted = keys - set(names)
        if not wanted:
            break
        by_key = Q()
        for variant_id, location_id in wanted:
            by_key |= Q(variant_id=variant_id, location_id=location_id)
        for variant_id, location_id, sku, code in (
            rows.filter(by_key)
            .values_list("variant_id", "location_id", "variant__sku", "location__code")
            .distinct()
        ):
            names[(variant_id, location_id)] = _level_name(sku, code)
    return names


def _levels() -> dict[tuple[int, int], tuple[int, int]]:
    return {
        (variant_id, location_id): (on_hand, held)
        for variant_id, location_id, on_hand, held in StockLevel.objects.values_list(
            "variant_id", "location_id", "on_hand", "held"
        )
    }


def _levels_against_ledger() -> list[Discrepancy]:
    levels = _levels()
    ledger_sums = _keyed_sums(
        StockMovement.objects.values("variant_id", "location_id").annotate(
            on_hand=Sum("on_hand_delta"), held=Sum("held_delta")
        ),
        "on_hand",
        "held",
    )
    found: list[tuple[tuple[int, int], str, str]] = []
    for key in sorted(set(levels) | set(ledger_sums)):
        on_hand, held = levels.get(key, (0, 0))
        moved_on_hand, moved_held = ledger_sums.get(key, (0, 0))
        if (on_hand, held) != (moved_on_hand, moved_held):
            found.append(
                (
                    key,
                    "level-equals-ledger",
                    f"the level says {on_hand} on hand, {held} held; its movements add up to "
                    f"{moved_on_hand} on hand, {moved_held} held",
                )
            )
        if on_hand < 0 or held < 0 or held > on_hand:
            found.append(
                (
                    key,
                    "stock-not-negative",
                    f"{on_hand} on hand, {held} held: {on_hand - held} free",
                )
            )
    names = _names({key for key, _, _ in found})
    return [Discrepancy(check, names[key], detail) for key, check, detail in found]


def _levels_against_holds() -> list[Discrepancy]:
    levels = _levels()
    held_by_holds = _keyed_sums(
        Hold.objects.filter(status=Hold.Status.ACTIVE)
        .values("variant_id", "location_id")
        .annotate(held=Sum("quantity")),
        "held",
    )
    found = [
        (key, levels.get(key, (0, 0))[1], held_by_holds.get(key, (0,))[0])
        for key in sorted(set(levels) | set(held_by_holds))
        if levels.get(key, (0, 0))[1] != held_by_holds.get(key, (0,))[0]
    ]
    names = _names({key for key, _, _ in found})
    return [
        Discrepancy(
            "held-equals-active-holds",
            names[key],
            f"the level says {held} held; its active holds add up to {in_holds}",
        )
        for key, held, in_holds in found
    ]


def _stale_holds(now: datetime) -> list[Discrepancy]:
    stale = Hold.objects.filter(
        status=Hold.Status.ACTIVE, expires_at__lt=now - HOLD_SWEEP_PERIOD
    ).order_by("pk")
    return [
        Discrepancy(
            "hold-expired-in-time",
            f"hold:{hold_id}",
            f"{reference} still holds {quantity} unit(s), due to expire at "
            f"{expires_at.isoformat()}",
        )
        for hold_id, reference, quantity, expires_at in stale.values_list(
            "pk", "reference", "quantity", "expires_at"
        )
    ]


def kept_hold_ids() -> set[int]:
    """The active holds with no expiry: each is kept by an order line, which must end it."""
    return set(
        Hold.objects.filter(status=Hold.Status.ACTIVE, expires_at__isnull=True).values_list(
            "pk", flat=True
        )
    )


def active_hold_ids(*, hold_ids: list[int]) -> set[int]:
    """Which of these holds are still active."""
    return set(
        Hold.objects.filter(pk__in=hold_ids, status=Hold.Status.ACTIVE).values_list("pk", flat=True)
    )


def free_units(*, location_id: int, variant_id: int) -> int:
    """Units on the shelf nobody holds: what the till may sell now (0 with no level row)."""
    level = (
        StockLevel.objects.filter(location_id=location_id, variant_id=variant_id)
        .values_list("on_hand", "held")
        .first()
    )
    return max(level[0] - level[1], 0) if level else 0


def units_sold_at_till(*, location_id: int, ticket: str) -> dict[str, int]:
    """Units a till ticket took off this store's shelf, by SKU (from the ledger)."""
    rows = (
        StockMovement.objects.filter(
            location_id=location_id, reference=ticket, kind=StockMovement.Kind.TILL_SALE
        )
        .values("variant__sku")
        .annotate(units=Sum("on_hand_delta"))
        .values_list("variant__sku", "units")
    )
    return {sku: -units for sku, units in rows}


def skus_stocked_at(*, location_id: int, limit: int) -> list[tuple[str, str]]:
    """(SKU, GTIN or "") of what this store stocks, by SKU: its till's offline price book."""
    rows = levels_at(location_id=location_id).values_list("variant__sku", "variant__gtin")
    return [(sku, gtin or "") for sku, gtin in rows[:limit]]


# What a page needs of a count file's job without reaching into the models.
SNAPSHOT_CSV = SnapshotJob.Format.CSV


def snapshot_is_finished(job: SnapshotJob) -> bool:
    return job.status == SnapshotJob.Status.FINISHED
