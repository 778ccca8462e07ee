"""Verify a carrier's signed webhook, the Standard Webhooks way (as integrations signs ours).

signed content = "<webhook-id>.<webhook-timestamp>.<body>", HMAC-SHA256 keyed with the base64
part of a `whsec_` secret; the header holds one or more space-separated "v1,<base64>".
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import secrets

SECRET_PREFIX = "whsec_"
TOLERANCE_SECONDS = 5 * 60  # a replayed old request is refused


def new_secret() -> str:
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(24)).decode()


def sign(secret: str, *, message_id: str, timestamp: int, body: bytes) -> str:
    key = base64.b64decode(secret.removeprefix(SECRET_PREFIX))
    content = f"{message_id}.{timestamp}.".encode() + body
    return "v1," + base64.b64encode(hmac.new(key, content, hashlib.sha256).digest()).decode()


def is_authentic(
    secret: str, *, message_id: str, timestamp: str, signature: str, body: bytes, now: int
) -> bool:
    """True when one of the signatures matches and the timestamp is recent."""
    try:
        sent_at = int(timestamp)
        expected = sign(secret, message_id=message_id, timestamp=sent_at, body=body)
    except (ValueError, binascii.Error):
        return False
    if abs(now - sent_at) > TOLERANCE_SECONDS:
        return False
    return any(hmac.compare_digest(expected, given) for given in signature.split())
