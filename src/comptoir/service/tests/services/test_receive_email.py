"""An email lands in its conversation, linked to the customer's order and parcel."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from comptoir.core.models import OutboxEvent
from comptoir.service.domain import read_email
from comptoir.service.errors import UnreadableMessage
from comptoir.service.models import Conversation, Message
from comptoir.service.services import receive_email
from comptoir.service.tests.factories import (
    MONDAY_MORNING,
    REFERENCE,
    an_email,
    an_order,
    jean_with_a_parcel,
)

pytestmark = pytest.mark.django_db


def receive(mail, now=MONDAY_MORNING):
    return receive_email(mail=read_email(mail.as_bytes()), now=now)


def test_a_where_is_my_order_email_is_linked_to_his_order_and_parcel():
    jean, order, parcel = jean_with_a_parcel()
    message, stored = receive(an_email(f"Bonjour, où est ma commande {REFERENCE} ?"))

    conversation = message.conversation
    assert stored
    assert (conversation.customer_id, conversation.order_id, conversation.shipment_id) == (
        jean.pk,
        order.pk,
        parcel.pk,
    )
    assert conversation.wismo
    assert (conversation.team.code, conversation.status) == ("call-centre", "open")
    assert conversation.sla_due_at == datetime(2026, 3, 9, 13, 30, tzinfo=UTC)
    [event] = OutboxEvent.objects.filter(type="service.message_received")
    assert event.payload["order_reference"] == REFERENCE
    assert event.payload["conversation_id"] == conversation.pk


def test_someone_elses_order_reference_links_nothing():
    jean_with_a_parcel()
    an_order(None, reference="CO-OTHER234")
    message, _ = receive(an_email("où est ma commande CO-OTHER234 ?"))
    assert message.conversation.order_id is None
    stranger, _ = receive(an_email(f"où est {REFERENCE}", sender="eve@example.com"))
    assert (stranger.conversation.customer_id, stranger.conversation.order_id) == (None, None)


def test_the_same_message_id_delivered_twice_is_stored_once():
    jean_with_a_parcel()
    mail = an_email(f"où est ma commande {REFERENCE} ?", message_id="<once@example.fr>")
    first, stored_first = receive(mail)
    again, stored_again = receive(mail)
    assert (stored_first, stored_again) == (True, False)
    assert again.pk == first.pk
    assert Message.objects.count() == 1
    assert Conversation.objects.count() == 1
    assert OutboxEvent.objects.filter(type="service.message_received").count() == 1


def test_a_reply_goes_on_its_thread_and_reopens_it():
    jean_with_a_parcel()
    first, _ = receive(an_email("Bonjour", message_id="<first@example.fr>"))
    Conversation.objects.filter(pk=first.conversation_id).update(
        status="waiting_on_customer", sla_due_at=None
    )
    reply, _ = receive(
        an_email(f"C'est {REFERENCE}", subject="Re: Ma commande", in_reply_to="<first@example.fr>")
    )
    conversation = Conversation.objects.get()
    assert reply.conversation_id == first.conversation_id
    assert conversation.status == "open"
    assert conversation.order.reference == REFERENCE
    assert conversation.sla_due_at is not None


def test_an_email_without_a_message_id_is_refused():
    mail = an_email("hello")
    del mail["Message-ID"]
    with pytest.raises(UnreadableMessage):
        receive(mail)
    assert not Message.objects.exists()


def test_a_nul_character_in_the_text_is_dropped_and_a_non_address_sender_refused():
    jean_with_a_parcel()
    message, _ = receive(an_email("où est\x00 ma commande ?"))
    assert message.body == "où est ma commande ?"
    with pytest.raises(UnreadableMessage):
        receive(an_email("hello", sender="not an address"))
