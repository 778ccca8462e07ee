"""Pure stock rules: available-to-promise, the order holds lock rows in, back-in-stock."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class StockFigures:
    """What a level says to one channel. `available` is what the channel may promise."""

    on_hand: int
    held: int
    safety: int

    @property
    def free(self) -> int:
        """Units nobody holds: what the till may sell."""
        return max(0, self.on_hand - self.held)

    @property
    def available(self) -> int:
        """Available to promise to this channel: free units minus its safety stock."""
        return max(0, self.on_hand - self.held - self.safety)


@dataclass(frozen=True, slots=True, order=True)
class HoldLine:
    """Ordered by (location, variant): every multi-line hold locks levels in the same order,
    so two carts holding the same two SKUs can never wait on each other."""

    location_id: int
    variant_id: int
    quantity: int


def lock_order(lines: list[HoldLine]) -> list[HoldLine]:
    """Merge duplicate (location, variant) lines and sort them into the one lock order."""
    merged: dict[tuple[int, int], int] = {}
    for line in lines:
        if line.quantity <= 0:
            raise ValueError("a hold line holds at least one unit")
        key = (line.location_id, line.variant_id)
        merged[key] = merged.get(key, 0) + line.quantity
    return [HoldLine(loc, var, qty) for (loc, var), qty in sorted(merged.items())]


def came_back_in_stock(before: StockFigures, after: StockFigures) -> bool:
    return before.available == 0 and after.available > 0
