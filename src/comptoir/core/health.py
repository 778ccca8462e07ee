"""What /healthz reports: can we reach the database and the queue, and is the outbox moving."""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.db.models import Min
from huey.contrib.djhuey import HUEY

from . import clock
from .models import Delivery, OutboxEvent


def health_report() -> dict[str, Any]:
    report: dict[str, Any] = {"database": _check_database(), "queue": _check_queue()}
    if report["database"]["ok"]:
        report["outbox"] = _outbox_backlog()
    report["ok"] = report["database"]["ok"] and report["queue"]["ok"]
    return report


def _check_database() -> dict[str, Any]:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as error:
        return {"ok": False, "vendor": connection.vendor, "error": type(error).__name__}
    return {"ok": True, "vendor": connection.vendor}


def _check_queue() -> dict[str, Any]:
    try:
        size = HUEY.pending_count()
    except Exception as error:
        return {"ok": False, "backend": type(HUEY).__name__, "error": type(error).__name__}
    return {"ok": True, "backend": type(HUEY).__name__, "pending_tasks": size}


def _outbox_backlog() -> dict[str, Any]:
    oldest = OutboxEvent.objects.filter(fanned_out_at__isnull=True).aggregate(at=Min("occurred_at"))
    pending = Delivery.objects.filter(status=Delivery.Status.PENDING)
    oldest_at = oldest["at"]
    return {
        "events_waiting": OutboxEvent.objects.filter(fanned_out_at__isnull=True).count(),
        "oldest_waiting_seconds": int((clock.now() - oldest_at).total_seconds())
        if oldest_at
        else 0,
        "deliveries_pending": pending.count(),
        "deliveries_dead": Delivery.objects.filter(status=Delivery.Status.DEAD).count(),
    }
