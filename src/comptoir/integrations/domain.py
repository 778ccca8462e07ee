"""Standard Webhooks signatures, as pure functions.

signed content = "<webhook-id>.<webhook-timestamp>.<body>", HMAC-SHA256 keyed with the base64
part of a `whsec_` secret, sent as "v1,<base64>"; several signatures are space-separated so
that a receiver can verify with the old or the new secret during a rotation.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

SECRET_PREFIX = "whsec_"


def new_secret() -> str:
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(24)).decode()


def sign(secret: str, *, message_id: str, timestamp: int, body: bytes) -> str:
    key = base64.b64decode(secret.removeprefix(SECRET_PREFIX))
    content = f"{message_id}.{timestamp}.".encode() + body
    digest = hmac.new(key, content, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def signature_header(
    secrets_in_force: list[str], *, message_id: str, timestamp: int, body: bytes
) -> str:
    return " ".join(
        sign(secret, message_id=message_id, timestamp=timestamp, body=body)
        for secret in secrets_in_force
    )


def message_id_for(event_id_hex: str) -> str:
    return f"msg_{event_id_hex}"


def subscribes_to(event_types: list[str], event_type: str) -> bool:
    return "*" in event_types or event_type in event_types


def unknown_event_types(requested: list[str], known: list[str]) -> list[str]:
    """The requested event types that are neither known nor "*" (all events), in order."""
    allowed = set(known) | {"*"}
    return [event_type for event_type in requested if event_type not in allowed]
