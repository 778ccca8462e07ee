"""The store's task list: set aside, hand over against the pickup code, not found, ship."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from comptoir.core.errors import DomainError
from comptoir.fulfilment import services
from comptoir.fulfilment.selectors import task_actions, task_by_id, tasks_at
from comptoir.locations.selectors import location_by_code
from comptoir.orders.selectors import due_at_the_till, open_lines
from comptoir.orders.services.till_offline import short_of_sale

from ..access import staff_actor
from ..plain_words import plain_words

WORK = "fulfilment.work"
# How a reserve & collect order is paid at the till: the handover records it as the payment.
TENDERS = (
    ("cash", gettext_lazy("Cash")),
    ("store_card", gettext_lazy("Card, on the store's terminal")),
)


def task_list(request: HttpRequest, code: str) -> HttpResponse:
    store = location_by_code(code=code)
    staff_actor(request, WORK, store_id=store.pk)
    tasks = [
        _task_card(task, store.pk)
        for task in tasks_at(location_id=store.pk, statuses=["open", "ready"])[:100]
    ]
    return render(
        request, "web/associate/tasks.html", {"store": store, "tasks": tasks, "tenders": TENDERS}
    )


def _task_card(task: Any, location_id: int) -> dict[str, Any]:
    """A task with its lines; a paid-at-pickup order also says what the till takes."""
    due = due_at_the_till(task.order_id) if task.status == "ready" else None
    if task.kind == "recount":  # sold offline, not free here: the units to look for (ADR 0043)
        lines: Any = [{"sku": sku, "quantity": n} for sku, n in short_of_sale(task.order).items()]
    else:
        lines = open_lines(task.order_id, location_id=location_id)
    return {
        "task": task,
        "lines": lines,
        "actions": task_actions(task),
        "paid_at_till": due is not None,
        "due": due,
    }


@require_POST
def act(request: HttpRequest, code: str, task_id: int, action: str) -> HttpResponse:
    """One step of a task; a refusal (a wrong pickup code...) is said on the list, nothing
    changes."""
    store = location_by_code(code=code)
    task = task_by_id(task_id)
    actor = staff_actor(request, WORK, store_id=task.location_id)
    if task.location_id != store.pk:
        return redirect("associate:tasks", code=task.location.code)
    try:
        done = _do(action, task, request.POST, actor.caller_key)
    except DomainError as error:
        messages.error(request, plain_words(error)[0])
    else:
        messages.success(request, done)
    return redirect("associate:tasks", code=code)


def _do(action: str, task: Any, form: Any, actor: str) -> str:
    reference = task.order.reference
    if action == "ready":
        services.mark_ready(task_id=task.pk)
        return _("%(ref)s is set aside; the customer is told.") % {"ref": reference}
    if action == "handover":
        services.hand_over(
            task_id=task.pk,
            pickup_code=form.get("pickup_code", ""),
            tender=form.get("tender") or None,
            actor=actor,
        )
        return _("%(ref)s is handed over.") % {"ref": reference}
    if action == "not-found":
        lines = [
            line.line_number for line in open_lines(task.order_id, location_id=task.location_id)
        ]
        services.report_not_found(task_id=task.pk, line_numbers=lines, actor=actor)
        return _("%(ref)s: not found reported; the order is sourced again.") % {"ref": reference}
    if action == "checked":
        services.mark_shelf_checked(task_id=task.pk)
        return _("%(ref)s: the shelf is checked.") % {"ref": reference}
    services.dispatch(task_id=task.pk, actor=actor)
    return _("%(ref)s is dispatched.") % {"ref": reference}
