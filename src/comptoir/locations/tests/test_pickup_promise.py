"""What the pickup promise is computed from: each store's lead time and hours."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest

from comptoir.locations.domain import ClosureDay
from comptoir.locations.selectors import pickup_offers

from .factories import closed_on, make_store, offering, with_hours

pytestmark = pytest.mark.django_db


def test_pickup_offers_read_each_stores_lead_time_and_skip_stores_without_the_service():
    lyon = offering(with_hours(make_store()), "click_and_collect", pickup_lead_minutes=90)
    paris_store = with_hours(make_store("paris-rivoli"))
    closed_on(lyon, date(2026, 12, 25))

    offers = pickup_offers(
        location_ids=[lyon.pk, paris_store.pk],
        service="click_and_collect",
        now=datetime(2026, 11, 25, 13, 30, tzinfo=UTC),
    )

    assert list(offers) == [lyon.pk]
    assert offers[lyon.pk].lead_minutes == 90
    assert offers[lyon.pk].timezone == "Europe/Paris"
    assert len(offers[lyon.pk].weekly) == 6
    assert offers[lyon.pk].closures == [ClosureDay(date(2026, 12, 25), None, None)]
    assert offers[lyon.pk].weekly[0].opens == time(10)
