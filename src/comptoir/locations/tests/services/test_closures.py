"""declare_closure: one closure per day, declared again = replaced, special hours complete."""

from __future__ import annotations

from datetime import date, time

import pytest

from comptoir.core.errors import ValidationFailed
from comptoir.core.models import OutboxEvent
from comptoir.locations.errors import LocationNotFound
from comptoir.locations.models import Closure
from comptoir.locations.services import declare_closure
from comptoir.locations.tests.factories import make_store

pytestmark = pytest.mark.django_db

MAY_DAY = date(2027, 5, 1)
CHRISTMAS_EVE = date(2026, 12, 24)


def test_a_closure_closes_the_day_and_records_an_event():
    lyon = make_store("lyon-part-dieu")

    closure, created = declare_closure(
        location_code="lyon-part-dieu", date=MAY_DAY, reason="Fête du travail"
    )

    assert created is True
    assert (closure.date, closure.opens, closure.closes, closure.reason) == (
        MAY_DAY,
        None,
        None,
        "Fête du travail",
    )
    event = OutboxEvent.objects.get(type="location.closure_declared")
    assert event.payload == {
        "location_id": lyon.pk,
        "code": "lyon-part-dieu",
        "date": "2027-05-01",
        "opens": None,
        "closes": None,
        "reason": "Fête du travail",
    }


def test_declaring_the_same_day_again_replaces_the_closure():
    make_store("lyon-part-dieu")
    declare_closure(location_code="lyon-part-dieu", date=CHRISTMAS_EVE)

    closure, created = declare_closure(
        location_code="lyon-part-dieu",
        date=CHRISTMAS_EVE,
        opens=time(9),
        closes=time(17),
        reason="veille de Noël",
    )

    assert created is False
    assert Closure.objects.get() == closure
    assert (closure.opens, closure.closes, closure.reason) == (time(9), time(17), "veille de Noël")
    assert OutboxEvent.objects.filter(type="location.closure_declared").count() == 2


def test_declaring_exactly_the_same_closure_again_records_nothing():
    make_store("lyon-part-dieu")
    declare_closure(location_code="lyon-part-dieu", date=MAY_DAY, reason="Fête du travail")

    _, created = declare_closure(
        location_code="lyon-part-dieu", date=MAY_DAY, reason="Fête du travail"
    )

    assert created is False
    assert OutboxEvent.objects.filter(type="location.closure_declared").count() == 1


@pytest.mark.parametrize(
    ("opens", "closes"),
    [
        pytest.param(time(9), None, id="opens_only_case"),
        pytest.param(None, time(17), id="closes_only_case"),
        pytest.param(time(9), time(9), id="empty_range_case"),
    ],
)
def test_special_hours_need_both_ends_and_nothing_is_declared_otherwise(opens, closes):
    make_store("lyon-part-dieu")

    with pytest.raises(ValidationFailed):
        declare_closure(
            location_code="lyon-part-dieu", date=CHRISTMAS_EVE, opens=opens, closes=closes
        )

    assert not Closure.objects.exists()


def test_a_closure_for_an_unknown_location_is_not_found():
    with pytest.raises(LocationNotFound):
        declare_closure(location_code="nowhere", date=MAY_DAY)
