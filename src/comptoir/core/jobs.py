"""Long jobs run by the worker in batches (catalogue imports, stock snapshots) share one rule
for who runs them: a runner takes a job with one conditional UPDATE and a lease, renewed by
each batch, so that two workers never run one job and a dead worker's job is taken over."""

from __future__ import annotations

from datetime import timedelta
from typing import TypeVar

from django.db.models import Q

from . import clock
from .models import LeasedJob

Job = TypeVar("Job", bound=LeasedJob)


def claim_leased_job(model: type[Job], *, job_id: int, runner: str, lease: timedelta) -> Job | None:
    """Take the job unless another live runner holds it."""
    now = clock.now()
    status = LeasedJob.Status
    free = Q(status=status.PENDING) | Q(status=status.RUNNING, lease_until__lt=now)
    claimed = model._default_manager.filter(free, pk=job_id).update(
        status=status.RUNNING, runner=runner, lease_until=now + lease
    )
    if not claimed:
        return None
    model._default_manager.filter(pk=job_id, started_at__isnull=True).update(started_at=now)
    return model._default_manager.get(pk=job_id)
