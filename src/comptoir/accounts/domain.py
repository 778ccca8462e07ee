"""API token format: cpt_<prefix>_<secret>. Pure functions, no Django."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass

TOKEN_PREFIX = "cpt"


@dataclass(frozen=True)
class NewToken:
    raw: str
    prefix: str
    secret_hash: str


def make_token() -> NewToken:
    prefix = secrets.token_hex(4)
    raw = f"{TOKEN_PREFIX}_{prefix}_{secrets.token_urlsafe(32)}"
    return NewToken(raw=raw, prefix=prefix, secret_hash=hash_token(raw))


def hash_token(raw: str) -> str:
    # A token is 256 random bits, so a fast hash is enough (unlike a password).
    return hashlib.sha256(raw.encode()).hexdigest()


def same_hash(a: str, b: str) -> bool:
    return hmac.compare_digest(a, b)
