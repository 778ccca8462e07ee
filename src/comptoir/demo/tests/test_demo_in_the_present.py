"""The demo lives on the day it is loaded: its dates follow that day, its past tells nobody
anything, and the hand-off code it prints opens Jean's cart for as long as it runs."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.apps import apps
from django.db import models

from comptoir.carts.selectors import cart_by_handoff_code
from comptoir.core import clock, outbox
from comptoir.core.outbox import run_due_work
from comptoir.demo.retailer import UNTOLD, load
from comptoir.notifications.models import MessageLog
from comptoir.notifications.tests.inbox import smtp_server
from comptoir.orders.models import Order
from comptoir.shipping.models import Shipment
from comptoir.wiring import ROUTES

A_MONDAY_IN_MARCH = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
A_MONDAY_FIVE_YEARS_ON = datetime(2031, 6, 16, 9, 30, tzinfo=UTC)
SMALL = {"seed": 7, "customers": 20, "stores": 3, "skus": 60}


def every_date_loaded() -> list[tuple[str, datetime | date]]:
    """Every date and time the demo wrote into comptoir's own tables."""
    found = []
    for model in apps.get_models():
        if not model.__module__.startswith("comptoir."):
            continue
        for field in model._meta.concrete_fields:
            if isinstance(field, models.DateField):  # DateTimeField included
                for value in model.objects.exclude(**{field.name: None}).values_list(
                    field.name, flat=True
                ):
                    found.append((f"{model._meta.label}.{field.name}", value))
    return found


@pytest.mark.django_db
@pytest.mark.parametrize(
    "moment",
    [
        pytest.param(A_MONDAY_IN_MARCH, id="march_2026_case"),
        pytest.param(A_MONDAY_FIVE_YEARS_ON, id="june_2031_case"),
    ],
)
def test_every_date_the_demo_loads_follows_the_day_it_is_loaded(moment, monkeypatch):
    monkeypatch.setattr(clock, "now", lambda: moment)

    load(**SMALL)

    dates = every_date_loaded()
    earliest, latest = moment - timedelta(days=100), moment + timedelta(days=366)
    outside = [
        (name, value)
        for name, value in dates
        if not (
            earliest <= value <= latest
            if isinstance(value, datetime)
            else earliest.date() <= value <= latest.date()
        )
    ]
    assert len(dates) > 500
    assert outside == []
    newest = Order.objects.order_by("-created_at").values_list("created_at", flat=True).first()
    assert newest == moment - timedelta(hours=3)  # Jean's orders, waiting for him today
    on_its_way = Shipment.objects.get(customer__email="jean.martin@example.fr", delivered_at=None)
    assert on_its_way.estimated_delivery > moment.date() >= on_its_way.created_at.date()


@pytest.mark.django_db(transaction=True)
def test_the_worker_sends_no_email_about_the_demos_past_on_its_first_start(settings, monkeypatch):
    # `make demo` loads, then starts the worker: no worker hears the load's commits.
    monkeypatch.setattr(outbox, "_after_commit_hooks", [])
    load(**SMALL)
    monkeypatch.undo()

    with smtp_server(settings) as inbox:
        while run_due_work(ROUTES, worker="test").attempted:
            pass

    assert inbox.messages == []
    assert not MessageLog.objects.exclude(status=MessageLog.Status.SKIPPED).exists()
    assert set(MessageLog.objects.values_list("reason", flat=True)) >= {UNTOLD}
    assert MessageLog.objects.filter(reason=UNTOLD, kind="order_confirmed").count() >= 2 * 30


@pytest.mark.django_db
def test_the_printed_hand_off_code_still_opens_jeans_cart_hours_later():
    logins = load(**SMALL)
    code = logins[-1].note.rsplit("cart hand-off code ", 1)[1]

    cart = cart_by_handoff_code(code=code, now=clock.now() + timedelta(hours=2))

    assert cart.customer.email == "jean.martin@example.fr"
    assert cart_by_handoff_code(code=code, now=clock.now() + timedelta(days=90)).pk == cart.pk
