"""comptoir receives mail itself: a real SMTP client talks to the listener `comptoir mail-in`
runs, and the email lands in the inbox."""

from __future__ import annotations

import smtplib
import socket
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from comptoir.service.listener import MailInController
from comptoir.service.models import Conversation, Message
from comptoir.service.tests.factories import REFERENCE, an_email, jean_with_a_parcel

pytestmark = pytest.mark.django_db(transaction=True)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def mail_in(*, lmtp: bool = False) -> Iterator[int]:
    port = _free_port()
    controller = MailInController(host="127.0.0.1", port=port, lmtp=lmtp)
    controller.start()
    try:
        yield port
    finally:
        controller.stop()


def test_an_email_sent_over_smtp_lands_in_the_inbox_linked_to_its_order_and_parcel():
    jean, order, parcel = jean_with_a_parcel()
    mail = an_email(f"Bonjour, où est ma commande {REFERENCE} ? Merci", message_id="<smtp@ex.fr>")
    with mail_in() as port, smtplib.SMTP("127.0.0.1", port) as client:
        refused = client.send_message(mail)
        again = client.send_message(mail)  # a server that retries after a lost "250"

    assert (refused, again) == ({}, {})
    message = Message.objects.get()
    conversation = message.conversation
    assert message.message_id == "smtp@ex.fr"
    assert "où est ma commande" in message.body
    assert (conversation.customer_id, conversation.order_id, conversation.shipment_id) == (
        jean.pk,
        order.pk,
        parcel.pk,
    )
    assert conversation.wismo


def test_lmtp_behind_a_mail_server_stores_the_message_too():
    jean_with_a_parcel()
    with mail_in(lmtp=True) as port, smtplib.LMTP("127.0.0.1", port) as client:
        client.send_message(an_email("Where is my order?"))
    assert Conversation.objects.get().wismo


def test_a_message_without_a_message_id_is_refused_for_good():
    mail = an_email("hello")
    del mail["Message-ID"]
    with (
        mail_in() as port,
        smtplib.SMTP("127.0.0.1", port) as client,
        pytest.raises(smtplib.SMTPDataError) as refused,
    ):
        client.send_message(mail)
    assert refused.value.smtp_code == 550
    assert not Message.objects.exists()
