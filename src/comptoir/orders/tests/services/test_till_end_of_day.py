"""The end-of-day report counts a sale on the store's own day, in the store's time zone, not
the server's: 23:30 in New York is the next morning in Paris (settings.TIME_ZONE)."""

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings

from comptoir.locations.models import Location
from comptoir.orders.domain import local_day_bounds
from comptoir.orders.services.till import BasketLine, end_of_day, sell_basket
from comptoir.orders.tests.factories import make_jackets, make_location, stock

NEW_YORK = ZoneInfo("America/New_York")


def test_a_local_day_is_midnight_to_midnight_in_its_zone_even_when_the_clocks_change():
    since, until = local_day_bounds(date(2026, 3, 8), "America/New_York")  # 23 hours long

    assert since == datetime(2026, 3, 8, 5, 0, tzinfo=ZoneInfo("UTC"))
    assert until == datetime(2026, 3, 9, 4, 0, tzinfo=ZoneInfo("UTC"))


@pytest.mark.django_db
def test_a_sale_at_half_past_eleven_at_night_counts_on_the_stores_own_day():
    assert settings.TIME_ZONE != "America/New_York"
    store = make_location("new-york-soho", city="New York")
    Location.objects.filter(pk=store.pk).update(timezone="America/New_York")
    make_jackets("129.00")
    stock("JACKET-TRAIL-S", store, 1)
    late = datetime(2026, 12, 7, 23, 30, tzinfo=NEW_YORK)  # 05:30 on the 8th in Paris
    sell_basket(
        store_id=store.pk,
        ticket="T-LATE",
        lines=[BasketLine("JACKET-TRAIL-S", 1)],
        cash_given=Decimal("129.00"),
        actor="user:1",
        now=late,
    )

    seventh = end_of_day(store_id=store.pk, day=date(2026, 12, 7))
    eighth = end_of_day(store_id=store.pk, day=date(2026, 12, 8))

    assert [(row.tender, row.net) for row in seventh.rows] == [("cash", Decimal("129.00"))]
    assert eighth.rows == []
    assert seventh.total == Decimal("129.00")


@pytest.mark.django_db
def test_without_a_day_the_report_is_of_the_stores_today():
    store = make_location("new-york-soho", city="New York")
    Location.objects.filter(pk=store.pk).update(timezone="America/New_York")

    report = end_of_day(
        store_id=store.pk, day=None, now=datetime(2026, 12, 8, 4, 30, tzinfo=ZoneInfo("UTC"))
    )

    assert report.day == date(2026, 12, 7)
