"""Leases on deliveries, taken and settled in batches.

A claim is one conditional UPDATE that sets a lease on up to `limit` due deliveries: a row
another worker claimed a moment earlier no longer matches it, so two workers never hold the same
delivery at once. Retries that fell due are claimed before fresh deliveries, so a backlog of new
work never makes a retry late. Outcomes are written back in a few statements per batch, each
guarded by the lease: a worker whose lease was taken over settles nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Q

from .domain import next_retry_delay
from .models import Delivery, DeliveryAttempt
from .routes import Outcome

PENDING = Delivery.Status.PENDING


def lease_is_free(now: datetime) -> Q:
    return Q(lease_until__isnull=True) | Q(lease_until__lt=now)


def lease_length() -> timedelta:
    return timedelta(seconds=settings.OUTBOX_LEASE_SECONDS)


_DUE_AND_FREE = """status = 'pending' AND next_attempt_at <= %(now)s
       AND (lease_until IS NULL OR lease_until < %(now)s)"""
_CLAIM_ON_POSTGRESQL = f"""
WITH retries AS (
    SELECT id, next_attempt_at FROM core_delivery WHERE attempts > 0 AND {_DUE_AND_FREE}
    ORDER BY next_attempt_at, id LIMIT %(limit)s FOR UPDATE SKIP LOCKED
), fresh AS (
    SELECT id, next_attempt_at FROM core_delivery WHERE attempts = 0 AND {_DUE_AND_FREE}
    ORDER BY next_attempt_at, id LIMIT %(limit)s FOR UPDATE SKIP LOCKED
), picked AS (
    SELECT id, 0 AS lane, next_attempt_at FROM retries
    UNION ALL SELECT id, 1 AS lane, next_attempt_at FROM fresh
    ORDER BY lane, next_attempt_at, id LIMIT %(limit)s
)
UPDATE core_delivery AS d SET lease_owner = %(owner)s, lease_until = %(until)s
FROM picked WHERE d.id = picked.id
RETURNING d.id, picked.lane, d.next_attempt_at
"""  # noqa: S608 - no user input: the fragment is a constant


def claim_due(*, owner: str, now: datetime, limit: int = 100) -> list[int]:
    """Lease up to `limit` due deliveries to `owner`: due retries first, then fresh ones, each
    in the order they fell due. Returns their ids in that order."""
    until = now + lease_length()
    if connection.vendor == "postgresql":
        with transaction.atomic(), connection.cursor() as cursor:
            params = {"now": now, "limit": limit, "owner": owner, "until": until}
            cursor.execute(_CLAIM_ON_POSTGRESQL, params)
            rows = cursor.fetchall()
        rows.sort(key=lambda row: (row[1], row[2], row[0]))
        return [row[0] for row in rows]
    return _claim_portably(owner=owner, now=now, until=until, limit=limit)


def _claim_portably(*, owner: str, now: datetime, until: datetime, limit: int) -> list[int]:
    """The same claim in three statements (SQLite has no SKIP LOCKED, and writes one at a time)."""
    due = Delivery.objects.filter(status=PENDING, next_attempt_at__lte=now).filter(
        lease_is_free(now)
    )
    ordered = ("next_attempt_at", "id")
    candidates = list(
        due.filter(attempts__gt=0).order_by(*ordered).values_list("pk", flat=True)[:limit]
    )
    if len(candidates) < limit:
        fresh = due.filter(attempts=0).order_by(*ordered).values_list("pk", flat=True)
        candidates += list(fresh[: limit - len(candidates)])
    Delivery.objects.filter(pk__in=candidates, status=PENDING).filter(lease_is_free(now)).update(
        lease_owner=owner, lease_until=until
    )
    ours = set(
        Delivery.objects.filter(pk__in=candidates, lease_owner=owner).values_list("pk", flat=True)
    )
    return [pk for pk in candidates if pk in ours]


def renew_leases(delivery_ids: Iterable[int], *, owner: str, now: datetime) -> None:
    """Extend the lease of the deliveries `owner` still holds (a lease that ran out is not
    renewed: another worker may have taken it over)."""
    Delivery.objects.filter(
        pk__in=list(delivery_ids), status=PENDING, lease_owner=owner, lease_until__gt=now
    ).update(lease_until=now + lease_length())


def postpone(delivery_ids: list[int], *, owner: str, until: datetime) -> None:
    """Give deliveries back, due at `until`, without counting a try (a target's breaker is open)."""
    Delivery.objects.filter(pk__in=delivery_ids, lease_owner=owner).update(
        next_attempt_at=until, lease_owner="", lease_until=None
    )


@dataclass(frozen=True)
class Try:
    """One try of one claimed delivery, as the log records it."""

    delivery_id: int
    attempts_before: int
    outcome: Outcome
    started_at: datetime
    duration_ms: int


def record_tries(tries: list[Try], *, owner: str, now: datetime) -> None:
    """Log every try and settle the deliveries `owner` still holds: one INSERT for the log, one
    UPDATE for the delivered ones, one for the failed ones.

    A try counts when it is recorded, not when it is claimed: a claim whose lease ran out before
    it was tried must not use up a retry.
    """
    if not tries:
        return
    released = {"lease_owner": "", "lease_until": None}
    with transaction.atomic():
        _log_tries(tries, owner=owner)
        ours = Delivery.objects.filter(lease_owner=owner, status=PENDING)
        delivered = [one.delivery_id for one in tries if one.outcome.succeeded]
        if delivered:
            ours.filter(pk__in=delivered).update(
                status=Delivery.Status.DELIVERED,
                delivered_at=now,
                attempts=F("attempts") + 1,
                **released,
            )
        failed = [_failed(one, now=now) for one in tries if not one.outcome.succeeded]
        if failed:
            fields = ["status", "attempts", "next_attempt_at", "last_error", *released]
            ours.bulk_update(failed, fields)


# Written out on PostgreSQL, as fan-out's INSERT is (core/outbox.py): the ORM's bulk INSERT
# cost more Python than the database's time for it, once per delivery on the hot path.
_INSERT_TRIES = """
INSERT INTO core_deliveryattempt
    (delivery_id, worker, started_at, duration_ms, succeeded, response_status, error)
SELECT delivery_id, %s, started_at, duration_ms, succeeded, response_status, error
FROM unnest(%s::bigint[], %s::timestamptz[], %s::integer[], %s::boolean[], %s::integer[],
            %s::text[])
    AS tried(delivery_id, started_at, duration_ms, succeeded, response_status, error)
"""


def _log_tries(tries: list[Try], *, owner: str) -> None:
    """One delivery-log row per try, in one INSERT."""
    if connection.vendor == "postgresql":
        columns = [
            [one.delivery_id for one in tries],
            [one.started_at for one in tries],
            [one.duration_ms for one in tries],
            [one.outcome.succeeded for one in tries],
            [one.outcome.response_status for one in tries],
            [one.outcome.error[:2000] for one in tries],
        ]
        with connection.cursor() as cursor:
            cursor.execute(_INSERT_TRIES, [owner, *columns])
        return
    DeliveryAttempt.objects.bulk_create(
        DeliveryAttempt(
            delivery_id=one.delivery_id,
            worker=owner,
            started_at=one.started_at,
            duration_ms=one.duration_ms,
            succeeded=one.outcome.succeeded,
            response_status=one.outcome.response_status,
            error=one.outcome.error[:2000],
        )
        for one in tries
    )


def _failed(one: Try, *, now: datetime) -> Delivery:
    attempts = one.attempts_before + 1
    delay = None if one.outcome.permanent else next_retry_delay(attempts)
    return Delivery(
        pk=one.delivery_id,
        status=PENDING if delay is not None else Delivery.Status.DEAD,
        attempts=attempts,
        next_attempt_at=now + delay if delay is not None else now,
        last_error=one.outcome.error,
        lease_owner="",
        lease_until=None,
    )
