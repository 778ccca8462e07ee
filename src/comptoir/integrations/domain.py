"""Webhook rules as pure functions: secrets, message ids, who subscribes to what.

Signing is the reference `standardwebhooks` library's (see `delivery`); several signatures are
space-separated so that a receiver can verify with the old or the new secret during a rotation.
"""

from __future__ import annotations

import base64
import secrets

SECRET_PREFIX = "whsec_"


def new_secret() -> str:
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(24)).decode()


def message_id_for(event_id_hex: str) -> str:
    return f"msg_{event_id_hex}"


def subscribes_to(event_types: list[str], event_type: str) -> bool:
    return "*" in event_types or event_type in event_types


def unknown_event_types(requested: list[str], known: list[str]) -> list[str]:
    """The requested event types that are neither known nor "*" (all events), in order."""
    allowed = set(known) | {"*"}
    return [event_type for event_type in requested if event_type not in allowed]
