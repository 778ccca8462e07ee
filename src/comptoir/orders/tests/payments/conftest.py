"""Stripe selected as the PSP, talking to the local stand-in (no network)."""

import pytest

from comptoir.orders.tests.stripe_standin import API_KEY, WEBHOOK_SECRET, StripeStandIn

# Short, so that a stalled answer is a timeout within the test; the stand-in stalls longer.
CLIENT_TIMEOUT_SECONDS = 0.5
STALL_SECONDS = 1.5


@pytest.fixture
def stripe_standin(settings):
    standin = StripeStandIn().start()
    settings.COMPTOIR_PSP = "stripe"
    settings.COMPTOIR_STRIPE_SECRET_KEY = API_KEY
    settings.COMPTOIR_STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    settings.COMPTOIR_STRIPE_API_BASE = standin.url
    settings.COMPTOIR_STRIPE_TIMEOUT_SECONDS = CLIENT_TIMEOUT_SECONDS
    yield standin
    standin.stop()
