"""update_location_details and declare_closures: what customers read of a store, and closures
over a date range."""

from __future__ import annotations

from datetime import date
from unittest import mock

import pytest

from comptoir.core.errors import ValidationFailed
from comptoir.core.models import OutboxEvent
from comptoir.locations import services
from comptoir.locations.models import Closure, Location
from comptoir.locations.services import declare_closures, update_location_details
from comptoir.locations.tests.factories import make_store

pytestmark = pytest.mark.django_db


def details(**changes: str) -> dict[str, str]:
    return {
        "name": "Élan Lyon Part-Dieu",
        "street": " 17 rue du Docteur Bouchut ",
        "postcode": "69003",
        "city": "Lyon",
        "phone": "04 72 00 00 00",
        **changes,
    }


def test_details_are_saved_trimmed_with_the_phone_in_e164_and_one_event():
    lyon = make_store("lyon-part-dieu")

    update_location_details(location_code="lyon-part-dieu", **details())

    lyon.refresh_from_db()
    assert (lyon.street, lyon.phone) == ("17 rue du Docteur Bouchut", "+33472000000")
    event = OutboxEvent.objects.get(type="location.details_changed")
    assert event.payload == {
        "location_id": lyon.pk,
        "code": "lyon-part-dieu",
        "name": "Élan Lyon Part-Dieu",
        "street": "17 rue du Docteur Bouchut",
        "postcode": "69003",
        "city": "Lyon",
        "phone": "+33472000000",
    }


def test_the_same_details_again_record_no_second_event():
    make_store("lyon-part-dieu")

    update_location_details(location_code="lyon-part-dieu", **details())
    update_location_details(location_code="lyon-part-dieu", **details(phone="+33472000000"))

    assert OutboxEvent.objects.filter(type="location.details_changed").count() == 1


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        pytest.param({"phone": "12"}, "phone", id="too_short_phone_case"),
        pytest.param({"phone": "04 72 00 00 00 00 00"}, "phone", id="too_long_phone_case"),
        pytest.param({"name": "  "}, "name", id="blank_name_case"),
        pytest.param({"city": ""}, "city", id="blank_town_case"),
    ],
)
def test_bad_details_are_refused_on_their_field_and_change_nothing(changes, field):
    make_store("lyon-part-dieu")

    with pytest.raises(ValidationFailed) as refused:
        update_location_details(location_code="lyon-part-dieu", **details(**changes))

    assert [e["field"] for e in refused.value.errors] == [field]
    assert Location.objects.get(code="lyon-part-dieu").street == ""
    assert not OutboxEvent.objects.filter(type="location.details_changed").exists()


def test_a_closure_range_closes_every_day_in_it():
    make_store("lyon-part-dieu")

    closures = declare_closures(
        location_code="lyon-part-dieu",
        first_day=date(2027, 2, 27),
        last_day=date(2027, 3, 1),
        reason="Inventaire",
    )

    assert [c.date for c in closures] == [date(2027, 2, 27), date(2027, 2, 28), date(2027, 3, 1)]
    assert OutboxEvent.objects.filter(type="location.closure_declared").count() == 3


@pytest.mark.parametrize(
    "last_day",
    [
        pytest.param(date(2027, 2, 26), id="backwards_case"),
        pytest.param(date(2028, 2, 28), id="longer_than_a_year_case"),
    ],
)
def test_a_closure_range_backwards_or_over_a_year_is_refused(last_day):
    make_store("lyon-part-dieu")

    with pytest.raises(ValidationFailed):
        declare_closures(
            location_code="lyon-part-dieu", first_day=date(2027, 2, 27), last_day=last_day
        )

    assert not Closure.objects.exists()


def test_a_closure_range_that_fails_half_way_closes_no_day():
    make_store("lyon-part-dieu")
    real = services.declare_closure
    calls = 0

    def fails_on_the_third_day(**kwargs):
        nonlocal calls
        calls += 1
        if calls == 3:
            raise ValidationFailed("the database went away")
        return real(**kwargs)

    with (
        mock.patch.object(services, "declare_closure", fails_on_the_third_day),
        pytest.raises(ValidationFailed),
    ):
        declare_closures(
            location_code="lyon-part-dieu",
            first_day=date(2027, 2, 27),
            last_day=date(2027, 3, 3),
        )

    assert not Closure.objects.exists()
    assert not OutboxEvent.objects.filter(type="location.closure_declared").exists()
