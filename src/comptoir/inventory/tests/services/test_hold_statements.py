"""How many statements a hold sends: counted, not timed (the hot row's lock time follows it)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from comptoir.core.models import OutboxEvent
from comptoir.inventory.models import Hold, StockLevel, StockMovement
from comptoir.inventory.services.holds import HoldRequestLine, place_hold
from comptoir.inventory.tests.factories import make_store, make_variant, put_on_shelf


def _statements(captured: CaptureQueriesContext) -> list[str]:
    statements = [q["sql"].split()[0].upper() for q in captured.captured_queries]
    return [s for s in statements if s not in {"SAVEPOINT", "RELEASE", "BEGIN", "COMMIT"}]


@pytest.mark.django_db
def test_a_one_line_hold_sends_one_statement_on_postgresql_and_four_on_sqlite():
    store, jacket = make_store(), make_variant("JACKET-S")
    put_on_shelf(jacket, store, 5)

    with CaptureQueriesContext(connection) as captured:
        place_hold(
            lines=[HoldRequestLine(store.pk, jacket.pk, "JACKET-S", 1)],
            channel="web",
            reference="cart-1",
        )

    if connection.vendor == "postgresql":
        # the level UPDATE, the hold, its movement and its outbox row: one CTE
        assert _statements(captured) == ["WITH"]
    else:
        assert _statements(captured) == ["INSERT", "INSERT", "UPDATE", "INSERT"]


@pytest.mark.django_db
def test_a_three_line_hold_is_still_one_statement_on_postgresql_and_writes_every_row():
    store = make_store()
    jackets = [make_variant(f"JACKET-{size}") for size in "SML"]
    for jacket in jackets:
        put_on_shelf(jacket, store, 5)
    events_before = OutboxEvent.objects.filter(type="stock.changed").count()

    with CaptureQueriesContext(connection) as captured:
        holds = place_hold(
            lines=[HoldRequestLine(store.pk, j.pk, j.sku, 2) for j in reversed(jackets)],
            channel="web",
            reference="cart-1",
        )

    if connection.vendor == "postgresql":
        assert _statements(captured) == ["WITH"]
    else:
        assert len(_statements(captured)) == 12
    assert sorted(h.pk for h in holds) == sorted(Hold.objects.values_list("pk", flat=True))
    assert {(h.variant_id, h.quantity, h.status) for h in holds} == {
        (j.pk, 2, "active") for j in jackets
    }
    assert StockMovement.objects.filter(kind="hold", hold__in=holds, held_delta=2).count() == 3
    assert list(StockLevel.objects.values_list("held", flat=True)) == [2, 2, 2]
    events = OutboxEvent.objects.filter(type="stock.changed").order_by("pk")[events_before:]
    assert sorted((e.payload["sku"], e.payload["held"], e.payload["free"]) for e in events) == [
        ("JACKET-L", 2, 3),
        ("JACKET-M", 2, 3),
        ("JACKET-S", 2, 3),
    ]
