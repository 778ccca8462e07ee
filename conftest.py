"""Suite-wide pytest setup: PostgreSQL-only tests are skipped on SQLite, visibly."""

import pytest
from django.db import connection


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if connection.vendor == "postgresql":
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL (real parallel connections)")
    for item in items:
        if "postgres_only" in item.keywords:
            item.add_marker(skip)


def pytest_report_header(config: pytest.Config) -> str:
    return f"database: {connection.vendor} ({connection.settings_dict['NAME']})"
