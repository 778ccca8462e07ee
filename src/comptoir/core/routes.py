"""The interface between the outbox and what it delivers to (implemented by comptoir.wiring)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from .models import OutboxEvent


@dataclass(frozen=True)
class Event:
    """What handlers and webhook receivers are given."""

    event_id: uuid.UUID
    type: str
    aggregate: str
    payload: dict[str, Any]
    occurred_at: datetime

    @classmethod
    def from_row(cls, row: OutboxEvent) -> Event:
        return cls(row.event_id, row.type, row.aggregate, row.payload, row.occurred_at)


@dataclass(frozen=True)
class Outcome:
    succeeded: bool
    response_status: int | None = None
    error: str = ""
    # Retrying cannot help (the subscription was deleted): dead-lettered at once.
    permanent: bool = False


Send = Callable[[], Outcome]


class Routes(Protocol):
    """Where events go, and how to reach each target."""

    def targets_for(self, events: list[tuple[str, datetime]]) -> list[list[str]]:
        """The targets of each event, given as (type, occurred at), in order (a batch at a
        time: one read of the subscriptions, not one per event). Routing needs nothing else
        of an event, so fan-out never reads the payloads."""
        ...

    def deliver(self, target: str, event: Event) -> Outcome:
        """Deliver to an in-process target, in the caller's thread (it may use the database)."""
        ...

    def remote_sends(self, work: list[tuple[str, Event]]) -> dict[int, Send]:
        """For the items of `work` addressed outside this process (webhooks), keyed by their
        position: a send prepared here, with the database, and run later on another thread,
        without it. Items left out are delivered with `deliver`."""
        ...
