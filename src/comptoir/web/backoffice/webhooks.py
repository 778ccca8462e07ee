"""The webhooks pages: subscriptions with their status, a form to add one (its secret shown
once), pause, resume, delete, rotate, ping, and each subscription's delivery log with replays.

Everything goes through the integrations app's services, which apply the same rules as the
API. A new secret is shown in the answer to the POST that made it, never through the session
(flash messages live in a cookie or the session store).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from comptoir.core.errors import DomainError
from comptoir.integrations.events import ALL_EVENTS, published_event_types
from comptoir.integrations.selectors import deliveries_of, subscription_by_id, subscription_list
from comptoir.integrations.services import (
    delete_webhook,
    disable_webhook,
    enable_webhook,
    ping_webhook,
    replay_webhook_delivery,
    rotate_webhook_secret,
    subscribe_webhook,
)

from ..access import staff_actor
from ..plain_words import plain_words

MANAGE = "webhooks.manage"
PAGE_SIZE = 50
CONFIRMED_ACTIONS = {"disable": disable_webhook, "delete": delete_webhook}


class SubscriptionForm(forms.Form):
    refusal_detail = ""
    url = forms.CharField(
        label=gettext_lazy("Receiver address (https)"),
        max_length=500,
        widget=forms.URLInput(attrs={"placeholder": "https://crm.example.com/hooks/comptoir"}),
    )
    event_types = forms.MultipleChoiceField(
        label=gettext_lazy("Events to send"),
        help_text=gettext_lazy("Hold Ctrl (or ⌘) to choose several."),
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    description = forms.CharField(label=gettext_lazy("Description"), max_length=200, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        every = [(ALL_EVENTS, _("Every event"))]
        self.fields["event_types"].choices = every + [(t, t) for t in published_event_types()]
        self.fields["event_types"].initial = [ALL_EVENTS]

    def show_refusal(self, error: DomainError) -> None:
        """Put a service's refusal on the field it names (url or event_types). A translated
        message is general; the service's own English detail says exactly what was wrong."""
        message, translated = plain_words(error)
        named = [e["field"] for e in error.errors if e.get("field") in self.fields]
        for field in named or [None]:
            self.add_error(field, message)
        self.refusal_detail = error.detail if translated else ""


def _list_page(request: HttpRequest, form: SubscriptionForm, **context: Any) -> HttpResponse:
    context = {"subscriptions": subscription_list(), "form": form, **context}
    return render(request, "web/backoffice/webhooks.html", context)


def webhooks(request: HttpRequest) -> HttpResponse:
    """GET: the subscriptions and the form. POST: subscribe, then show the secret once."""
    staff_actor(request, MANAGE)
    if request.method != "POST":
        return _list_page(request, SubscriptionForm())
    form = SubscriptionForm(request.POST)
    if not form.is_valid():
        return _list_page(request, form)
    try:
        subscription, secret = subscribe_webhook(**form.cleaned_data)
    except DomainError as error:
        form.show_refusal(error)
        return _list_page(request, form)
    return _list_page(request, SubscriptionForm(), created=subscription, secret=secret)


def _detail_page(request: HttpRequest, subscription_id: int, **context: Any) -> HttpResponse:
    subscription = subscription_by_id(subscription_id=subscription_id)
    deliveries = deliveries_of(subscription_id=subscription_id).order_by("-pk")
    context = {
        "subscription": subscription,
        "deliveries": Paginator(deliveries, PAGE_SIZE).get_page(request.GET.get("page")),
        **context,
    }
    return render(request, "web/backoffice/webhook.html", context)


def webhook(request: HttpRequest, subscription_id: int) -> HttpResponse:
    """One subscription: its status, what can be done to it, and its delivery log."""
    staff_actor(request, MANAGE)
    return _detail_page(request, subscription_id)


def _done(request: HttpRequest, subscription_id: int, run: Any, success: str) -> HttpResponse:
    try:
        run()
    except DomainError as error:
        messages.error(request, plain_words(error)[0])
    else:
        messages.success(request, success)
    return redirect("backoffice:webhook", subscription_id)


@require_POST
def act_on_webhook(request: HttpRequest, subscription_id: int, action: str) -> HttpResponse:
    """Enable, ping or rotate at once; rotating shows the new secret in this answer only."""
    staff_actor(request, MANAGE)
    if action == "rotate":
        secret = rotate_webhook_secret(subscription_id=subscription_id)
        return _detail_page(request, subscription_id, secret=secret)
    if action == "ping":
        return _done(
            request,
            subscription_id,
            lambda: ping_webhook(subscription_id=subscription_id),
            _("Test ping sent: it shows in the delivery log below."),
        )
    return _done(
        request,
        subscription_id,
        lambda: enable_webhook(subscription_id=subscription_id),
        _("Enabled: new events will be sent again."),
    )


def confirm_webhook_action(request: HttpRequest, subscription_id: int, action: str) -> HttpResponse:
    """Disable or delete: GET asks to confirm, POST does it."""
    staff_actor(request, MANAGE)
    subscription = subscription_by_id(subscription_id=subscription_id)
    if request.method != "POST":
        context = {"subscription": subscription, "action": action}
        return render(request, "web/backoffice/webhook_confirm.html", context)
    CONFIRMED_ACTIONS[action](subscription_id=subscription_id)
    if action == "delete":
        messages.success(request, _("Webhook deleted: nothing more will be sent to it."))
        return redirect("backoffice:webhooks")
    messages.success(request, _("Disabled: nothing more is sent; pending deliveries stopped."))
    return redirect("backoffice:webhook", subscription_id)


@require_POST
def replay_delivery(request: HttpRequest, subscription_id: int, delivery_id: int) -> HttpResponse:
    staff_actor(request, MANAGE)
    return _done(
        request,
        subscription_id,
        lambda: replay_webhook_delivery(delivery_id=delivery_id, subscription_id=subscription_id),
        _("Sent again, with the same webhook-id."),
    )
