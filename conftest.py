"""Suite-wide pytest setup: PostgreSQL-only tests are skipped on SQLite, visibly."""

import pytest
from django.db import connection

from comptoir.core.lookups import forget_all
from comptoir.orders.payments.fake import FakePsp


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if connection.vendor == "postgresql":
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL (real parallel connections)")
    for item in items:
        if "postgres_only" in item.keywords:
            item.add_marker(skip)


def pytest_report_header(config: pytest.Config) -> str:
    return f"database: {connection.vendor} ({connection.settings_dict['NAME']})"


@pytest.fixture(autouse=True)
def _forget_remembered_lookups():
    """Each test's rows come back under new ids: per-process lookups start empty."""
    forget_all()
    yield
    forget_all()


@pytest.fixture(autouse=True)
def _fresh_fake_psp():
    """The fake PSP's memory (failures asked for, operations done) is per test."""
    FakePsp.reset()
    yield
    FakePsp.reset()
