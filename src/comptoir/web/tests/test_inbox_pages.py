"""The agent's service inbox: the queue with the time left to answer, a conversation with
the customer panel, the canned tracking answer, and the reply, in French and English."""

from __future__ import annotations

from datetime import timedelta
from html import unescape

import pytest
from django.test import Client

from comptoir.accounts.tests.factories import make_staff
from comptoir.core import clock
from comptoir.service.domain import read_email
from comptoir.service.models import Message
from comptoir.service.services import flag_sla_breaches, receive_email
from comptoir.service.tests.factories import REFERENCE, an_email, jean_with_a_parcel

pytestmark = pytest.mark.django_db


def page(answer) -> str:
    return unescape(answer.content.decode())


def an_agent(language: str = "fr") -> Client:
    client = Client()
    client.force_login(make_staff("agent"))
    client.cookies["django_language"] = language
    return client


def jeans_question() -> int:
    jean_with_a_parcel()
    mail = an_email(f"Bonjour, où est ma commande {REFERENCE} ?", message_id="<q@example.fr>")
    message, _ = receive_email(mail=read_email(mail.as_bytes()), now=clock.now())
    return message.conversation_id


def test_the_queue_shows_the_question_with_the_time_left_to_answer():
    conversation_id = jeans_question()
    html = page(an_agent().get("/inbox/"))
    assert "Où est ma commande ?" in html
    assert f"/inbox/{conversation_id}/" in html
    assert "Réponse attendue" in html
    english = page(an_agent("en").get("/inbox/"))
    assert "Where is my order?" in english
    assert " left" in english


def test_the_conversation_shows_the_order_and_its_parcels_live_status():
    conversation_id = jeans_question()
    html = page(an_agent().get(f"/inbox/{conversation_id}/"))
    assert f"Commande {REFERENCE}" in html
    assert "Colis Express" in html
    assert "annoncé au transporteur" in html


def test_the_canned_tracking_answer_has_the_live_order_and_tracking_data():
    conversation_id = jeans_question()
    html = page(an_agent("en").get(f"/inbox/{conversation_id}/?answer=tracking"))
    # Jean's language is French: the answer is in French whatever the agent's.
    assert f"Votre commande {REFERENCE} est en route." in html
    assert "Colis" in html
    assert "/track/" in html


def test_an_empty_answer_is_a_field_message_and_sends_nothing():
    conversation_id = jeans_question()
    answer = an_agent().post(f"/inbox/{conversation_id}/reply/", {"body": "   "})
    assert answer.status_code == 422
    assert "Écrivez une réponse avant de l'envoyer." in page(answer)
    assert not Message.objects.filter(direction="outbound").exists()


def test_the_answer_is_recorded_and_the_queue_no_longer_counts_it_late(settings):
    conversation_id = jeans_question()
    answer = an_agent().post(f"/inbox/{conversation_id}/reply/", {"body": "C'est en route."})
    assert answer.status_code == 302
    reply = Message.objects.get(direction="outbound")
    assert reply.body == "C'est en route."
    assert reply.in_reply_to == "q@example.fr"


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        pytest.param("agent", 200, id="agent_case"),
        pytest.param("operations", 200, id="operations_reads_case"),
        pytest.param("associate", 403, id="associate_case"),
    ],
)
def test_who_may_open_a_conversation(role, expected):
    conversation_id = jeans_question()
    client = Client()
    client.force_login(make_staff(role))
    assert client.get(f"/inbox/{conversation_id}/").status_code == expected


def test_operations_may_read_but_not_answer():
    conversation_id = jeans_question()
    client = Client()
    client.force_login(make_staff("operations"))
    assert client.post(f"/inbox/{conversation_id}/reply/", {"body": "x"}).status_code == 403
    assert not Message.objects.filter(direction="outbound").exists()


def test_an_unknown_conversation_is_a_404():
    assert an_agent().get("/inbox/999999/").status_code == 404


def test_a_late_answer_is_shown_late(settings):
    jeans_question()
    flag_sla_breaches(now=clock.now() + timedelta(days=5))
    html = page(an_agent("en").get("/inbox/"))
    assert "1 conversation waits past its answer time." in html


def test_the_agent_takes_the_conversation():
    conversation_id = jeans_question()
    client = an_agent("en")
    assert client.post(f"/inbox/{conversation_id}/take/").status_code == 302
    html = page(client.get(f"/inbox/{conversation_id}/"))
    assert "taken by karim" in html
    assert "Take it" not in html
