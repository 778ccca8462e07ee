"""The one place that reads the time, so that tests can pass their own `now`."""

from datetime import UTC, datetime


def now() -> datetime:
    return datetime.now(UTC)
