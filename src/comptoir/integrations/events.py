"""The event integrations records, and the list of every event type a webhook may ask for.

Integrations sits beside notifications in the design DAG, so it cannot import every app's
events module; the composition root (comptoir.wiring) names them all with
`publish_event_types` when it is imported, at start-up in every process.
"""

from __future__ import annotations

from collections.abc import Iterable

WEBHOOK_PING = "webhook.ping"  # aggregate webhook:<id>; + subscription_id. Sent on request.
ALL_EVENTS = "*"

_published: set[str] = {WEBHOOK_PING}


def publish_event_types(event_types: Iterable[str]) -> None:
    _published.update(event_types)


def published_event_types() -> list[str]:
    """Every event type comptoir records, sorted."""
    return sorted(_published)
