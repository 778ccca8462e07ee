"""Server-rendered SVG bar charts: geometry only, no figures decided here."""

from __future__ import annotations

from dataclasses import dataclass

WIDTH = 560
LABEL_WIDTH = 230
BAR_HEIGHT = 26
GAP = 10


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    tone: str  # a CSS class: ok, warn, bad, brand
    y: int
    width: int
    text_x: int


@dataclass(frozen=True)
class BarChart:
    title: str
    bars: list[Bar]
    height: int
    width: int = WIDTH
    label_width: int = LABEL_WIDTH
    bar_height: int = BAR_HEIGHT


def bar_chart(title: str, rows: list[tuple[str, int, str]]) -> BarChart:
    """Horizontal bars scaled to the largest value; each keeps its number beside it."""
    largest = max((value for _, value, _ in rows), default=0) or 1
    room = WIDTH - LABEL_WIDTH - 60
    bars = []
    for index, (label, value, tone) in enumerate(rows):
        width = round(room * value / largest)
        bars.append(
            Bar(
                label, value, tone, GAP + index * (BAR_HEIGHT + GAP), width, LABEL_WIDTH + width + 6
            )
        )
    return BarChart(title, bars, height=GAP + len(rows) * (BAR_HEIGHT + GAP))
