"""How many statements a hold sends: counted, not timed (the hot row's lock time follows it)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from comptoir.inventory.services.holds import HoldRequestLine, place_hold
from comptoir.inventory.tests.factories import make_store, make_variant, put_on_shelf


@pytest.mark.django_db
def test_a_one_line_hold_sends_three_statements_on_postgresql_and_four_on_sqlite():
    store, jacket = make_store(), make_variant("JACKET-S")
    put_on_shelf(jacket, store, 5)

    with CaptureQueriesContext(connection) as captured:
        place_hold(
            lines=[HoldRequestLine(store.pk, jacket.pk, "JACKET-S", 1)],
            channel="web",
            reference="cart-1",
        )

    statements = [q["sql"].split()[0].upper() for q in captured.captured_queries]
    statements = [s for s in statements if s not in {"SAVEPOINT", "RELEASE", "BEGIN", "COMMIT"}]
    if connection.vendor == "postgresql":
        # the hold, its movement, and the level UPDATE with its outbox row in one CTE, last
        assert statements == ["INSERT", "INSERT", "WITH"]
    else:
        assert statements == ["INSERT", "INSERT", "UPDATE", "INSERT"]
