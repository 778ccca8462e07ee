"""Reads for the store's task list."""

from __future__ import annotations

from django.db.models import QuerySet

from .errors import TaskNotFound
from .models import StoreTask


def tasks_at(*, location_id: int, statuses: list[str]) -> QuerySet[StoreTask]:
    return (
        StoreTask.objects.filter(location_id=location_id, status__in=statuses)
        .select_related("order", "location")
        .order_by("deadline", "id")
    )


def task_by_id(task_id: int) -> StoreTask:
    task = StoreTask.objects.select_related("order", "location").filter(pk=task_id).first()
    if task is None:
        raise TaskNotFound("No such store task.")
    return task
