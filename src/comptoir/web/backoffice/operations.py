"""Orders and the exceptions queue: what operations act on, through the orders and shipping
apps' own selectors and services."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from comptoir.core.errors import DomainError
from comptoir.orders.selectors import order_list
from comptoir.shipping.domain.alerts import SEVERITY
from comptoir.shipping.selectors import access_alert_by_id, alert_list, incident_statuses
from comptoir.shipping.services.alerts import assign_alert, resolve_alert

from ..access import staff_actor
from ..plain_words import plain_words

PAGE_SIZE = 50
ALERT_KINDS = [kind.value for kind in reversed(SEVERITY)]  # strongest first


def orders(request: HttpRequest) -> HttpResponse:
    actor = staff_actor(request, "orders.read")
    status = request.GET.get("status") or None
    mode = request.GET.get("mode") or None
    reference = request.GET.get("reference", "").strip()[:40] or None
    found = order_list(status=status, mode=mode, reference=reference, store_ids=actor.store_ids)
    rows = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "orders": rows,
        "status": status or "",
        "mode": mode or "",
        "reference": reference or "",
    }
    return render(request, "web/backoffice/orders.html", context)


def with_history(incidents: Iterable[Any]) -> list[Any]:
    """Each incident with `steps`: its history's kinds and times, for the cards to show."""
    shown = list(incidents)
    for incident in shown:
        incident.steps = [  # type: ignore[attr-defined]
            {"kind": entry["kind"], "at": datetime.fromisoformat(entry["at"])}
            for entry in incident.history
        ]
    return shown


def alerts(request: HttpRequest) -> HttpResponse:
    """The exceptions queue, one card per parcel incident: open ones oldest first (those a
    person resolved with ?status=resolved, those the parcel closed with ?status=closed)."""
    actor = staff_actor(request, "shipping.read")
    status = request.GET.get("status", "")
    status = status if status in incident_statuses() else "open"
    kind = request.GET.get("kind") if request.GET.get("kind") in ALERT_KINDS else None
    found = alert_list(status=status, kind=kind, store_ids=actor.store_ids).order_by(
        "raised_at", "pk"
    )
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = with_history(page.object_list)
    context: dict[str, Any] = {
        "alerts": page,
        "status": status,
        "kind": kind or "",
        "kinds": ALERT_KINDS,
    }
    return render(request, "web/backoffice/alerts.html", context)


@require_POST
def act_on_alert(request: HttpRequest, alert_id: int, action: str) -> HttpResponse:
    """Take an alert (assign it to me) or resolve it with what was done."""
    actor = staff_actor(request, "shipping.manage")
    # Outside the try: another store's alert is a plain refusal (403), not a flash message.
    access_alert_by_id(actor, alert_id, permission="shipping.manage")
    try:
        if action == "take":
            assign_alert(alert_id=alert_id, assignee_id=actor.user_id)
            messages.success(request, _("The alert is yours."))
        else:
            resolution = request.POST.get("resolution", "").strip()
            if not resolution:
                messages.error(request, _("Say what was done before resolving the alert."))
            else:
                resolve_alert(alert_id=alert_id, resolution=resolution)
                messages.success(request, _("Alert resolved."))
    except DomainError as error:
        messages.error(request, plain_words(error)[0])
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, {request.get_host()}):
        back = "backoffice:alerts"
    return redirect(back)
