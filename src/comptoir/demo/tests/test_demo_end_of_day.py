"""The demo's day at the tills: each store's end-of-day report adds up to its payments."""

from datetime import datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.db.models import F, Sum

from comptoir.demo.retailer import load
from comptoir.locations.models import Location
from comptoir.orders.models import Order, Payment
from comptoir.orders.selectors import money_discrepancies, till_takings


@pytest.mark.django_db
def test_the_end_of_day_report_of_the_demo_day_equals_the_payments_taken_at_the_tills():
    load(seed=7, customers=10, stores=4, skus=60)
    zone = ZoneInfo(settings.TIME_ZONE)
    # The day of the demo's last till sale (this morning, or yesterday just after midnight).
    last = Order.objects.filter(fulfilment_mode="till_sale").latest("created_at").created_at
    since = datetime.combine(last.astimezone(zone).date(), time.min, tzinfo=zone)
    until = since + timedelta(days=1)
    sold_today = 0

    for store in Location.objects.filter(kind="store", is_active=True):
        report = till_takings(location_id=store.pk, since=since, until=until)
        # The payments' own running sums, not the ledger rows the report reads.
        payments = Payment.objects.filter(
            order__pickup_location=store,
            order__fulfilment_mode="till_sale",
            order__created_at__gte=since,
            order__created_at__lt=until,
        ).aggregate(net=Sum(F("captured_amount") - F("refunded_amount")))["net"] or Decimal("0")
        assert sum((row.net for row in report), Decimal("0")) == payments, store.code
        sold_today += bool(report)

    assert sold_today >= 1
    assert money_discrepancies() == []
