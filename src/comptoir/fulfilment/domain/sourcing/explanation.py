"""Plain-language reasons for a plan, stored on the order and shown to the store manager."""

from __future__ import annotations

from .model import Assignment, LocationTerms, OrderLine
from .search import Problem

BUSY_ENOUGH_TO_SAY = 0.5


def explain(
    unsourced: tuple[OrderLine, ...],
    assignments: tuple[Assignment, ...],
    reasons: dict[int, str],
    problem: Problem,
) -> list[str]:
    """Where each line comes from and why: parcels, splits, protected last units, exclusions."""
    terms = problem.terms
    used = sorted({a.location_id for a in assignments})
    lines = [_source(location_id, terms[location_id], assignments) for location_id in used]
    lines += _parcels(used, problem)
    for a in assignments:
        if a.protected_units:
            lines.append(
                f"{a.sku}: {a.protected_units} of the last units kept for walk-in customers at "
                f"{terms[a.location_id].location.name} had to be used: no other unit is left."
            )
    lines += _protected_nearby(used, problem)
    for reason in sorted(set(reasons.values())):
        count = sum(1 for r in reasons.values() if r == reason)
        lines.append(f"{count} location(s) holding items of this order skipped: {reason}.")
    for line in unsourced:
        lines.append(f"{line.sku} ×{line.quantity}: no eligible location can supply it.")
    return lines


def _source(location_id: int, t: LocationTerms, assignments: tuple[Assignment, ...]) -> str:
    c = t.location
    items = ", ".join(f"{a.sku} ×{a.quantity}" for a in assignments if a.location_id == location_id)
    if not t.sends_parcel:
        return f"{items} from the pickup store's own shelves ({c.name})."
    busy = f"; it is {c.load:.0%} busy" if c.load >= BUSY_ENOUGH_TO_SAY else ""
    return f"{items} from {c.name} ({c.kind}, {t.distance_km:.0f} km away){busy}."


def _parcels(used: list[int], problem: Problem) -> list[str]:
    if len(used) == 1 and len(problem.need) > 1:
        return ["One location holds every line, so the order leaves in a single parcel."]
    if len(used) <= 1:
        return []
    penalty = problem.costs.extra_parcel_penalty
    whole = [
        i
        for i in problem.free
        if all(
            problem.free[i].get(s, 0) + problem.protected[i].get(s, 0) >= q
            for s, q in problem.need.items()
        )
    ]
    if not whole:
        return [
            f"Split across {len(used)} locations: no single eligible location holds every line "
            f"(each extra parcel weighs {penalty:g} in the cost)."
        ]
    return [
        f"Split across {len(used)} locations: {len(whole)} location(s) hold every line, but "
        f"cost more even with the extra parcel weighing {penalty:g} (farther, busier, or only "
        "through their last units)."
    ]


def _protected_nearby(used: list[int], problem: Problem) -> list[str]:
    """Stores nearer than every source that hold only their last units of a line, left alone."""
    nearest_used = min(problem.terms[i].fixed for i in used) if used else float("inf")
    lines = []
    for s in sorted(problem.need):
        spared = [
            problem.terms[i].location.name
            for i in problem.protected
            if problem.protected[i].get(s)
            and not problem.free[i].get(s)
            and i not in used
            and problem.terms[i].fixed < nearest_used
        ]
        if spared:
            lines.append(
                f"{s}: nearer store(s) holding only their last units were left for walk-in "
                f"customers ({', '.join(sorted(spared)[:3])}{'…' if len(spared) > 3 else ''})."
            )
    return lines
