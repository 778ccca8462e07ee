"""Production: no debug, a real secret, PostgreSQL and Redis are expected from the environment."""

import os
import secrets

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import FAKE_PSP_DEFAULT_SECRET

DEBUG = False
# Pictures are the web server's to serve (ADR 0034), unless an operator asks Django to.
SERVE_MEDIA = os.environ.get("COMPTOIR_SERVE_MEDIA", "0") == "1"
SECRET_KEY = os.environ["COMPTOIR_SECRET_KEY"]
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True


def _required(name: str, why: str) -> str:
    value = os.environ.get(name, "")
    if not value:
        raise ImproperlyConfigured(f"{name} must be set in production: {why}")
    return value


# The PSP is named, never defaulted: the fake one authorises any "tok_…" string, so it runs in
# production only when someone asked for it (a demo), and never with its public secret.
COMPTOIR_PSP = _required("COMPTOIR_PSP", '"stripe", or "fake" to run the demo PSP on purpose.')
if COMPTOIR_PSP == "fake":
    FAKE_PSP_WEBHOOK_SECRET = _required(
        "COMPTOIR_FAKE_PSP_SECRET", "the fake PSP's default webhook secret is public."
    )
    if FAKE_PSP_WEBHOOK_SECRET == FAKE_PSP_DEFAULT_SECRET:
        raise ImproperlyConfigured(
            "COMPTOIR_FAKE_PSP_SECRET is the fake PSP's public default: anyone could sign its "
            "webhooks. Set a secret of your own."
        )
elif COMPTOIR_PSP == "stripe":
    COMPTOIR_STRIPE_SECRET_KEY = _required(
        "COMPTOIR_STRIPE_SECRET_KEY", "the Stripe account's secret key (sk_live_… or sk_test_…)."
    )
    COMPTOIR_STRIPE_WEBHOOK_SECRET = _required(
        "COMPTOIR_STRIPE_WEBHOOK_SECRET", "the signing secret (whsec_…) of the webhook endpoint."
    )
    # The fake PSP's webhook endpoint stays routed: a secret nobody knows signs nothing there.
    FAKE_PSP_WEBHOOK_SECRET = secrets.token_urlsafe(32)
else:
    raise ImproperlyConfigured(f'COMPTOIR_PSP is "{COMPTOIR_PSP}": known are "stripe" and "fake".')
