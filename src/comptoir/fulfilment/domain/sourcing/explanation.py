"""Plain-language reasons for a plan, stored on the order."""

from __future__ import annotations

from .model import Assignment, LocationTerms, OrderLine
from .search import Problem


def explain(
    need: dict[str, int],
    unsourced: tuple[OrderLine, ...],
    assignments: tuple[Assignment, ...],
    terms: dict[int, LocationTerms],
    reasons: dict[int, str],
    problem: Problem,
) -> list[str]:
    """Plain-language reasons for the plan, in the order a store manager would ask them."""
    lines: list[str] = []
    used = sorted({a.location_id for a in assignments})
    for location_id in used:
        t = terms[location_id]
        c = t.location
        items = ", ".join(
            f"{a.sku} ×{a.quantity}" for a in assignments if a.location_id == location_id
        )
        where = "the pickup store's own shelves" if not t.sends_parcel else (
            f"{c.name} ({c.kind}, {t.distance_km:.0f} km away)"
        )  # fmt: skip
        busy = f"; it is {c.load:.0%} busy" if c.capacity_units else ""
        lines.append(f"{items} from {where}{busy}.")
    if len(used) == 1 and len(need) > 1:
        lines.append("One location holds every line, so the order leaves in a single parcel.")
    elif len(used) > 1:
        penalty = problem.costs.extra_parcel_penalty
        lines.append(
            f"Split across {len(used)} locations: no single eligible location holds every "
            f"line at a lower cost (each extra parcel costs {penalty:g})."
        )
    for a in assignments:
        if a.protected_units:
            lines.append(
                f"{a.sku}: {a.protected_units} of the last units kept for walk-in customers at "
                f"{terms[a.location_id].location.name} had to be used; no other location has it."
            )
    for s in sorted(need):
        protected_only = [
            i
            for i in problem.protected
            if problem.protected[i].get(s) and not problem.free[i].get(s) and i not in used
        ]
        if protected_only:
            lines.append(
                f"{s}: {len(protected_only)} store(s) holding only their last units were left "
                "for walk-in customers."
            )
    skipped = sorted(set(reasons.values()))
    for reason in skipped:
        count = sum(1 for r in reasons.values() if r == reason)
        lines.append(f"{count} location(s) not considered: {reason}.")
    for line in unsourced:
        lines.append(f"{line.sku} ×{line.quantity}: no eligible location can supply it.")
    return lines
