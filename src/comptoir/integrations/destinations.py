"""Where comptoir agrees to send webhooks (a placeholder: the `subs` branch writes the real
check, which also resolves the host and refuses private, loopback, link-local and metadata
addresses; this one only refuses what is not an absolute http(s) URL)."""

from __future__ import annotations

from urllib.parse import urlsplit

from .errors import InvalidWebhookUrl


def check_delivery_address(url: str) -> None:
    """Raise InvalidWebhookUrl unless comptoir may deliver to `url` now."""
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise InvalidWebhookUrl(
            "A webhook URL must be an absolute http(s) URL.",
            errors=[{"field": "url", "message": "absolute http(s) URL"}],
        )
