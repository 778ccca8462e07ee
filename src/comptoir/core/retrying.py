"""Deadlocks and serialization failures, retried in one place; lock and statement timeouts,
answered as a clean 503.

PostgreSQL picks a victim when two transactions wait on each other (deadlock, 40P01) or when
a serializable transaction cannot be ordered (40001): the victim's transaction is rolled
back whole, and running it again is the documented cure. `transaction_retried` does that
for a service that opens its own transaction: up to `DATABASE_RETRY_ATTEMPTS` runs, with a
jittered, exponential backoff between them (so two victims do not collide again in step).

Only the transaction is run again, never a request: a service that calls the outside world
(a PSP) must call it outside the transaction it hands to this decorator. Inside a caller's
transaction nothing is retried (only the one who opened it can run it again); the error
becomes `Busy` so that it still answers 503, not 500.

A lock waited on past `lock_timeout` (55P03) or a statement past `statement_timeout`
(57014, settings/base.py) is not retried: the row is held by something slow, and waiting
again would only double the wait. It answers `Busy` (503 problem+json) at once.

A session the server ended (a restart, a failover, `pg_terminate_backend`) is not retried
either: whether its last COMMIT went through is unknown. It answers `DatabaseUnavailable`
(503), so the caller retries with its Idempotency-Key, not 500 as if it were a bug.
"""

from __future__ import annotations

import functools
import logging
import random
import time
from collections.abc import Callable
from typing import ParamSpec, TypeVar

from django.conf import settings
from django.db import DatabaseError, OperationalError, connection

from .errors import DomainError

logger = logging.getLogger(__name__)

P = ParamSpec("P")
R = TypeVar("R")

RETRIED = {"40P01": "deadlock detected", "40001": "serialization failure"}
TIMED_OUT = {"55P03": "lock wait timed out", "57014": "statement timed out"}
# admin_shutdown, crash_shutdown, cannot_connect_now; class 08 is every connection exception.
SESSION_ENDED = {"57P01", "57P02", "57P03"}

FIRST_BACKOFF_SECONDS = 0.005
LONGEST_BACKOFF_SECONDS = 0.2


class Busy(DomainError):
    code = "busy"
    status = 503
    title = "Too busy to answer now: try again in a moment"
    sqlstate = ""  # the database's reason, so that an outer transaction may run again


class DatabaseUnavailable(Busy):
    code = "database-unavailable"
    title = "The database connection was lost: try again"


def sqlstate(error: BaseException) -> str:
    """The SQLSTATE of a database error (psycopg 3 or 2), or ''."""
    cause = error.__cause__ or error
    return getattr(cause, "sqlstate", None) or getattr(cause, "pgcode", None) or ""


def backoff_seconds(attempt: int) -> float:
    """Full jitter: anywhere up to an exponential ceiling, so retries spread out."""
    ceiling = min(LONGEST_BACKOFF_SECONDS, FIRST_BACKOFF_SECONDS * 2**attempt)
    return random.uniform(0, ceiling)  # noqa: S311 - spreading retries, not a secret


def transaction_retried(service: Callable[P, R]) -> Callable[P, R]:
    """Run `service` again when its transaction was chosen as a deadlock's or a serialization
    failure's victim (bounded, jittered); a timeout or retries exhausted raise `Busy`."""

    @functools.wraps(service)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        if connection.in_atomic_block:
            try:
                return service(*args, **kwargs)
            except OperationalError as error:
                busy = busy_for(error)
                if busy is None:
                    raise
                raise busy from error
        attempts = settings.DATABASE_RETRY_ATTEMPTS
        for attempt in range(1, attempts + 1):
            try:
                return service(*args, **kwargs)
            except Busy as busy:
                # A service called inside this one's transaction turned the victim's error
                # into Busy: the whole transaction is the one to run again.
                if busy.sqlstate not in RETRIED or attempt == attempts:
                    raise
                state = busy.sqlstate
            except OperationalError as error:
                state = sqlstate(error)
                if state not in RETRIED or attempt == attempts:
                    busy = busy_for(error)
                    if busy is None:
                        raise
                    raise busy from error
            logger.info(
                "%s: %s, attempt %d of %d", service.__name__, RETRIED[state], attempt, attempts
            )
            time.sleep(backoff_seconds(attempt))
        raise AssertionError("unreachable")  # pragma: no cover

    return run


def busy_for(error: DatabaseError) -> Busy | None:
    """What to answer for a database error that is no bug of ours: a lost connection, a
    deadlock's victim, a timeout. None for anything else."""
    state = sqlstate(error)
    if state in SESSION_ENDED or state.startswith("08") or _connection_closed():
        return DatabaseUnavailable(
            "The connection to the database was lost while this request ran; send it again"
            " with the same Idempotency-Key."
        )
    reason = RETRIED.get(state) or TIMED_OUT.get(state)
    if reason is None:
        return None
    busy = Busy(f"The stock or the order you asked for is busy ({reason}); try again.")
    busy.sqlstate = state
    return busy


def _connection_closed() -> bool:
    """The driver's connection is closed: the session ended before the statement was sent."""
    return bool(getattr(connection.connection, "closed", False))  # psycopg's; not SQLite's
