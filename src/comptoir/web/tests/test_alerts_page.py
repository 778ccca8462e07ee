"""The back office's exceptions queue and dashboard: one card per parcel incident, its
strongest kind, its history and a link to its order, in French and English."""

from __future__ import annotations

from datetime import timedelta
from html import unescape

import pytest
from django.test import Client

from comptoir.accounts.tests.factories import make_staff
from comptoir.core import clock
from comptoir.orders.services.placing import LineRequest, OrderRequest, PaymentRequest, place_order
from comptoir.orders.tests.factories import CARD_OK, make_jackets, make_location, stock
from comptoir.shipping.models import Carrier, Shipment
from comptoir.shipping.services.alerts import check_shipments
from comptoir.shipping.tests.factories import make_carriers, make_shipment

pytestmark = pytest.mark.django_db


@pytest.fixture
def ops() -> Client:
    client = Client()
    client.force_login(make_staff("operations"))
    return client


def page(answer) -> str:
    return unescape(answer.content.decode())


def a_lost_parcel_of_an_order(settings) -> str:
    """A parcel of a real order, silent long enough to be lost: its order's reference."""
    settings.SHIPPING_NO_MOVEMENT_HOURS = 24
    settings.SHIPPING_LOST_AFTER_HOURS = 72
    lyon = make_location("lyon-part-dieu", city="Lyon")
    make_jackets()
    stock("JACKET-TRAIL-S", lyon, 3)
    placed = place_order(
        OrderRequest(
            channel="web",
            fulfilment_mode="click_and_collect",
            lines=[LineRequest("JACKET-TRAIL-S", 1, lyon.pk)],
            payment=PaymentRequest("card", CARD_OK),
            pickup_location_id=lyon.pk,
        )
    )
    make_carriers()
    Carrier.objects.update(working_weekdays=list(range(7)), holiday_country="")
    now = clock.now()
    shipment = make_shipment(lyon, promised_by=(now + timedelta(days=9)).date(), now=now)
    Shipment.objects.filter(pk=shipment.pk).update(order_reference=placed.order.reference)
    check_shipments(now=now + timedelta(hours=25))
    check_shipments(now=now + timedelta(hours=73))
    return placed.order.reference


def test_the_queue_shows_one_card_per_parcel_with_its_history_and_its_order(ops, settings):
    reference = a_lost_parcel_of_an_order(settings)

    queue = page(ops.get("/backoffice/exceptions/"))

    assert queue.count('data-testid="alert-') == 1
    assert "Perdu · " in queue
    assert "Historique: Sans mouvement" in queue
    link = f'href="/backoffice/orders/?reference={reference}"'
    assert link in queue
    orders = page(ops.get(f"/backoffice/orders/?reference={reference}"))
    assert orders.count(f"<tr><td>{reference}</td>") == 1
    dashboard = page(ops.get("/backoffice/"))
    assert "1 colis avec un incident ouvert." in dashboard
    assert "Incidents colis ouverts, 30 derniers jours" in dashboard


def test_the_queue_speaks_english_when_chosen(ops, settings):
    a_lost_parcel_of_an_order(settings)
    ops.post("/i18n/setlang/", {"language": "en", "next": "/backoffice/"})

    queue = page(ops.get("/backoffice/exceptions/"))

    assert "Lost · " in queue
    assert "History: No movement" in queue
    assert "1 parcel with an open incident." in page(ops.get("/backoffice/"))


def test_incidents_the_parcel_closed_are_listed_apart(ops, settings):
    a_lost_parcel_of_an_order(settings)

    assert 'data-testid="alert-' not in page(ops.get("/backoffice/exceptions/?status=closed"))
    assert 'data-testid="alert-' in page(ops.get("/backoffice/exceptions/?status=open"))
