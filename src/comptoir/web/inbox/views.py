"""The agent's service inbox: the queue by team and status with the time left to answer,
and a conversation with its thread, the customer panel and the reply form. Rules live in
the service app; these views parse, call one selector or service, and render."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from comptoir.core import clock
from comptoir.core.errors import DomainError
from comptoir.service.domain import ConversationStatus
from comptoir.service.selectors import (
    CANNED_ANSWERS,
    access_conversation_by_id,
    breach_count,
    canned_answer,
    customer_panel,
    inbox,
    teams,
    thread_of,
)
from comptoir.service.services import assign_conversation, set_status, write_reply

from ..access import staff_actor
from ..plain_words import plain_words

PAGE_SIZE = 50
STATUSES = [status.value for status in ConversationStatus]


def _duration(span: timedelta) -> str:
    minutes = int(span.total_seconds() // 60)
    if minutes >= 24 * 60:
        return _("%(days)d d %(hours)d h") % {
            "days": minutes // 1440,
            "hours": minutes % 1440 // 60,
        }
    return _("%(hours)d h %(minutes)02d min") % {"hours": minutes // 60, "minutes": minutes % 60}


def time_left(due: datetime | None, now: datetime) -> dict[str, Any]:
    """What the queue says of an answer's due time: how long is left, or how late it is."""
    if due is None:
        return {"text": "", "late": False}
    if due < now:
        return {"text": _("late by %(time)s") % {"time": _duration(now - due)}, "late": True}
    return {"text": _("%(time)s left") % {"time": _duration(due - now)}, "late": False}


def inbox_list(request: HttpRequest) -> HttpResponse:
    actor = staff_actor(request, "service.read")
    status = request.GET.get("status", "open")
    status = status if status in STATUSES else ""
    team = request.GET.get("team", "")[:40]
    rows = Paginator(
        inbox(status=status or None, team_code=team or None, store_ids=actor.store_ids), PAGE_SIZE
    ).get_page(request.GET.get("page"))
    now = clock.now()
    for row in rows:
        row.left = time_left(row.sla_due_at, now)
    context = {
        "conversations": rows,
        "statuses": STATUSES,
        "status": status,
        "teams": teams(),
        "team": team,
        "breaches": breach_count(store_ids=actor.store_ids),
    }
    return render(request, "web/inbox/list.html", context)


def _conversation_page(
    request: HttpRequest, conversation: Any, *, draft: str, error: str = "", status: int = 200
) -> HttpResponse:
    context = {
        "conversation": conversation,
        "thread": thread_of(conversation_id=conversation.pk),
        "panel": customer_panel(conversation),
        "left": time_left(conversation.sla_due_at, clock.now()),
        "canned": CANNED_ANSWERS,
        "draft": draft,
        "error": error,
        "statuses": STATUSES,
    }
    return render(request, "web/inbox/conversation.html", context, status=status)


def conversation(request: HttpRequest, conversation_id: int) -> HttpResponse:
    actor = staff_actor(request, "service.read")
    found = access_conversation_by_id(actor, conversation_id, permission="service.read")
    answer = request.GET.get("answer", "")
    draft = canned_answer(kind=answer, conversation=found) if answer in CANNED_ANSWERS else ""
    return _conversation_page(request, found, draft=draft)


@require_POST
def reply(request: HttpRequest, conversation_id: int) -> HttpResponse:
    actor = staff_actor(request, "service.write")
    found = access_conversation_by_id(actor, conversation_id, permission="service.write")
    body = request.POST.get("body", "")[:10_000]
    try:
        write_reply(conversation_id=found.pk, body=body, author_id=actor.user_id)
    except DomainError as refused:
        return _conversation_page(
            request, found, draft=body, error=plain_words(refused)[0], status=422
        )
    messages.success(
        request, _("Your answer is on its way to %(address)s.") % {"address": found.contact_address}
    )
    return redirect("inbox:conversation", conversation_id=found.pk)


@require_POST
def change_status(request: HttpRequest, conversation_id: int) -> HttpResponse:
    actor = staff_actor(request, "service.write")
    found = access_conversation_by_id(actor, conversation_id, permission="service.write")
    wanted = request.POST.get("status", "")
    if wanted in STATUSES:
        set_status(conversation_id=found.pk, status=wanted)
    return redirect("inbox:conversation", conversation_id=found.pk)


@require_POST
def take(request: HttpRequest, conversation_id: int) -> HttpResponse:
    """The agent takes the conversation: it is theirs to answer."""
    actor = staff_actor(request, "service.write")
    found = access_conversation_by_id(actor, conversation_id, permission="service.write")
    assign_conversation(conversation_id=found.pk, assignee_id=actor.user_id)
    return redirect("inbox:conversation", conversation_id=found.pk)
