"""Which locations the search may leave out without losing the optimum."""

from __future__ import annotations

from collections.abc import Mapping

from .model import LocationTerms


def undominated(
    need: Mapping[str, int],
    free: Mapping[int, Mapping[str, int]],
    protected: Mapping[int, Mapping[str, int]],
    terms: Mapping[int, LocationTerms],
) -> list[int]:
    """The locations no other location can replace in every plan at no extra cost.

    Location k dominates l when k's parcel and unit cost no more than l's, k's free units
    alone cover the whole quantity of every SKU of the order that l holds, and k's remaining
    capacity covers the whole order (ties: the lower id dominates). Any plan using l then
    costs no less once l's units come from k instead, so the optimum is found among the
    undominated locations; dropping the others is what keeps big networks fast.
    """
    skus = sorted(need)
    total = sum(need.values())
    full: dict[str, list[int]] = {s: [] for s in skus}
    for i, units_of in free.items():
        if terms[i].location.remaining_capacity >= total:
            for s, units in units_of.items():
                if s in full and units >= need[s]:
                    full[s].append(i)

    def key(i: int) -> tuple[float, float, int]:
        return (terms[i].fixed, terms[i].per_unit, i)

    for holders in full.values():
        holders.sort(key=key)
    kept = []
    for i in free:
        # (free and protected hold only SKUs of the order, in positive units)
        held = sorted(free[i].keys() | protected[i].keys()) if protected[i] else sorted(free[i])
        if not held:
            continue
        mine = key(i)
        for k in min((full[s] for s in held), key=len):
            if key(k) >= mine:  # the rest cost more, or as much with a higher id
                kept.append(i)
                break
            if terms[k].per_unit <= mine[1] and all(free[k].get(s, 0) >= need[s] for s in held):
                break
        else:
            kept.append(i)
    return kept
