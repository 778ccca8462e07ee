"""The sourcing model: order lines, destinations, candidate locations, the cost weights and a plan.

See the package docstring for the cost a plan is ranked by.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field

from comptoir.locations.domain import GeoPoint, haversine_km

STORE = "store"
WAREHOUSE = "warehouse"


@dataclass(frozen=True)
class OrderLine:
    sku: str
    quantity: int


@dataclass(frozen=True)
class Destination:
    """Where the goods go: a home address, or a pickup store (then `pickup_location_id`)."""

    latitude: float
    longitude: float
    pickup_location_id: int | None = None

    @classmethod
    def home(cls, latitude: float, longitude: float) -> Destination:
        return cls(latitude, longitude)

    @classmethod
    def pickup(cls, location_id: int, latitude: float, longitude: float) -> Destination:
        return cls(latitude, longitude, location_id)


@dataclass(frozen=True)
class CandidateLocation:
    """A location that might fulfil lines, as the caller sees it now.

    `available[sku]`: units available to promise (this order's own holds already deducted);
    `protected[sku]`: how many of those are the store's last units kept for walk-in customers;
    `workload_units` and `capacity_units`: units already queued to pick today, and how many it
    can pick a day (None: no limit); `collection_units` and `collection_limit`: the same for
    the carrier collection its parcels would leave with now (capacity per cut-off).
    """

    location_id: int
    name: str
    kind: str  # STORE or WAREHOUSE
    latitude: float
    longitude: float
    available: Mapping[str, int]
    protected: Mapping[str, int] = field(default_factory=dict)
    ships_from_store: bool = True
    workload_units: int = 0
    capacity_units: int | None = None
    collection_units: int = 0
    collection_limit: int | None = None

    @property
    def remaining_capacity(self) -> float:
        return min(self.day_remaining, self.collection_remaining)

    @property
    def day_remaining(self) -> float:
        if self.capacity_units is None:
            return math.inf
        return max(0, self.capacity_units - self.workload_units)

    @property
    def collection_remaining(self) -> float:
        if self.collection_limit is None:
            return math.inf
        return max(0, self.collection_limit - self.collection_units)

    @property
    def load(self) -> float:
        if not self.capacity_units:
            return 0.0
        return min(1.0, self.workload_units / self.capacity_units)

    def free_units(self, sku: str) -> int:
        available = max(0, self.available.get(sku, 0))
        return available - min(available, max(0, self.protected.get(sku, 0)))

    def protected_units(self, sku: str) -> int:
        return max(0, self.available.get(sku, 0)) - self.free_units(sku)


@dataclass(frozen=True)
class CostModel:
    """The weights of the cost; see the module docstring. Zones: (up to km, parcel cost)."""

    parcel_zones: tuple[tuple[float, float], ...] = (
        (30.0, 4.5),
        (150.0, 6.0),
        (400.0, 7.5),
        (math.inf, 9.0),
    )
    per_km: float = 0.005
    extra_parcel_penalty: float = 5.0
    store_pick_per_unit: float = 0.8
    warehouse_pick_per_unit: float = 0.3
    workload_per_unit: float = 2.0
    protected_unit_penalty: float = 1000.0

    def parcel_cost(self, distance_km: float) -> float:
        for up_to_km, cost in self.parcel_zones:
            if distance_km <= up_to_km:
                return cost + self.per_km * distance_km
        return self.parcel_zones[-1][1] + self.per_km * distance_km


DEFAULT_COSTS = CostModel()


@dataclass(frozen=True)
class Assignment:
    """`quantity` units of `sku` from `location_id`, of which `protected_units` protected."""

    sku: str
    quantity: int
    location_id: int
    protected_units: int = 0


@dataclass(frozen=True)
class SourcingPlan:
    assignments: tuple[Assignment, ...]
    unsourced: tuple[OrderLine, ...]  # what no eligible location can supply
    cost: float
    explanation: tuple[str, ...]
    # (sku, location_id) pairs never to use again: a unit reported not found on the shelf.
    excluded: frozenset[tuple[str, int]] = frozenset()

    @property
    def location_ids(self) -> tuple[int, ...]:
        return tuple(sorted({a.location_id for a in self.assignments}))

    @property
    def splits(self) -> int:
        """Locations used beyond the first (0 for an order served from one place)."""
        return max(0, len(self.location_ids) - 1)

    def lines_from(self, location_id: int) -> tuple[OrderLine, ...]:
        return tuple(
            OrderLine(a.sku, a.quantity) for a in self.assignments if a.location_id == location_id
        )


@dataclass(frozen=True)
class LocationTerms:
    """What using one location costs for one destination: per parcel, and per unit."""

    location: CandidateLocation
    distance_km: float
    fixed: float  # the parcel (0 from the pickup store itself) plus the extra-parcel penalty
    per_unit: float
    sends_parcel: bool


def location_terms(
    candidate: CandidateLocation, destination: Destination, costs: CostModel = DEFAULT_COSTS
) -> LocationTerms:
    """The cost terms of `candidate` for `destination` (shared with the benchmark's MILP)."""
    is_pickup_store = candidate.location_id == destination.pickup_location_id
    distance = (
        0.0
        if is_pickup_store
        else haversine_km(
            GeoPoint(candidate.latitude, candidate.longitude),
            GeoPoint(destination.latitude, destination.longitude),
        )
    )
    pick = (
        costs.warehouse_pick_per_unit if candidate.kind == WAREHOUSE else costs.store_pick_per_unit
    )
    return LocationTerms(
        location=candidate,
        distance_km=distance,
        fixed=(0.0 if is_pickup_store else costs.parcel_cost(distance))
        + costs.extra_parcel_penalty,
        per_unit=pick + costs.workload_per_unit * candidate.load,
        sends_parcel=not is_pickup_store,
    )


def ineligibility(candidate: CandidateLocation, destination: Destination) -> str | None:
    """Why `candidate` may not fulfil for `destination`, or None when it may."""
    if candidate.location_id == destination.pickup_location_id:
        return None if candidate.remaining_capacity > 0 else "at capacity"
    if candidate.kind == STORE and not candidate.ships_from_store:
        return "does not ship from store"
    if candidate.remaining_capacity <= 0:
        return "at capacity"
    return None
