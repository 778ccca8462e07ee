"""The positions of a stock snapshot, read once in file order, and what each batch reports.

What cannot be a position is rejected here, before any database is asked: no SKU, a SKU no
database can store, a quantity that is not a whole number from 0 to 1,000,000,000, a SKU
already seen in the file. The first position of each SKU is remembered, so that the lines of
what the database rejects later (unknown SKU, count below what is held) can be told too.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import islice
from operator import itemgetter

REPORT_LIMIT = 1000  # rejected lines listed in a report; the `rejected` count is always exact
MAX_QUANTITY = 1_000_000_000


@dataclass
class Batch:
    """What one transaction of a load did to the positions [start, end)."""

    start: int
    end: int
    changed: int
    rejected: int
    report: list[dict[str, object]] = field(default_factory=list)

    @property
    def unchanged(self) -> int:
        return self.end - self.start - self.changed - self.rejected


@dataclass(frozen=True, order=True)
class Rejection:
    ordinal: int  # the position's place in the file, from 0
    sku: str
    reason: str


def _storable(sku: str) -> bool:
    """Text both databases store as is: no NUL (PostgreSQL refuses it), valid UTF-8."""
    if "\x00" in sku:
        return False
    try:
        sku.encode()
    except UnicodeEncodeError:  # a lone surrogate, e.g. from a JSON "\ud800"
        return False
    return True


def _quantity_problem(quantity: object) -> str:
    if quantity is None or quantity == "":
        return "no quantity"
    if type(quantity) is int:
        if quantity < 0:
            return f"negative quantity {quantity}"
        return f"quantity {quantity} is more than {MAX_QUANTITY:,}"
    if isinstance(quantity, str) and quantity.startswith("-") and quantity[1:].isdecimal():
        return f"negative quantity {quantity}"
    return f"quantity {quantity!r} is not a whole number"


class PositionReader:
    """Reads the positions once, in order; remembers where each SKU first appears."""

    def __init__(self, positions: Iterable[object], lines: Sequence[int] | None, start: int):
        self.positions = positions
        self.lines = lines
        self.start = start  # positions before it were loaded by an earlier run
        self.first: dict[str, int] = {}  # SKU → ordinal of its first position
        self.rejected: list[int] = []  # ordinals of the rejected positions (≥ start)
        self.report: list[Rejection] = []  # the first REPORT_LIMIT of them
        self.total = 0

    def chunks(self, size: int) -> Iterator[tuple[int, list[tuple[str, int]]]]:
        """The good (sku, quantity) positions from `start` on, `size` positions at a time,
        each chunk with the ordinal it ends before."""
        positions = iter(self.positions)
        ordinal = 0
        while ordinal < self.start:  # loaded earlier: only their SKUs matter now (duplicates)
            chunk = list(islice(positions, min(size, self.start - ordinal)))
            if not chunk:
                break
            self._check(chunk, ordinal, keep=False)
            ordinal += len(chunk)
        while chunk := list(islice(positions, size)):
            good = self._check(chunk, ordinal, keep=True)
            ordinal += len(chunk)
            yield ordinal, good
        self.total = ordinal

    def _check(self, chunk: list[object], base: int, *, keep: bool) -> list[tuple[str, int]]:
        """The good positions of a chunk starting at ordinal `base`; the bad ones are rejected
        unless `keep` is false. A chunk is first checked whole, with C-speed builtins; only a
        chunk with a bad position in it is gone through one position at a time."""
        try:
            skus = list(map(itemgetter(0), chunk))
            quantities = list(map(itemgetter(1), chunk))
            whole = (
                set(map(len, chunk)) == {2}  # type: ignore[arg-type]
                and set(map(type, skus)) == {str}
                and set(map(type, quantities)) == {int}
                and all(skus)
                and "".join(skus).isascii()  # so, text any database stores (no NUL either)
                and min(quantities) >= 0
                and max(quantities) <= MAX_QUANTITY
            )
        except (TypeError, LookupError):
            whole = False
        if whole:
            firsts = dict(zip(skus, range(base, base + len(skus)), strict=True))
            if len(firsts) == len(skus) and self.first.keys().isdisjoint(firsts):
                self.first.update(firsts)  # no SKU twice, in the chunk or before it
                return list(zip(skus, quantities, strict=True))
        first = self.first.setdefault
        good = []
        for ordinal, position in enumerate(chunk, base):
            try:
                sku, quantity = position  # type: ignore[misc]
            except (TypeError, ValueError):
                sku = quantity = None
            # The SKU is claimed before its quantity is checked: a second line for it is a
            # duplicate even when the first one is rejected (which count would be right?).
            if (
                type(sku) is str
                and sku
                and _storable(sku)
                and first(sku, ordinal) == ordinal
                and type(quantity) is int
                and 0 <= quantity <= MAX_QUANTITY
            ):
                good.append((sku, quantity))
            elif keep:
                self.reject(ordinal, sku, quantity)
        return good

    def reject(self, ordinal: int, sku: object, quantity: object) -> None:
        if not isinstance(sku, str) or not sku:
            reason = "no SKU"
        elif not _storable(sku):
            sku = sku.encode("utf-8", "backslashreplace").decode().replace("\x00", "\\x00")
            reason = f"SKU {sku} is not text a catalogue can hold"
        elif self.first[sku] != ordinal:
            reason = f"duplicate SKU {sku} in the file (first on line {self.line(self.first[sku])})"
        else:
            reason = _quantity_problem(quantity)
        self.rejected.append(ordinal)
        if len(self.report) < REPORT_LIMIT:
            self.report.append(Rejection(ordinal, sku if isinstance(sku, str) else "", reason))

    def line(self, ordinal: int) -> int:
        return self.lines[ordinal] if self.lines is not None else ordinal + 1

    def batch(self, start: int, end: int, changed: int, found: list[Rejection]) -> Batch:
        """The batch [start, end) with its rejections: those found reading, and `found`."""
        read_rejected = bisect_left(self.rejected, end) - bisect_left(self.rejected, start)
        rejections = sorted([r for r in self.report if start <= r.ordinal < end] + found)
        return Batch(
            start,
            end,
            changed,
            read_rejected + len(found),
            [
                {"line": self.line(r.ordinal), "sku": r.sku, "reason": r.reason}
                for r in rejections[:REPORT_LIMIT]
            ],
        )


def below_held(ordinal: int, sku: str, quantity: int, held: int) -> Rejection:
    return Rejection(ordinal, sku, f"counted {quantity} but {held} are held for customers")


def unknown_sku(ordinal: int, sku: str) -> Rejection:
    return Rejection(ordinal, sku, f"unknown SKU {sku}")
