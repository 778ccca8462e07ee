"""A person's conversations follow a merge, leave in their export and are blanked on erasure."""

from __future__ import annotations

import pytest

from comptoir.core.personal_data import export_sections
from comptoir.customers.tests.factories import make_store_record
from comptoir.service.domain import read_email
from comptoir.service.models import Conversation, Message
from comptoir.service.services import (
    forget_conversations_of,
    move_conversations_to_survivor,
    receive_email,
    write_reply,
)
from comptoir.service.tests.factories import MONDAY_MORNING, REFERENCE, an_email, jean_with_a_parcel

pytestmark = pytest.mark.django_db


def jeans_conversation() -> Conversation:
    jean, _, _ = jean_with_a_parcel()
    mail = an_email(f"où est ma commande {REFERENCE} ?")
    message, _ = receive_email(mail=read_email(mail.as_bytes()), now=MONDAY_MORNING)
    write_reply(conversation_id=message.conversation_id, body="Il arrive.", author_id=None)
    return message.conversation


def test_the_export_holds_what_was_said_both_ways():
    conversation = jeans_conversation()
    [exported] = export_sections(conversation.customer_id)["conversations"]
    assert exported["subject"] == "Ma commande"
    assert [m["direction"] for m in exported["messages"]] == ["inbound", "outbound"]
    assert exported["messages"][0]["body"] == f"où est ma commande {REFERENCE} ?"


def test_erasure_blanks_the_words_and_the_address_and_keeps_the_counts():
    conversation = jeans_conversation()
    assert forget_conversations_of(customer_id=conversation.customer_id) == 1
    conversation.refresh_from_db()
    assert (conversation.contact_address, conversation.subject) == ("", "")
    assert conversation.wismo
    assert set(Message.objects.values_list("body", "sender")) == {("", "")}


def test_a_merged_profiles_conversations_move_to_the_survivor():
    conversation = jeans_conversation()
    survivor = make_store_record(email=None, phone="+33699999999")
    moved = move_conversations_to_survivor(
        survivor_id=survivor.pk, merged_id=conversation.customer_id
    )
    assert moved == 1
    assert Conversation.objects.get().customer_id == survivor.pk
