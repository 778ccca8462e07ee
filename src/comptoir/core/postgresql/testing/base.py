"""The test suite's PostgreSQL backend: comptoir's own, whose flush empties tables by DELETE.

A test that commits (a browser test's live server, a race between two connections) is
cleaned up by Django's flush, which PostgreSQL runs as one TRUNCATE of every table. TRUNCATE
gives each table and index a new file, so on a suite's small tables it costs seconds a test
where DELETE costs milliseconds. Foreign keys are deferred (Django declares them DEFERRABLE
INITIALLY DEFERRED), so the order of the DELETEs does not matter inside flush's transaction.
Production never flushes: this backend is named by the test settings only.
"""

from __future__ import annotations

from typing import Any

from django.db.backends.postgresql import operations

from comptoir.core.postgresql import base


class DatabaseOperations(operations.DatabaseOperations):  # type: ignore[misc]
    def sql_flush(
        self,
        style: Any,
        tables: list[str],
        *,
        reset_sequences: bool = False,
        allow_cascade: bool = False,
    ) -> list[str]:
        if not tables or reset_sequences:  # restarting identities needs TRUNCATE's RESTART
            return super().sql_flush(
                style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade
            )
        return ["SET CONSTRAINTS ALL DEFERRED"] + [
            f"{style.SQL_KEYWORD('DELETE FROM')} {style.SQL_FIELD(self.quote_name(table))}"
            for table in tables
        ]


class DatabaseWrapper(base.DatabaseWrapper):  # type: ignore[misc]
    ops_class = DatabaseOperations
