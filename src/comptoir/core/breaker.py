"""A circuit breaker per remote target, shared by every worker through the database.

After `OUTBOX_BREAKER_FAILURES` failed tries in a row a target is *open*: its due deliveries
are pushed to the end of the cool-down without using up a try, so that one dead endpoint holds
no worker thread and no connection the others need. When the cool-down is over, the first
worker to claim the probe (a conditional UPDATE) sends one delivery; its outcome closes the
breaker or opens it for another cool-down. Meanwhile the target's other deliveries wait a
moment at a time.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import F, Q

from .claims import PENDING, lease_is_free, lease_length
from .models import Delivery, DeliveryTarget

# How long the other deliveries of a half-open target wait for the probe's answer, per round.
PROBE_WAIT = timedelta(seconds=1)


def cool_down() -> timedelta:
    return timedelta(seconds=settings.OUTBOX_BREAKER_COOLDOWN_SECONDS)


@dataclass
class Screening:
    """Which targets of a batch may be tried now."""

    probes: set[str] = field(default_factory=set)  # half-open: one delivery each, the probe
    waits: dict[str, datetime] = field(default_factory=dict)  # target -> due again at
    failing: set[str] = field(default_factory=set)  # closed, with failures counted


def screen(targets: Iterable[str], *, now: datetime) -> Screening:
    """Sort a batch's remote targets into closed, probing and waiting."""
    screening = Screening()
    counted = DeliveryTarget.objects.filter(target__in=list(targets), consecutive_failures__gt=0)
    for target, open_until in counted.values_list("target", "open_until"):
        if open_until is None:
            screening.failing.add(target)
        elif open_until > now:
            screening.waits[target] = open_until
        elif _take_the_probe(target, now=now):
            screening.probes.add(target)
        else:
            screening.waits[target] = now + PROBE_WAIT
    return screening


def _take_the_probe(target: str, *, now: datetime) -> bool:
    free = Q(probe_until__isnull=True) | Q(probe_until__lt=now)
    return bool(
        DeliveryTarget.objects.filter(target=target, open_until__lte=now)
        .filter(free)
        .update(probe_until=now + lease_length())
    )


def record_results(results: dict[str, list[bool]], *, screening: Screening, now: datetime) -> None:
    """Count each target's successes and failures of a batch; open, close or keep the breaker.

    `results` holds, per remote target, whether each try succeeded (permanent failures, which
    say nothing of the endpoint, left out).
    """
    probes = screening.probes
    for target in probes & results.keys():
        _settle_probe(target, succeeded=any(results[target]), now=now)
    counted = {target: tries for target, tries in results.items() if target not in probes}
    recovered = [t for t, tries in counted.items() if any(tries) and t in screening.failing]
    if recovered:
        DeliveryTarget.objects.filter(
            target__in=recovered, consecutive_failures__gt=0, open_until__isnull=True
        ).update(consecutive_failures=0)
    for target, tries in counted.items():
        if tries and not any(tries):
            _count_failures(target, len(tries), now=now)


def _settle_probe(target: str, *, succeeded: bool, now: datetime) -> None:
    row = DeliveryTarget.objects.filter(target=target)
    if succeeded:
        row.update(consecutive_failures=0, open_until=None, probe_until=None)
    else:
        _open(target, now=now)


def _count_failures(target: str, failures: int, *, now: datetime) -> None:
    DeliveryTarget.objects.bulk_create([DeliveryTarget(target=target)], ignore_conflicts=True)
    row = DeliveryTarget.objects.filter(target=target)
    row.update(consecutive_failures=F("consecutive_failures") + failures)
    tripped = row.filter(
        consecutive_failures__gte=settings.OUTBOX_BREAKER_FAILURES, open_until__isnull=True
    )
    if tripped.exists():
        _open(target, now=now)


def _open(target: str, *, now: datetime) -> None:
    """Open the breaker, and move the target's pending deliveries past the cool-down (those
    leased by another worker are moved when that worker screens its batch)."""
    until = now + cool_down()
    DeliveryTarget.objects.filter(target=target).update(open_until=until, probe_until=None)
    Delivery.objects.filter(target=target, status=PENDING, next_attempt_at__lt=until).filter(
        lease_is_free(now)
    ).update(next_attempt_at=until)
