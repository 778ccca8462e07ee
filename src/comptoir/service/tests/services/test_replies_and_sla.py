"""The agent's answer goes out by email, threaded; a late answer raises one alert."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import transaction

from comptoir.core.models import OutboxEvent
from comptoir.notifications.tests.inbox import smtp_server
from comptoir.service.domain import read_email
from comptoir.service.models import Conversation, Message
from comptoir.service.services import flag_sla_breaches, receive_email, send_reply, write_reply
from comptoir.service.tests.factories import MONDAY_MORNING, REFERENCE, an_email, jean_with_a_parcel

pytestmark = pytest.mark.django_db(transaction=True)


def received():
    jean_with_a_parcel()
    mail = an_email(f"où est ma commande {REFERENCE} ?", message_id="<ask@example.fr>")
    message, _ = receive_email(mail=read_email(mail.as_bytes()), now=MONDAY_MORNING)
    return message.conversation


def test_the_reply_reaches_the_customer_threaded_on_his_email(settings):
    conversation = received()
    with smtp_server(settings) as inbox:
        reply = write_reply(
            conversation_id=conversation.pk,
            body="Votre colis arrive demain.",
            author_id=None,
            now=MONDAY_MORNING + timedelta(hours=1),
        )  # its commit wakes the immediate queue, whose handler sends it
    [mail] = inbox.to("jean.martin@example.fr")
    assert mail.message["In-Reply-To"] == "<ask@example.fr>"
    assert mail.message["Message-ID"] == f"<{reply.message_id}>"
    assert str(mail.message["Subject"]) == "Re: Ma commande"
    assert "Votre colis arrive demain." in mail.body
    reply.refresh_from_db()
    conversation.refresh_from_db()
    assert reply.status == "sent"
    assert conversation.status == "waiting_on_customer"
    assert conversation.first_response_at == MONDAY_MORNING + timedelta(hours=1)
    assert conversation.sla_due_at is None


def test_a_reply_sent_already_is_not_sent_again(settings):
    conversation = received()
    with smtp_server(settings) as inbox:
        reply = write_reply(conversation_id=conversation.pk, body="Bonjour", author_id=None)
        assert send_reply(message_pk=reply.pk) is False  # the handler sent it at the commit
    assert len(inbox.to("jean.martin@example.fr")) == 1


def test_a_refused_reply_stays_sending_and_nothing_is_lost(settings):
    conversation = received()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", 9  # nobody listens
    with transaction.atomic():
        Message.objects.create(
            conversation=conversation,
            channel="email",
            direction="outbound",
            status="sending",
            message_id="stuck@comptoir.local",
            sender="x",
            body="x",
            created_at=MONDAY_MORNING,
        )
    stuck = Message.objects.get(message_id="stuck@comptoir.local")
    with pytest.raises(ConnectionRefusedError):
        send_reply(message_pk=stuck.pk)
    stuck.refresh_from_db()
    assert stuck.status == "sending"


def test_an_overdue_answer_raises_one_alert_however_often_the_sweep_runs():
    conversation = received()
    assert flag_sla_breaches(now=conversation.sla_due_at) == 0  # due, not yet late
    late = conversation.sla_due_at + timedelta(minutes=1)
    assert flag_sla_breaches(now=late) == 1
    assert flag_sla_breaches(now=late + timedelta(minutes=5)) == 0
    [alert] = OutboxEvent.objects.filter(type="service.sla_breached")
    assert alert.payload["conversation_id"] == conversation.pk
    assert alert.payload["team"] == "call-centre"
    assert Conversation.objects.get().sla_breached_at == late


def test_an_answered_conversation_raises_no_alert():
    conversation = received()
    write_reply(conversation_id=conversation.pk, body="C'est en route", author_id=None)
    assert flag_sla_breaches(now=MONDAY_MORNING + timedelta(days=3)) == 0
