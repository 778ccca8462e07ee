"""Available to promise is one rule in three forms: Python (`StockFigures.available`), the SQL
expression of the hold statements (`available_sql`), and the ORM filter (`promisable_at`).
Each (on hand, held, safety stock) below is read through all three; they must agree."""

import itertools

import pytest
from django.db import connection

from comptoir.core import clock
from comptoir.inventory.domain import StockFigures
from comptoir.inventory.models import StockLevel
from comptoir.inventory.selectors import available_sql, promisable_at
from comptoir.inventory.services.stock import set_safety_stock
from comptoir.inventory.tests.factories import make_store, make_variant

FIGURES = [(on_hand, held) for on_hand, held in itertools.product([0, 1, 2, 5], repeat=2)]
SAFETY = [None, 0, 1, 3]  # None: no safety stock set for the channel


@pytest.mark.django_db
@pytest.mark.parametrize("safety", SAFETY, ids=lambda s: f"safety_{s}")
def test_python_sql_and_orm_agree_on_what_a_channel_may_promise(safety):
    store = make_store()
    if safety is not None:
        set_safety_stock(location_id=store.pk, channel="web", quantity=safety)
    levels = {}
    for n, (on_hand, held) in enumerate(FIGURES):
        variant = make_variant(f"ATP-{n}", product_slug=f"atp-{n}")
        levels[variant.pk] = StockLevel.objects.create(
            variant=variant,
            product_id=variant.product_id,
            location=store,
            on_hand=on_hand,
            held=min(held, on_hand),  # the database refuses more held than on hand
            updated_at=clock.now(),
        )
    expression = available_sql(
        on_hand="s.on_hand", held="s.held", location="s.location_id", channel="%s"
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT s.id, {expression} FROM inventory_stocklevel s WHERE s.location_id = %s",  # noqa: S608
            ["web", store.pk],
        )
        in_sql = dict(cursor.fetchall())
    for level in levels.values():
        in_python = StockFigures(level.on_hand, level.held, safety or 0).available
        assert max(0, in_sql[level.pk]) == in_python, (level.on_hand, level.held, safety)
        for units in (1, 2, 3):
            in_orm = StockLevel.objects.filter(
                promisable_at(location_id=store.pk, safety=safety or 0, units=units), pk=level.pk
            ).exists()
            assert in_orm == (in_python >= units), (level.on_hand, level.held, safety, units)
