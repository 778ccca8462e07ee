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


@dataclass
class _Edge:
    to: int
    capacity: int
    cost: float
    reverse: int  # index of the reverse edge in graph[to]
    label: tuple[str, int, bool] | None = None  # (sku, location, protected) on line edges
    flow: int = 0


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
    graph: list[list[_Edge]] = [[] for _ in range(sink + 1)]

    def add(
        a: int, b: int, units: int, cost: float, label: tuple[str, int, bool] | None = None
    ) -> None:
        graph[a].append(_Edge(b, units, cost, len(graph[b]), label))
        graph[b].append(_Edge(a, 0, -cost, len(graph[a]) - 1))

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
        room = capacity[i]
        add(1 + len(skus) + j, sink, int(min(total, room if math.isfinite(room) else total)), 0.0)

    cost = 0.0
    while True:
        distance = [math.inf] * len(graph)
        previous: list[tuple[int, int] | None] = [None] * len(graph)
        distance[source] = 0.0
        # Shortest path by a queue of the nodes whose distance just fell (Bellman-Ford's
        # SPFA form): residual edges may cost less than zero, and no cycle does.
        queue, queued = deque([source]), [False] * len(graph)
        queued[source] = True
        while queue:
            node = queue.popleft()
            queued[node] = False
            for index, edge in enumerate(graph[node]):
                if edge.capacity - edge.flow > 0:
                    candidate = distance[node] + edge.cost
                    if candidate < distance[edge.to] - 1e-12:
                        distance[edge.to] = candidate
                        previous[edge.to] = (node, index)
                        if not queued[edge.to]:
                            queued[edge.to] = True
                            queue.append(edge.to)
        if distance[sink] == math.inf:
            break
        path, node = [], sink
        while node != source:
            step = previous[node]
            if step is None:  # unreachable: the sink was reached through these steps
                break
            path.append(step)
            node = step[0]
        push = min(graph[n][e].capacity - graph[n][e].flow for n, e in path)
        for n, e in path:
            edge = graph[n][e]
            edge.flow += push
            graph[edge.to][edge.reverse].flow -= push
        cost += push * distance[sink]

    units: dict[tuple[str, int], tuple[int, int]] = {}
    for edges in graph:
        for edge in edges:
            if edge.label and edge.flow > 0:
                s, i, is_protected = edge.label
                quantity, kept = units.get((s, i), (0, 0))
                units[(s, i)] = (quantity + edge.flow, kept + (edge.flow if is_protected else 0))
    sourced = {s: 0 for s in skus}
    for (s, _), (quantity, _) in units.items():
        sourced[s] += quantity
    short = {s: need[s] - sourced[s] for s in skus if sourced[s] < need[s]}
    return Fill(units, short, cost)
