"""Sending events to webhook subscribers: signed with the reference Standard Webhooks library,
over keep-alive connections kept per subscriber.

`webhook_sends` runs on the worker's thread with the database: it reads the subscriptions and
their secrets in two queries for a whole batch and signs each body. The sends it returns run on
the outbox's send threads, without the database: each checks the address (`destinations`),
then POSTs through its subscriber's connection pool.
"""

from __future__ import annotations

import json
import threading
from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime

import urllib3
from django.conf import settings
from django.db.models import Q
from standardwebhooks.webhooks import Webhook

from comptoir.core import clock
from comptoir.core.routes import Event, Outcome, Send

from .destinations import check_delivery_address
from .domain import message_id_for
from .errors import InvalidWebhookUrl
from .models import WebhookSecret, WebhookSubscription


def webhook_sends(work: dict[int, tuple[int, Event]]) -> dict[int, Send]:
    """A send for each (subscription id, event) of `work`, under the same key.

    A deleted or disabled subscription gets a send that fails for good (dead-lettered at once,
    never retried): nobody is listening any more.
    """
    ids = {subscription_id for subscription_id, _ in work.values()}
    subscriptions = WebhookSubscription.objects.in_bulk(ids)
    signers = _signers_in_force(ids, now=clock.now())
    sends: dict[int, Send] = {}
    for key, (subscription_id, event) in work.items():
        subscription = subscriptions.get(subscription_id)
        if subscription is None:
            sends[key] = _gone("the subscription was deleted")
        elif not subscription.is_active:
            sends[key] = _gone("the subscription is disabled")
        else:
            sends[key] = _signed_post(subscription, signers[subscription_id], event)
    return sends


def _gone(why: str) -> Send:
    return lambda: Outcome(False, error=why, permanent=True)


def _signers_in_force(
    subscription_ids: Iterable[int], *, now: datetime
) -> dict[int, list[Webhook]]:
    """Per subscription, newest first: the current secret, then any rotated-out one still in
    its grace period (receivers that know either accept the message)."""
    signers: dict[int, list[Webhook]] = defaultdict(list)
    in_force = (
        WebhookSecret.objects.filter(subscription_id__in=list(subscription_ids))
        .filter(Q(retires_at__isnull=True) | Q(retires_at__gt=now))
        .order_by("-created_at", "-id")
        .values_list("subscription_id", "secret")
    )
    for subscription_id, secret in in_force:
        signers[subscription_id].append(Webhook(secret))
    return signers


def body_of(event: Event) -> bytes:
    return json.dumps(
        {
            "type": event.type,
            "timestamp": event.occurred_at.isoformat(),
            "data": {"aggregate": event.aggregate, **event.payload},
        },
        separators=(",", ":"),
        ensure_ascii=False,
    ).encode()


def _signed_post(subscription: WebhookSubscription, signers: list[Webhook], event: Event) -> Send:
    body = body_of(event)
    message_id = message_id_for(event.event_id.hex)
    sent_at = clock.now()
    headers = {
        "content-type": "application/json",
        "user-agent": "comptoir-webhooks/1",
        "webhook-id": message_id,
        "webhook-timestamp": str(int(sent_at.timestamp())),
        "webhook-signature": " ".join(
            signer.sign(msg_id=message_id, timestamp=sent_at, data=body) for signer in signers
        ),
    }
    url, subscription_id = subscription.url, subscription.pk
    return lambda: _post(subscription_id, url, body, headers)


def _post(subscription_id: int, url: str, body: bytes, headers: dict[str, str]) -> Outcome:
    """2xx is success; anything else, a refused address included, is a failed try."""
    try:
        check_delivery_address(url)
    except InvalidWebhookUrl as refused:
        return Outcome(False, error=f"address refused: {refused.detail}")
    try:
        pool, path = _pool_for(subscription_id, url)
        response = pool.urlopen(
            "POST", path, body=body, headers=headers, redirect=False, retries=False
        )
    except urllib3.exceptions.HTTPError as error:
        return Outcome(False, error=f"{type(error).__name__}: {error}")
    if 200 <= response.status < 300:
        return Outcome(True, response_status=response.status)
    text = response.data[:500].decode("utf-8", "replace")
    return Outcome(False, response_status=response.status, error=text or "non-2xx")


_pools_lock = threading.Lock()
_pools: dict[tuple[int, str], tuple[urllib3.HTTPConnectionPool, str]] = {}


def _pool_for(subscription_id: int, url: str) -> tuple[urllib3.HTTPConnectionPool, str]:
    """One pool of keep-alive HTTP/1.1 connections per subscriber and URL for the process's
    life (a URL changed by the integrator gets a pool of its own), and the path to ask it.
    urllib3 rather than httpx: on the worker's hot path it costs about a third of the CPU
    per POST."""
    key = (subscription_id, url)
    with _pools_lock:
        if key not in _pools:
            pool = urllib3.connection_from_url(
                url,
                maxsize=settings.OUTBOX_MAX_IN_FLIGHT_PER_TARGET,
                block=True,  # never more connections than sends in flight
                timeout=urllib3.Timeout(total=settings.WEBHOOK_TIMEOUT_SECONDS),
            )
            _pools[key] = (pool, urllib3.util.parse_url(url).request_uri)
        return _pools[key]
