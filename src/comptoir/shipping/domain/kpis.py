"""Post-purchase figures from delivery times, without a database."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

DAY_SECONDS = 86400


@dataclass(frozen=True)
class DeliveryFigures:
    delivered: int
    on_time_rate: float | None  # share delivered before the end of the promised day
    mean_delay_days: float | None  # over late deliveries only: how late, on average


def delivery_figures(rows: Iterable[tuple[datetime, datetime]]) -> DeliveryFigures:
    """`rows` are (delivered_at, late_after) per delivered shipment."""
    delays = [(delivered - late).total_seconds() for delivered, late in rows]
    if not delays:
        return DeliveryFigures(0, None, None)
    late = [seconds for seconds in delays if seconds > 0]
    return DeliveryFigures(
        delivered=len(delays),
        on_time_rate=round(1 - len(late) / len(delays), 4),
        mean_delay_days=round(sum(late) / len(late) / DAY_SECONDS, 2) if late else 0.0,
    )


def hours_between(pairs: Iterable[tuple[datetime, datetime]]) -> float | None:
    spans = [(end - start).total_seconds() / 3600 for start, end in pairs if end >= start]
    return round(sum(spans) / len(spans), 2) if spans else None
