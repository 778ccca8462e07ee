"""The sourcing engine: which locations fulfil which order lines, at the lowest documented cost.

Pure Python, no Django. The caller reads the candidate locations (stock available to promise,
protected last units, workload) and hands them in; the engine returns a `SourcingPlan` whose
`explanation` the order stores. docs/sourcing.md describes the cost model and the search.

The cost of a plan, in euro-like cost points (a score for ranking plans, never charged):
- every location used sends one parcel: `parcel_cost(distance)` by zone plus `per_km`, and
  `extra_parcel_penalty` for every parcel after the first (a click & collect order taken off
  the pickup store's own shelves sends no parcel from there);
- every unit costs its picking cost (`store_pick_per_unit` or `warehouse_pick_per_unit`) plus
  `workload_per_unit` × the location's load (workload / capacity); a location never takes more
  units than its remaining capacity;
- every protected unit (a store's last units, kept for walk-in customers) costs
  `protected_unit_penalty`, larger than any other cost an order can have, so protected units
  are used only when no other plan delivers the line.

The search drops only the locations another one dominates (provably never needed), then runs
a depth-first branch and bound over sets of locations, each set priced by filling every line
from its cheapest units first, bounded by a Lagrangian floor (bound.py); past its node budget
HiGHS picks the set (milp.py). It is exact: ADR 0031.
"""

from .engine import plan_cost, resource_after_not_found, source_order
from .model import (
    DEFAULT_COSTS,
    STORE,
    WAREHOUSE,
    Assignment,
    CandidateLocation,
    CostModel,
    Destination,
    LocationTerms,
    OrderLine,
    SourcingPlan,
    ineligibility,
    location_terms,
)

__all__ = [
    "DEFAULT_COSTS",
    "STORE",
    "WAREHOUSE",
    "Assignment",
    "CandidateLocation",
    "CostModel",
    "Destination",
    "LocationTerms",
    "OrderLine",
    "SourcingPlan",
    "ineligibility",
    "location_terms",
    "plan_cost",
    "resource_after_not_found",
    "source_order",
]
