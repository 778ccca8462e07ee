"""Filling an order from a fixed set of locations when their capacity is shared between lines.

Without capacity limits, each line simply takes the cheapest units. When a location cannot
pick everything it holds, which line gets its capacity matters: that is a small transportation
problem, solved exactly here as a min-cost flow (successive shortest paths, Bellman-Ford).
source → line (units ordered) → location (free units at the unit cost, protected units at the
unit cost plus the penalty) → sink (remaining capacity).
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Mapping, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Fill:
    """Units per (sku, location): (quantity, of which protected); units still short per SKU."""

    units: dict[tuple[str, int], tuple[int, int]]
    short: dict[str, int]
    cost: float  # unit costs and protection penalties only


def fill_by_flow(
    need: Mapping[str, int],
    location_ids: Sequence[int],
    unit_cost: Mapping[int, float],
    free: Mapping[int, Mapping[str, int]],
    protected: Mapping[int, Mapping[str, int]],
    capacity: Mapping[int, float],
    protected_penalty: float,
) -> Fill:
    """As many units as capacity allows, at the lowest cost (exact, deterministic)."""
    skus = sorted(need)
    ids = sorted(location_ids)
    source, sink = 0, 1 + len(skus) + len(ids)
    # The residual graph as flat arrays: edge e and its reverse e ^ 1, `out[node]` the edges
    # leaving a node in the order they were added (cheaper than an object per edge).
    out: list[list[int]] = [[] for _ in range(sink + 1)]
    head: list[int] = []
    room: list[int] = []  # residual capacity
    price: list[float] = []
    labels: dict[int, tuple[str, int, bool]] = {}  # (sku, location, protected) on line edges

    def add(
        a: int, b: int, units: int, cost: float, label: tuple[str, int, bool] | None = None
    ) -> None:
        e = len(head)
        out[a].append(e)
        out[b].append(e + 1)
        head.extend((b, a))
        room.extend((units, 0))
        price.extend((cost, -cost))
        if label:
            labels[e] = label

    total = sum(need.values())
    for k, s in enumerate(skus):
        add(source, 1 + k, need[s], 0.0)
        for j, i in enumerate(ids):
            location_node = 1 + len(skus) + j
            if free[i].get(s):
                add(1 + k, location_node, free[i][s], unit_cost[i], (s, i, False))
            if protected[i].get(s):
                penalised = unit_cost[i] + protected_penalty
                add(1 + k, location_node, protected[i][s], penalised, (s, i, True))
    for j, i in enumerate(ids):
        spare = capacity[i]
        add(1 + len(skus) + j, sink, int(min(total, spare if math.isfinite(spare) else total)), 0.0)

    cost = 0.0
    nodes = sink + 1
    while True:
        distance = [math.inf] * nodes
        previous = [-1] * nodes  # the edge the shortest path reaches each node by
        distance[source] = 0.0
        # Shortest path by a queue of the nodes whose distance just fell (Bellman-Ford's
        # SPFA form): residual edges may cost less than zero, and no cycle does.
        queue, queued = deque([source]), [False] * nodes
        queued[source] = True
        while queue:
            node = queue.popleft()
            queued[node] = False
            here = distance[node]
            for e in out[node]:
                if room[e] > 0:
                    candidate = here + price[e]
                    to = head[e]
                    if candidate < distance[to] - 1e-12:
                        distance[to] = candidate
                        previous[to] = e
                        if not queued[to]:
                            queued[to] = True
                            queue.append(to)
        if distance[sink] == math.inf:
            break
        path, node = [], sink
        while node != source:
            e = previous[node]
            path.append(e)
            node = head[e ^ 1]
        push = min(room[e] for e in path)
        for e in path:
            room[e] -= push
            room[e ^ 1] += push
        cost += push * distance[sink]

    units: dict[tuple[str, int], tuple[int, int]] = {}
    for e in sorted(labels):
        flow = room[e ^ 1]  # what went through a line edge is its reverse's residual
        if flow > 0:
            s, i, is_protected = labels[e]
            quantity, kept = units.get((s, i), (0, 0))
            units[(s, i)] = (quantity + flow, kept + (flow if is_protected else 0))
    sourced = {s: 0 for s in skus}
    for (s, _), (quantity, _) in units.items():
        sourced[s] += quantity
    short = {s: need[s] - sourced[s] for s in skus if sourced[s] < need[s]}
    return Fill(units, short, cost)
