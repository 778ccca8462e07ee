"""Reads of the service inbox, shaped for the agent's pages and the inbox's own services."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db.models import Count, QuerySet
from django.utils import translation
from django.utils.translation import gettext as _

from comptoir.core.access import Actor, authorize
from comptoir.customers.errors import CustomerNotFound
from comptoir.customers.selectors import ContactDetails, contact_details
from comptoir.orders.errors import OrderNotFound
from comptoir.orders.selectors import order_by_id
from comptoir.shipping.selectors import shipment_by_id

from .domain import ConversationStatus
from .errors import ConversationNotFound
from .models import Conversation, Message, Team


def teams() -> QuerySet[Team]:
    return Team.objects.order_by("location__name", "name")


def conversation_by_id(*, conversation_id: int) -> Conversation:
    conversation = (
        Conversation.objects.select_related("team", "assignee").filter(pk=conversation_id).first()
    )
    if conversation is None:
        raise ConversationNotFound("No such conversation.")
    return conversation


def access_conversation_by_id(
    actor: Actor, conversation_id: int, *, permission: str
) -> Conversation:
    """The conversation, if `actor` may use `permission` on it: a store's team is that
    store's staff's (and the call centre's, which sees every team). One chokepoint for every
    page and operation that opens a conversation."""
    authorize(actor, permission)
    conversation = conversation_by_id(conversation_id=conversation_id)
    authorize(actor, permission, store_id=conversation.team.location_id)
    return conversation


def conversation_answered_by(*, message_ids: Collection[str]) -> int | None:
    """The conversation one of these Message-IDs belongs to (an email's In-Reply-To and
    References): where a reply is threaded. The newest such conversation."""
    if not message_ids:
        return None
    return (
        Message.objects.filter(channel="email", message_id__in=list(message_ids))
        .order_by("-conversation_id")
        .values_list("conversation_id", flat=True)
        .first()
    )


def message_by_message_id(*, channel: str, message_id: str) -> Message | None:
    return Message.objects.filter(channel=channel, message_id=message_id).first()


def thread_of(*, conversation_id: int) -> QuerySet[Message]:
    return (
        Message.objects.filter(conversation_id=conversation_id)
        .select_related("author")
        .order_by("created_at", "pk")
    )


def last_inbound_of(*, conversation_id: int) -> Message | None:
    return (
        Message.objects.filter(conversation_id=conversation_id, direction="inbound")
        .order_by("-created_at", "-pk")
        .first()
    )


def reply_to_send(*, message_pk: int) -> Message | None:
    """An outbound message still to hand to the mail server, with its conversation."""
    return (
        Message.objects.select_related("conversation")
        .filter(pk=message_pk, direction="outbound", status=Message.Status.SENDING)
        .first()
    )


def inbox(
    *,
    status: str | None = None,
    team_code: str | None = None,
    store_ids: frozenset[int] | None = None,
) -> QuerySet[Conversation]:
    """The queue: the answer due soonest first, then the newest. `store_ids` limits it to
    those stores' teams (None: every team)."""
    rows = Conversation.objects.select_related("team", "assignee").annotate(
        message_count=Count("messages")
    )
    if status:
        rows = rows.filter(status=status)
    if team_code:
        rows = rows.filter(team__code=team_code)
    if store_ids is not None:
        rows = rows.filter(team__location_id__in=store_ids)
    return rows.order_by(
        "sla_due_at", "-last_message_at", "-pk"
    )  # NULLs last on PostgreSQL, first on SQLite: the page sorts them the same (see inbox_rows)


def breaches_due(*, now: datetime) -> list[int]:
    """Open conversations whose answer is overdue and not yet flagged."""
    return list(
        Conversation.objects.filter(
            status=ConversationStatus.OPEN.value, sla_breached_at__isnull=True, sla_due_at__lt=now
        )
        .order_by("sla_due_at")
        .values_list("pk", flat=True)
    )


def breach_count(*, store_ids: frozenset[int] | None = None) -> int:
    rows = Conversation.objects.filter(
        status=ConversationStatus.OPEN.value, sla_breached_at__isnull=False
    )
    if store_ids is not None:
        rows = rows.filter(team__location_id__in=store_ids)
    return rows.count()


@dataclass(frozen=True)
class CustomerPanel:
    """What the agent sees beside a conversation: who it is, the order, its parcel."""

    contact: ContactDetails | None
    order: Any | None
    shipment: Any | None
    tracking_url: str

    @property
    def order_status(self) -> str:
        """The order's status in the reader's words."""
        return _said("order", self.order.status) if self.order is not None else ""

    @property
    def parcel_status(self) -> str:
        """The parcel's live tracking status in the reader's words."""
        return _said("parcel", self.shipment.status) if self.shipment is not None else ""


def customer_panel(conversation: Conversation) -> CustomerPanel:
    """The profile, the linked order and its parcel as they are now (live tracking status)."""
    contact = None
    if conversation.customer_id is not None:
        try:
            contact = contact_details(customer_id=conversation.customer_id)
        except CustomerNotFound:
            contact = None
    order = None
    if conversation.order_id is not None:
        try:
            order = order_by_id(conversation.order_id)
        except OrderNotFound:
            order = None
    shipment = (
        shipment_by_id(shipment_id=conversation.shipment_id)
        if conversation.shipment_id is not None
        else None
    )
    tracking_url = f"{settings.PUBLIC_BASE_URL}/track/{shipment.tracking_token}" if shipment else ""
    return CustomerPanel(contact, order, shipment, tracking_url)


def _said(kind: str, value: str) -> str:
    """An order or parcel status in the reader's words (the active language)."""
    words = {
        ("order", "awaiting_payment"): _("awaiting payment"),
        ("order", "placed"): _("placed and being prepared"),
        ("order", "ready_for_pickup"): _("ready for pickup"),
        ("order", "dispatched"): _("on its way"),
        ("order", "collected"): _("collected"),
        ("order", "cancelled"): _("cancelled"),
        ("parcel", "info_received"): _("announced to the carrier"),
        ("parcel", "in_transit"): _("in transit"),
        ("parcel", "out_for_delivery"): _("out for delivery"),
        ("parcel", "failed_attempt"): _("not delivered on the first attempt"),
        ("parcel", "available_for_pickup"): _("waiting at the pickup point"),
        ("parcel", "delivered"): _("delivered"),
        ("parcel", "exception"): _("held up at the carrier"),
        ("parcel", "returned_to_sender"): _("on its way back to us"),
        ("parcel", "expired"): _("no longer tracked"),
    }
    return words.get((kind, value), value.replace("_", " "))


CANNED_ANSWERS = ("tracking", "thanks")


def canned_answer(*, kind: str, conversation: Conversation) -> str:
    """A ready answer with the live order and tracking data, in the customer's language."""
    panel = customer_panel(conversation)
    language = panel.contact.language if panel.contact else "fr"
    with translation.override(language):
        greeting = (
            _("Hello %(name)s,") % {"name": panel.contact.first_name}
            if panel.contact and panel.contact.first_name
            else _("Hello,")
        )
        if kind == "tracking" and panel.order is not None:
            text = _("Your order %(reference)s is %(status)s.") % {
                "reference": panel.order.reference,
                "status": _said("order", panel.order.status),
            }
            if panel.shipment is not None:
                text += " " + _(
                    "Parcel %(tracking)s (%(carrier)s): %(status)s. Follow it here: %(url)s"
                ) % {
                    "tracking": panel.shipment.tracking_number,
                    "carrier": panel.shipment.carrier.name,
                    "status": _said("parcel", panel.shipment.status),
                    "url": panel.tracking_url,
                }
        elif kind == "tracking":
            text = _("Could you give us your order reference (it starts with CO-)?")
        else:
            text = _("Thank you for your message: we are on it.")
        return f"{greeting}\n\n{text}\n\n{_('Kind regards,')}\n{settings.BRAND_NAME}"


def status_counts(*, store_ids: frozenset[int] | None = None) -> dict[str, int]:
    rows = Conversation.objects.all()
    if store_ids is not None:
        rows = rows.filter(team__location_id__in=store_ids)
    counts = dict(rows.values_list("status").annotate(n=Count("pk")).values_list("status", "n"))
    return {status.value: counts.get(status.value, 0) for status in ConversationStatus}


def conversations_export(customer_id: int) -> list[dict[str, Any]]:
    """The person's conversations and what was said in them, for their data export."""
    rows = Conversation.objects.filter(customer_id=customer_id).prefetch_related("messages")
    return [
        {
            "subject": conversation.subject,
            "channel": conversation.channel,
            "status": conversation.status,
            "created_at": conversation.created_at.isoformat(),
            "messages": [
                {
                    "direction": message.direction,
                    "subject": message.subject,
                    "body": message.body,
                    "at": message.created_at.isoformat(),
                }
                for message in sorted(conversation.messages.all(), key=lambda m: m.pk)
            ],
        }
        for conversation in rows.order_by("pk")
    ]
