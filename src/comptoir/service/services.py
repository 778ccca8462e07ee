"""Write use cases of the service inbox: a message comes in, an agent answers, an answer
is overdue. Each change commits with its outbox event; mail goes out after the commit."""

from __future__ import annotations

import hmac
import logging
from dataclasses import replace
from datetime import datetime, timedelta
from email.utils import parseaddr
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.core.mail.message import make_msgid
from django.db import IntegrityError, transaction

from comptoir.core import clock
from comptoir.core.outbox import record_event
from comptoir.customers.selectors import customer_id_by_identity
from comptoir.orders.errors import OrderNotFound
from comptoir.orders.selectors import order_by_reference
from comptoir.shipping.selectors import shipments_of_order

from . import events
from .domain import (
    EMAIL,
    ConversationStatus,
    Direction,
    InboundEmail,
    ServiceHours,
    answer_due,
    bare_message_id,
    is_wismo,
    order_references_in,
)
from .errors import EmptyReply, InboundSecretRefused, UnreadableMessage
from .models import Conversation, Message, Team
from .selectors import (
    breaches_due,
    conversation_answered_by,
    last_inbound_of,
    message_by_message_id,
    reply_to_send,
    thread_of,
)

logger = logging.getLogger(__name__)

CALL_CENTRE = "call-centre"


def answer_within() -> timedelta:
    """How long the team has to answer (SERVICE_ANSWER_WITHIN_HOURS working hours)."""
    return timedelta(hours=settings.SERVICE_ANSWER_WITHIN_HOURS)


def call_centre_team() -> Team:
    """The team inbound mail goes to until a rule routes it elsewhere."""
    team, _ = Team.objects.get_or_create(code=CALL_CENTRE, defaults={"name": "Call centre"})
    return team


def _linked_order(customer_id: int | None, *texts: str) -> tuple[Any, Any] | None:
    """The first order the message names that is this customer's, with its latest parcel.
    A reference from an unknown sender, or someone else's, links nothing."""
    if customer_id is None:
        return None
    for reference in order_references_in(*texts):
        try:
            order = order_by_reference(reference)
        except OrderNotFound:
            continue
        if order.customer_id == customer_id:
            return order, shipments_of_order(order_id=order.pk).last()
    return None


def receive_email(*, mail: InboundEmail, now: datetime | None = None) -> tuple[Message, bool]:
    """Store an inbound email in its conversation: a reply (In-Reply-To / References naming
    a message we hold) goes on its thread, anything else opens one. The sender is matched to
    a profile by email identity; an order reference of that customer links the order and its
    parcel; a "where is my order?" question is flagged. Message, conversation and the
    `service.message_received` event commit together.

    Idempotent on the Message-ID: a second delivery (a retrying server, a provider's retried
    webhook, two at once) stores nothing and returns the first message with False."""
    if not mail.sender or not mail.message_id:
        raise UnreadableMessage("An email needs a sender and a Message-ID.")
    if len(mail.sender) > 254 or "@" not in mail.sender:
        raise UnreadableMessage("The sender is not an email address.")
    mail = _without_nul(mail)
    known = message_by_message_id(channel=EMAIL, message_id=mail.message_id)
    if known is not None:
        return known, False
    now = now or clock.now()
    try:
        with transaction.atomic():
            message = _store_inbound(mail, now)
    except IntegrityError:  # the same Message-ID committed meanwhile
        known = message_by_message_id(channel=EMAIL, message_id=mail.message_id)
        if known is None:
            raise
        return known, False
    return message, True


def _without_nul(mail: InboundEmail) -> InboundEmail:
    """PostgreSQL stores no NUL character in text; a mail may carry one."""
    return replace(
        mail,
        sender_name=mail.sender_name.replace("\x00", ""),
        subject=mail.subject.replace("\x00", ""),
        text=mail.text.replace("\x00", ""),
        message_id=mail.message_id.replace("\x00", ""),
        in_reply_to=tuple(i.replace("\x00", "") for i in mail.in_reply_to),
    )


