"""The orders API with Stripe as the PSP: what the shopper's page is told when the card is
declined, and when Stripe does not answer."""

import pytest

from comptoir.customers.tests.factories import make_shopper
from comptoir.inventory.models import Hold
from comptoir.orders.models import Order
from comptoir.orders.tests.factories import make_jackets, make_location, order_body, stock

from .helpers import CARD_DECLINED

URL = "/api/v1/orders"


def _jean_at_bellecour(client):
    store = make_location("lyon-bellecour", city="Lyon")
    make_jackets()
    stock("JACKET-TRAIL-S", store, 2)
    client.force_login(make_shopper().user)


@pytest.mark.django_db
def test_a_card_stripe_declines_is_a_402_naming_the_decline(client, stripe_standin):
    _jean_at_bellecour(client)
    body = order_body(payment={"method": "card", "card_token": CARD_DECLINED})

    answer = client.post(URL, body, content_type="application/json")

    assert answer.status_code == 402
    assert answer.headers["Content-Type"] == "application/problem+json"
    assert "insufficient_funds" in answer.json()["detail"]
    assert not Order.objects.exists()
    assert not Hold.objects.exists()


@pytest.mark.django_db
def test_stripe_not_answering_is_a_503_and_no_order(client, stripe_standin, settings):
    _jean_at_bellecour(client)
    settings.COMPTOIR_STRIPE_API_BASE = "http://127.0.0.1:9"  # nothing listens there

    answer = client.post(
        URL,
        order_body(payment={"method": "card", "card_token": "pm_card_visa"}),
        content_type="application/json",
    )

    assert answer.status_code == 503
    assert answer.json()["code"] == "payment-provider-unavailable"
    assert not Order.objects.exists()
    assert not Hold.objects.exists()
