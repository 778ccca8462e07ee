"""Tell customers before they ask: one message per event and channel, in their language,
within their consent and preferences, recorded in the message log and on their timeline."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.mail import EmailMessage
from django.core.mail.message import make_msgid
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string

from comptoir.core import clock
from comptoir.core.outbox import Event
from comptoir.core.words import spoken_amount, spoken_date
from comptoir.customers.errors import CustomerNotFound
from comptoir.customers.selectors import ContactDetails, contact_details, may_use
from comptoir.customers.services import add_to_timeline
from comptoir.locations.selectors import location_list
from comptoir.shipping.selectors import carrier_by_code

from .domain import CONSENT_PURPOSE, EMAIL, SMS, is_worth_sending
from .events import MESSAGE_KIND_FOR
from .models import ChannelPreference, MessageLog
from .selectors import channel_preference
from .sms import sms_gateway


def _store_name(location_id: int | None) -> str:
    if location_id is None:
        return ""
    return location_list().filter(pk=location_id).values_list("name", flat=True).first() or ""


def _when(value: str | None, *, language: str) -> str:
    if not value:
        return ""
    moment = datetime.fromisoformat(value)
    if isinstance(moment, datetime) and moment.tzinfo is not None:
        local = moment.astimezone(ZoneInfo(settings.TIME_ZONE))
        return f"{spoken_date(local.date(), language=language)} {local:%H:%M}"
    return spoken_date(date.fromisoformat(value), language=language)


def message_context(payload: dict[str, Any], contact: ContactDetails) -> dict[str, Any]:
    language = contact.language
    carrier = payload.get("carrier")
    return {
        "brand": settings.BRAND_NAME,
        "first_name": contact.first_name,
        "order_reference": payload.get("order_reference") or payload.get("shipment_reference", ""),
        "amount": spoken_amount(
            str(payload.get("amount") or payload.get("total") or ""),
            payload.get("currency", "EUR"),
            language=language,
        ),
        "store_name": _store_name(payload.get("location_id")),
        "pickup_code": payload.get("pickup_code", ""),
        "collect_by": _when(payload.get("collect_by"), language=language),
        "promised_by": _when(payload.get("promised_by"), language=language),
        "new_date": _when(payload.get("new_date"), language=language),
        "carrier": carrier_by_code(code=carrier).name if carrier else "",
        "tracking_url": f"{settings.PUBLIC_BASE_URL}/track/{payload['tracking_token']}"
        if payload.get("tracking_token")
        else "",
        "payment_link": payload.get("payment_link", ""),
        **_receipt(payload, language),
    }


def _receipt(payload: dict[str, Any], language: str) -> dict[str, Any]:
    """A till sale's receipt: each line and each tender, said in the customer's language."""
    if "lines" not in payload or "cash" not in payload:
        return {}
    currency = payload.get("currency", "EUR")

    def said(amount: Any) -> str:
        return spoken_amount(str(amount), currency, language=language)

    return {
        "receipt_lines": [
            {
                "quantity": line["quantity"],
                "name": line.get("name") or line["sku"],
                "sku": line["sku"],
                "amount": said(line["amount"]),
            }
            for line in payload["lines"]
        ],
        "card": said(payload["card"]) if Decimal(payload["card"]) else "",
        "cash": said(payload["cash_given"]) if Decimal(payload["cash"]) else "",
        "change": said(payload["change"]) if Decimal(payload["change"]) else "",
    }


def _why_not(channel: str, contact: ContactDetails) -> str:
    preference = channel_preference(customer_id=contact.customer_id)
    wants = getattr(preference, channel) if preference else channel == EMAIL
    if not wants:
        return f"the customer prefers no {channel}"
    # Order updates are part of the contract: asked at the moment of sending, they go unless
    # the customer opted out (customers.domain.OPT_OUT_PURPOSES). No marketing goes from here.
    if not may_use(customer_id=contact.customer_id, purpose=CONSENT_PURPOSE[channel]):
        return f"opted out of {CONSENT_PURPOSE[channel]}"
    if not (contact.email if channel == EMAIL else contact.phone):
        return f"no {'email address' if channel == EMAIL else 'phone number'}"
    return ""


def _deliver(
    channel: str, kind: str, contact: ContactDetails, context: dict[str, Any], *, message_id: str
) -> tuple[str, str]:
    """Send it; returns (subject or text, provider id). Raises if the server refused it.
    An email goes under `message_id`, the same on every try of this message."""
    name = f"{kind}.{contact.language}.txt"
    if channel == EMAIL:
        subject, _, body = render_to_string(f"notifications/email/{name}", context).partition("\n")
        message = EmailMessage(
            subject=subject.strip(), body=body.strip() + "\n", to=[contact.email]
        )
        message.extra_headers["Content-Language"] = contact.language
        message.extra_headers["Message-ID"] = message_id
        message.send(fail_silently=False)
        return subject.strip(), message_id
    text = render_to_string(f"notifications/sms/{name}", context).strip()
    return text[:200], sms_gateway().send(to=contact.phone or "", text=text)


def _record_intent(
    event: Event,
    channel: str,
    kind: str,
    contact: ContactDetails | None,
    reason: str,
    now: datetime,
) -> MessageLog | None:
    """The message's row, committed before anything is sent: `skipped` with its reason, or
    `sending` with the Message-ID it will go under. An existing `sending` row is a try that
    ended before its outcome was recorded: it is returned, to be sent again under its id.
    None when the event already went (or was skipped) on this channel."""
    try:
        with transaction.atomic():
            return MessageLog.objects.create(
                event_id=event.event_id,
                channel=channel,
                customer_id=contact.customer_id if contact else None,
                kind=kind,
                language=contact.language if contact else "",
                status=MessageLog.Status.SKIPPED if reason else MessageLog.Status.SENDING,
                reason=reason,
                message_id="" if reason else make_msgid(domain="comptoir.local"),
                created_at=now,
            )
    except IntegrityError:
        return MessageLog.objects.filter(
            event_id=event.event_id, channel=channel, status=MessageLog.Status.SENDING
        ).first()


def _record_sent(
    *, log: MessageLog, subject: str, provider_id: str, event: Event, now: datetime
) -> None:
    """The provider took it: the log says so and the timeline shows it, together."""
    with transaction.atomic():
        MessageLog.objects.filter(pk=log.pk).update(
            status=MessageLog.Status.SENT, subject=subject[:200], provider_id=provider_id[:100]
        )
        if log.customer_id is not None:
            add_to_timeline(
                customer_id=log.customer_id,
                event_id=uuid.uuid5(event.event_id, log.channel),
                kind=f"message.{log.kind}",
                channel=log.channel,
                summary=subject[:200],
                occurred_at=now,
                # What the associate's timeline says the message was about.
                details={
                    key: event.payload[key] for key in ("order_reference",) if key in event.payload
                },
            )


def notify(*, event: Event, channel: str, now: datetime | None = None) -> MessageLog | None:
    """Send the message `event` calls for through `channel`, at most once per event and
    channel. None if it was sent or skipped already. A refused send raises, so the outbox
    retries it later.

    No database transaction is open while the mail server or the SMS gateway is called (a
    slow server must not hold the database, on SQLite its one write lock): the message is
    recorded as `sending` with its Message-ID and committed, then sent, then recorded as
    `sent` with its timeline entry. A crash in between leaves `sending`, and the outbox's
    retry sends it again under the same Message-ID: a mailbox that already had it keeps
    one email. Run it outside any transaction (`wiring.deliver` does for this handler)."""
    now = now or clock.now()
    kind = MESSAGE_KIND_FOR[event.type]
    payload = event.payload
    reason = is_worth_sending(kind, payload)
    contact = None
    if not reason:
        try:
            contact = contact_details(customer_id=payload["customer_id"])
        except CustomerNotFound:
            reason = "no such customer"
    if contact is not None and not reason:
        reason = _why_not(channel, contact)
    log = _record_intent(event, channel, kind, contact, reason, now)
    if log is None or log.status == MessageLog.Status.SKIPPED or contact is None:
        return log
    if reason:  # a retry, and the customer opted out meanwhile
        MessageLog.objects.filter(pk=log.pk).update(status=MessageLog.Status.SKIPPED, reason=reason)
        return log
    subject, provider_id = _deliver(
        channel, kind, contact, message_context(payload, contact), message_id=log.message_id
    )
    _record_sent(log=log, subject=subject, provider_id=provider_id, event=event, now=now)
    log.status = MessageLog.Status.SENT
    return log


def set_channel_preferences(*, customer_id: int, email: bool, sms: bool) -> ChannelPreference:
    """Which channels the customer wants order updates on (consent is still needed)."""
    preference, _ = ChannelPreference.objects.update_or_create(
        customer_id=customer_id, defaults={"email": email, "sms": sms, "updated_at": clock.now()}
    )
    return preference


__all__ = ["SMS", "leave_untold", "notify", "set_channel_preferences"]


def move_messages_to_survivor(*, survivor_id: int, merged_id: int) -> int:
    """The merged profile's message log follows it; its channel choices too, unless the
    surviving profile made its own. Idempotent."""
    with transaction.atomic():
        if not ChannelPreference.objects.filter(customer_id=survivor_id).exists():
            ChannelPreference.objects.filter(customer_id=merged_id).update(customer_id=survivor_id)
        return MessageLog.objects.filter(customer_id=merged_id).update(customer_id=survivor_id)


def leave_untold(*, events: Iterable[Event], reason: str, now: datetime | None = None) -> int:
    """Record the messages these events call for as `skipped` with `reason`, on every
    channel, without sending anything: for a past that is loaded, not lived (the demo's
    months of orders), whose news nobody should receive today. The outbox still delivers
    the events to `notify`, which finds their rows and sends nothing, so its guarantees
    hold. Idempotent; returns how many rows it wrote."""
    now = now or clock.now()
    rows = [
        MessageLog(
            event_id=event.event_id,
            channel=channel,
            customer_id=event.payload.get("customer_id"),
            kind=MESSAGE_KIND_FOR[event.type],
            language="",
            status=MessageLog.Status.SKIPPED,
            reason=reason[:80],
            created_at=now,
        )
        for event in events
        if event.type in MESSAGE_KIND_FOR
        for channel in (EMAIL, SMS)
    ]
    before = MessageLog.objects.count()
    MessageLog.objects.bulk_create(rows, ignore_conflicts=True, batch_size=500)
    return MessageLog.objects.count() - before