def _store_inbound(mail: InboundEmail, now: datetime) -> Message:
    customer_id = customer_id_by_identity(kind="email", value=mail.sender)
    wismo = is_wismo(mail.subject, mail.text)
    linked = _linked_order(customer_id, mail.subject, mail.text)
    conversation_id = conversation_answered_by(message_ids=mail.in_reply_to)
    if conversation_id is None:
        conversation = Conversation.objects.create(
            team=call_centre_team(),
            channel=EMAIL,
            customer_id=customer_id,
            contact_address=mail.sender,
            contact_name=mail.sender_name[:120],
            subject=mail.subject,
            wismo=wismo,
            created_at=now,
            last_message_at=now,
            sla_due_at=answer_due(now, within=answer_within(), hours=ServiceHours()),
        )
    else:
        conversation = _reopen(conversation_id, now=now, wismo=wismo)
    if linked is not None and conversation.order_id is None:
        order, shipment = linked
        conversation.order_id = order.pk
        conversation.shipment_id = shipment.pk if shipment else None
        Conversation.objects.filter(pk=conversation.pk).update(
            order_id=conversation.order_id, shipment_id=conversation.shipment_id
        )
    message = Message.objects.create(
        conversation=conversation,
        channel=EMAIL,
        direction=Direction.INBOUND.value,
        status=Message.Status.RECEIVED,
        message_id=mail.message_id,
        in_reply_to=mail.in_reply_to[0] if mail.in_reply_to else "",
        sender=mail.sender,
        subject=mail.subject,
        body=mail.text,
        created_at=now,
    )
    record_event(
        events.MESSAGE_RECEIVED,
        aggregate=f"conversation:{conversation.pk}",
        payload={
            "conversation_id": conversation.pk,
            "message_id": message.pk,
            "customer_id": customer_id,
            "channel": EMAIL,
            "order_reference": linked[0].reference if linked else None,
            "wismo": wismo,
        },
        now=now,
    )
    return message


def _reopen(conversation_id: int, *, now: datetime, wismo: bool) -> Conversation:
    """The customer wrote again: the conversation is open, and an answer is due again unless
    one was already awaited (its timer keeps running)."""
    rows = Conversation.objects.filter(pk=conversation_id)
    rows.exclude(status=ConversationStatus.OPEN.value).update(
        status=ConversationStatus.OPEN.value,
        sla_due_at=answer_due(now, within=answer_within(), hours=ServiceHours()),
        sla_breached_at=None,
    )
    rows.update(last_message_at=now)
    if wismo:
        rows.update(wismo=True)
    return rows.get()


def receive_provider_email(*, secret: str, payload: dict[str, Any]) -> tuple[Message, bool]:
    """An inbound email posted by a mail provider (from, to, subject, text, message_id,
    in_reply_to, references), authenticated by the shared SERVICE_INBOUND_SECRET. No secret
    configured: every post is refused."""
    expected = settings.SERVICE_INBOUND_SECRET
    if not expected or not hmac.compare_digest(secret.encode(), expected.encode()):
        raise InboundSecretRefused("The inbound mail secret is missing or wrong.")
    name, address = parseaddr(str(payload.get("from") or ""))
    replied = [bare_message_id(payload.get("in_reply_to"))] + [
        bare_message_id(part) for part in reversed(str(payload.get("references") or "").split())
    ]
    mail = InboundEmail(
        sender=address.strip().lower(),
        sender_name=name.strip(),
        to=str(payload.get("to") or ""),
        subject=str(payload.get("subject") or "").strip()[:200],
        text=str(payload.get("text") or "").strip()[:20_000],
        message_id=bare_message_id(payload.get("message_id")),
        in_reply_to=tuple(dict.fromkeys(i for i in replied if i)),
    )
    return receive_email(mail=mail)


def write_reply(
    *, conversation_id: int, body: str, author_id: int | None, now: datetime | None = None
) -> Message:
    """The agent's answer: recorded as `sending` under the Message-ID it will go out with,
    threaded (In-Reply-To) on the customer's last message, with the first response time and
    the conversation now waiting on the customer, and the `service.reply_written` event whose
    handler sends it after the commit (never inside a transaction)."""
    text = body.strip()
    if not text:
        raise EmptyReply("Write an answer before sending it.")
    now = now or clock.now()
    with transaction.atomic():
        conversation = Conversation.objects.select_for_update().get(pk=conversation_id)
        replied = last_inbound_of(conversation_id=conversation_id)
        subject = conversation.subject or ""
        message = Message.objects.create(
            conversation=conversation,
            channel=conversation.channel,
            direction=Direction.OUTBOUND.value,
            status=Message.Status.SENDING,
            message_id=bare_message_id(make_msgid(domain="comptoir.local")),
            in_reply_to=replied.message_id if replied else "",
            sender=settings.DEFAULT_FROM_EMAIL,
            subject=subject if subject.lower().startswith("re:") else f"Re: {subject}".strip(),
            body=text,
            author_id=author_id,
            created_at=now,
        )
        Conversation.objects.filter(pk=conversation_id, first_response_at__isnull=True).update(
            first_response_at=now
        )
        Conversation.objects.filter(pk=conversation_id).update(
            status=ConversationStatus.WAITING_ON_CUSTOMER.value,
            sla_due_at=None,
            last_message_at=now,
        )
        record_event(
            events.REPLY_WRITTEN,
            aggregate=f"conversation:{conversation_id}",
            payload={
                "conversation_id": conversation_id,
                "message_id": message.pk,
                "customer_id": conversation.customer_id,
            },
            now=now,
        )
    return message


