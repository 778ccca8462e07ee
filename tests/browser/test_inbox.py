"""The service inbox on a 390-px phone: Jean emails "où est ma commande CO-…" to comptoir's own
SMTP listener; Karim, the agent, finds it in the inbox linked to the order and its parcel,
answers with the canned tracking answer, and Jean receives it, threaded on his email. In
French, then in English with an answer past its time raising the alert."""

from __future__ import annotations

import smtplib
import socket
import time
from datetime import timedelta
from email.message import EmailMessage

from playwright.sync_api import expect

from comptoir.customers.models import Customer
from comptoir.notifications.tests.inbox import smtp_server
from comptoir.orders.models import Order
from comptoir.service.listener import MailInController
from comptoir.service.models import Conversation
from comptoir.service.services import flag_sla_breaches
from comptoir.shipping.models import Shipment

from .conftest import assert_accessible, open_menu, screenshot, sign_in

JEAN = "jean.martin@example.fr"


def jeans_parcel() -> tuple[Order, Shipment]:
    """An order of Jean's with a parcel on its way, from the demo."""
    jean = Customer.objects.get(email=JEAN)
    parcel = (
        Shipment.objects.filter(customer_id=jean.pk, order_id__isnull=False)
        .select_related("carrier")
        .order_by("-pk")
        .first()
    )
    assert parcel is not None, "the demo gives Jean no parcel of an order"
    order = Order.objects.get(pk=parcel.order_id)
    assert order.customer_id == jean.pk
    return order, parcel


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def jean_writes(text: str, *, subject: str, message_id: str) -> None:
    """Jean's mail server hands his email to comptoir's listener, as `comptoir mail-in` runs it."""
    mail = EmailMessage()
    mail["From"] = f"Jean Martin <{JEAN}>"
    mail["To"] = "service@elan.example"
    mail["Subject"] = subject
    mail["Message-ID"] = f"<{message_id}>"
    mail.set_content(text)
    port = _free_port()
    listener = MailInController(host="127.0.0.1", port=port)
    listener.start()
    try:
        with smtplib.SMTP("127.0.0.1", port) as client:
            client.send_message(mail)
    finally:
        listener.stop()


def wait_for_mail(inbox, address: str, seconds: float = 10) -> list:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = inbox.to(address)
        if found:
            return found
        time.sleep(0.1)
    return []


def test_jeans_where_is_my_order_email_is_answered_with_the_live_tracking(
    retailer, live_server, phone, settings
):
    order, parcel = jeans_parcel()
    jean_writes(
        f"Bonjour, où est ma commande {order.reference} ? Merci.",
        subject="Ma commande",
        message_id="jean-asks@example.fr",
    )
    conversation = Conversation.objects.get()
    assert (conversation.order_id, conversation.shipment_id) == (order.pk, parcel.pk)

    sign_in(phone, live_server, "agent")
    with smtp_server(settings) as mailbox:
        phone.goto(f"{live_server.url}/")
        open_menu(phone)
        phone.get_by_role("link", name="Boîte de réception du service client").click()
        card = phone.get_by_test_id(f"conversation-{conversation.pk}")
        expect(card).to_contain_text("Où est ma commande ?")
        expect(card).to_contain_text("Réponse attendue")
        assert_accessible(phone)
        screenshot(phone, "inbox-queue-phone")

        card.get_by_role("link", name="Ma commande").click()
        panel = phone.get_by_test_id("customer-panel")
        expect(panel).to_contain_text(f"Commande {order.reference}")
        expect(panel).to_contain_text(parcel.tracking_number)
        phone.get_by_role("link", name="Commande et suivi").click()
        answer = phone.get_by_label("Réponse par e-mail à jean.martin@example.fr")
        assert f"Votre commande {order.reference} est" in answer.input_value()
        assert parcel.tracking_number in answer.input_value()
        assert_accessible(phone)
        screenshot(phone, "inbox-conversation-phone")
        phone.get_by_role("button", name="Envoyer la réponse").click()

        expect(phone.get_by_role("status")).to_contain_text("Votre réponse part vers")
        expect(phone.get_by_test_id("thread")).to_contain_text("Notre réponse")
        [mail] = wait_for_mail(mailbox, JEAN)

    assert mail.message["In-Reply-To"] == "<jean-asks@example.fr>"
    assert order.reference in mail.body
    assert parcel.tracking_number in mail.body
    assert f"/track/{parcel.tracking_token}" in mail.body
    conversation.refresh_from_db()
    assert conversation.status == "waiting_on_customer"
    assert conversation.first_response_at is not None


def test_in_english_a_late_answer_raises_the_alert_and_the_reply_still_goes(
    retailer, live_server, phone, settings
):
    order, parcel = jeans_parcel()
    jean_writes(
        f"Where is my order {order.reference}? It has not arrived.",
        subject="Late parcel",
        message_id="jean-late@example.fr",
    )
    conversation = Conversation.objects.get()
    assert flag_sla_breaches(now=conversation.sla_due_at + timedelta(minutes=1)) == 1

    sign_in(phone, live_server, "agent")
    phone.context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])
    with smtp_server(settings) as mailbox:
        phone.goto(f"{live_server.url}/inbox/")
        expect(phone.get_by_test_id("breaches")).to_contain_text(
            "1 conversation waits past its answer time."
        )
        assert_accessible(phone)
        phone.get_by_role("link", name="Late parcel").click()
        expect(phone.get_by_test_id("customer-panel")).to_contain_text(order.reference)
        phone.get_by_role("link", name="Order and tracking").click()
        answer = phone.get_by_label("Answer by email to jean.martin@example.fr")
        # Jean reads French: the ready answer is in his language, whatever the agent's.
        assert f"Votre commande {order.reference} est" in answer.input_value()
        assert_accessible(phone)
        phone.get_by_role("button", name="Send the answer").click()
        expect(phone.get_by_role("status")).to_contain_text("Your answer is on its way")
        [mail] = wait_for_mail(mailbox, JEAN)

    assert mail.message["In-Reply-To"] == "<jean-late@example.fr>"
    assert parcel.tracking_number in mail.body
