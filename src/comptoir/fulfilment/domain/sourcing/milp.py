"""The sourcing cost model as a MILP, solved exactly by HiGHS.

The engine hands it the residual problem when its own search would be cut (docs/sourcing.md);
the benchmark and the tests solve whole orders with it to check the engine's plans. One
builder for all three, so the optimum they compare with is the engine's model.

u_l ∈ {0,1} uses location l (cost: its parcel and the extra-parcel penalty); x_ls, y_ls ∈ ℕ are
free and protected units of SKU s from l; Σ_l x_ls + y_ls + m_s = q_s (m_s: units nobody
supplies, at `unsourced_unit_cost`); x_ls + y_ls ≤ min(q_s, units held)·u_l; Σ_s x_ls + y_ls ≤
the remaining capacity of l. highspy is imported when first needed: most orders never call it.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class MilpLocation:
    """One location as the MILP sees it: its costs, its units per SKU, its capacity."""

    location_id: int
    fixed: float
    per_unit: float
    free: Mapping[str, int]
    protected: Mapping[str, int]
    capacity: float  # math.inf: no limit


@dataclass(frozen=True)
class MilpOptimum:
    cost: float  # every location's fixed cost included, and unsourced units at their cost
    location_ids: tuple[int, ...]  # the locations the optimum uses, ascending
    unsourced_units: int


def solve_sourcing_milp(
    need: Mapping[str, int],
    locations: Sequence[MilpLocation],
    *,
    protected_penalty: float,
    unsourced_unit_cost: float,
    cutoff: float | None = None,
) -> MilpOptimum | None:
    """The exact optimum of the model above (HiGHS, one thread, no gap: deterministic).

    With `cutoff` (the cost of a plan already known), only a cheaper optimum is looked for,
    and None means there is none."""
    import highspy  # noqa: PLC0415 - a native solver, loaded only when an order needs it
    import numpy as np  # noqa: PLC0415

    costs: list[float] = []
    upper: list[float] = []
    integer: list[int] = []
    rows: list[tuple[float, float, list[int], list[float]]] = []  # (lower, upper, cols, values)
    served: dict[str, list[int]] = {s: [] for s in need}
    unit_columns: list[tuple[int, list[int]]] = []  # per location, its units' columns
    missing_columns: list[int] = []

    def column(cost: float, up: float) -> int:
        costs.append(cost)
        upper.append(up)
        integer.append(len(costs) - 1)
        return len(costs) - 1

    total = sum(need.values())
    for loc in locations:
        skus = [s for s in need if loc.free.get(s, 0) > 0 or loc.protected.get(s, 0) > 0]
        if not skus:
            continue
        used = column(loc.fixed, 1.0)
        here: list[int] = []
        unit_columns.append((loc.location_id, here))
        for s in skus:
            units = []
            if loc.free.get(s, 0) > 0:
                units.append(column(loc.per_unit, loc.free[s]))
            if loc.protected.get(s, 0) > 0:
                units.append(column(loc.per_unit + protected_penalty, loc.protected[s]))
            held = loc.free.get(s, 0) + loc.protected.get(s, 0)
            rows.append(
                (-math.inf, 0.0, [*units, used], [1.0] * len(units) + [-min(need[s], held)])
            )
            served[s] += units
            here += units
        if loc.capacity < total:
            rows.append((-math.inf, loc.capacity, here, [1.0] * len(here)))
    for s, quantity in need.items():
        missing = column(unsourced_unit_cost, quantity)
        missing_columns.append(missing)
        rows.append((quantity, quantity, [*served[s], missing], [1.0] * (len(served[s]) + 1)))

    h = highspy.Highs()  # type: ignore[no-untyped-call]
    h.setOptionValue("output_flag", False)
    h.setOptionValue("mip_rel_gap", 0.0)
    h.setOptionValue("threads", 1)
    n = len(costs)
    h.addCols(n, np.array(costs), np.zeros(n), np.array(upper), 0, [], [], [])
    h.changeColsIntegrality(
        n,
        np.array(integer, dtype=np.int32),
        np.full(n, highspy.HighsVarType.kInteger, dtype=np.uint8),
    )
    starts, index, values = [], [], []
    for _, _, cols, coefficients in rows:
        starts.append(len(index))
        index += cols
        values += coefficients
    h.addRows(
        len(rows),
        np.array([r[0] for r in rows]),
        np.array([r[1] for r in rows]),
        len(index),
        np.array(starts, dtype=np.int32),
        np.array(index, dtype=np.int32),
        np.array(values),
    )
    if cutoff is not None:
        h.setOptionValue("objective_bound", cutoff)
    h.run()
    if cutoff is not None and h.getModelStatus() in (
        highspy.HighsModelStatus.kInfeasible,
        highspy.HighsModelStatus.kObjectiveBound,
    ):
        return None
    if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
        raise RuntimeError(f"HiGHS did not reach the optimum: {h.getModelStatus()}")
    solution = h.getSolution().col_value
    return MilpOptimum(
        cost=h.getInfo().objective_function_value,
        location_ids=tuple(
            sorted(i for i, cols in unit_columns if any(solution[c] > 0.5 for c in cols))
        ),
        unsourced_units=sum(round(solution[c]) for c in missing_columns),
    )
