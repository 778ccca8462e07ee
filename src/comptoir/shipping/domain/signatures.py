"""A carrier's signed webhook, the Standard Webhooks way (as integrations signs ours), through
the reference `standardwebhooks` library: "<webhook-id>.<webhook-timestamp>.<body>" signed with
HMAC-SHA256 under a `whsec_` secret; the header holds one or more space-separated "v1,<base64>",
and a timestamp more than five minutes away from now is refused (a replayed old request).
"""

from __future__ import annotations

import base64
import binascii
import secrets
from datetime import UTC, datetime

from standardwebhooks.webhooks import EmptyWebhookSecretError, Webhook, WebhookVerificationError

SECRET_PREFIX = "whsec_"


def new_secret() -> str:
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(24)).decode()


def sign(secret: str, *, message_id: str, timestamp: int, body: bytes) -> str:
    """The signature a carrier sends (the fake carrier signs its webhooks with it)."""
    sent_at = datetime.fromtimestamp(timestamp, UTC)
    return Webhook(secret).sign(msg_id=message_id, timestamp=sent_at, data=body)


def is_authentic(secret: str, *, headers: dict[str, str], body: bytes) -> bool:
    """True when one of the signatures matches `body` and the timestamp is recent."""
    try:
        Webhook(secret).verify(body, headers, json_parse=False)
    except (WebhookVerificationError, EmptyWebhookSecretError, binascii.Error):
        return False
    return True
