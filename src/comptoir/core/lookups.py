"""Per-process memory of lookups that do not change: a SKU's variant id, a store code's id,
an API token's holder. It saves the hot endpoints a round trip each, every request.

Only what was found is remembered (an unknown key always asks the database, so a new SKU or
store is seen at once and nobody can fill the memory with junk). Every entry expires after
its cache's time-to-live, so an edit made outside the application (the admin, SQL) is seen by
every process within that time; the application's own edits forget the entry at once.
"""

from __future__ import annotations

import time
from collections.abc import Hashable, Iterable
from typing import Any

_ALL: list[LookupCache] = []


def _clock() -> float:
    return time.monotonic()


class LookupCache:
    """A bounded dict with a time-to-live. Thread-safe enough under the GIL: a lost update
    only costs a later query."""

    def __init__(self, name: str, *, ttl_seconds: float, max_entries: int = 50_000) -> None:
        self.name = name
        self.ttl_seconds = ttl_seconds
        self.max_entries = max_entries
        self._entries: dict[Hashable, tuple[float, Any]] = {}
        _ALL.append(self)

    def get(self, key: Hashable) -> Any | None:
        entry = self._entries.get(key)
        if entry is None:
            return None
        if entry[0] < _clock():
            self._entries.pop(key, None)
            return None
        return entry[1]

    def get_many(self, keys: Iterable[Hashable]) -> dict[Any, Any]:
        found = {}
        for key in keys:
            value = self.get(key)
            if value is not None:
                found[key] = value
        return found

    def put_many(self, values: dict[Any, Any]) -> None:
        if len(self._entries) + len(values) > self.max_entries:
            self._entries.clear()  # rare: cheaper than tracking recency on every hit
        expires = _clock() + self.ttl_seconds
        for key, value in values.items():
            self._entries[key] = (expires, value)

    def forget(self, key: Hashable) -> None:
        self._entries.pop(key, None)

    def forget_where(self, predicate: Any) -> None:
        for key, (_, value) in list(self._entries.items()):
            if predicate(value):
                self._entries.pop(key, None)

    def clear(self) -> None:
        self._entries.clear()


def forget_all() -> None:
    """Empty every cache (tests, whose rolled-back rows come back under new ids)."""
    for cache in _ALL:
        cache.clear()