def send_reply(*, message_pk: int, now: datetime | None = None) -> bool:
    """Hand a written reply to the mail server, then record it `sent`. Run outside any
    transaction. False when it went already. A refusal raises (the outbox retries); a crash
    after the server's "250" sends it again under the same Message-ID, which a mailbox keeps
    once."""
    message = reply_to_send(message_pk=message_pk)
    if message is None:
        return False
    conversation = message.conversation
    thread = [
        m.message_id for m in thread_of(conversation_id=conversation.pk) if m.pk != message.pk
    ]
    email = EmailMessage(
        subject=message.subject, body=message.body + "\n", to=[conversation.contact_address]
    )
    email.extra_headers["Message-ID"] = f"<{message.message_id}>"
    if message.in_reply_to:
        email.extra_headers["In-Reply-To"] = f"<{message.in_reply_to}>"
    if thread:
        email.extra_headers["References"] = " ".join(f"<{i}>" for i in thread[-20:])
    email.send(fail_silently=False)
    return bool(
        Message.objects.filter(pk=message.pk, status=Message.Status.SENDING).update(
            status=Message.Status.SENT, sent_at=now or clock.now()
        )
    )


def flag_sla_breaches(*, now: datetime | None = None) -> int:
    """Every open conversation past its answer time is flagged once, with a
    `service.sla_breached` event (the alert): a sweep run twice, or by two workers at once,
    raises each alert once. Returns how many it flagged."""
    now = now or clock.now()
    flagged = 0
    for conversation_id in breaches_due(now=now):
        with transaction.atomic():
            won = Conversation.objects.filter(
                pk=conversation_id,
                status=ConversationStatus.OPEN.value,
                sla_breached_at__isnull=True,
                sla_due_at__lt=now,
            ).update(sla_breached_at=now)
            if not won:
                continue
            conversation = Conversation.objects.select_related("team").get(pk=conversation_id)
            record_event(
                events.SLA_BREACHED,
                aggregate=f"conversation:{conversation_id}",
                payload={
                    "conversation_id": conversation_id,
                    "customer_id": conversation.customer_id,
                    "team": conversation.team.code,
                    "sla_due_at": conversation.sla_due_at.isoformat()
                    if conversation.sla_due_at
                    else None,
                },
                now=now,
            )
            flagged += 1
    return flagged


def set_status(*, conversation_id: int, status: str) -> None:
    """Close or reopen a conversation; closing stops its timer."""
    wanted = ConversationStatus(status)
    changes: dict[str, Any] = {"status": wanted.value}
    if wanted != ConversationStatus.OPEN:
        changes["sla_due_at"] = None
    Conversation.objects.filter(pk=conversation_id).update(**changes)


def assign_conversation(*, conversation_id: int, assignee_id: int | None) -> None:
    """Who answers it (None: back to the team). The last one asked wins."""
    Conversation.objects.filter(pk=conversation_id).update(assignee_id=assignee_id)


def move_conversations_to_survivor(*, survivor_id: int, merged_id: int) -> int:
    """The merged profile's conversations now belong to the surviving one. Idempotent."""
    return Conversation.objects.filter(customer_id=merged_id).update(customer_id=survivor_id)


def forget_conversations_of(*, customer_id: int) -> int:
    """Erasure: what the person wrote and where they wrote from is blanked; the conversations
    stay as counts (team, times, WISMO) for the KPIs. Idempotent."""
    with transaction.atomic():
        ids = list(
            Conversation.objects.filter(customer_id=customer_id).values_list("pk", flat=True)
        )
        Message.objects.filter(conversation_id__in=ids).update(body="", sender="", subject="")
        return Conversation.objects.filter(pk__in=ids).update(
            contact_address="", contact_name="", subject=""
        )
