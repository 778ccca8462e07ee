"""Django's PostgreSQL backend, whose health check asks the server only when it has spoken.

With `CONN_HEALTH_CHECKS`, Django checks a kept connection before each request's first query
by sending `SELECT 1`: a round trip per request on every endpoint, about a sixth of a hold.
An idle connection's server says nothing until asked, unless it is going away (a restart, a
failover, an administrator's `pg_terminate_backend`): then it sends its goodbye and closes the
socket. So the socket is looked at first, without waiting: nothing to read, the connection is
as good as after its last answer; something to read, Django's own check decides.
"""

from __future__ import annotations

import select

from django.db.backends.postgresql import base


class DatabaseWrapper(base.DatabaseWrapper):  # type: ignore[misc]
    def is_usable(self) -> bool:
        if self.connection is None or self.connection.closed:
            return False
        readable, _, _ = select.select([self.connection.fileno()], [], [], 0)
        return not readable or bool(super().is_usable())
