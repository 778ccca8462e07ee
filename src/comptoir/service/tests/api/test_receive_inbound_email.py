"""POST /api/v1/service/inbound-email: a mail provider's inbound webhook."""

from __future__ import annotations

import pytest

from comptoir.service.models import Conversation, Message
from comptoir.service.tests.factories import REFERENCE, jean_with_a_parcel

pytestmark = pytest.mark.django_db
URL = "/api/v1/service/inbound-email"
SECRET = "s3cret-from-the-provider"


def post(client, body, secret=SECRET):
    return client.post(
        URL, body, content_type="application/json", headers={"X-Comptoir-Inbound-Secret": secret}
    )


def a_post(**changes):
    return {
        "from": "Jean Martin <Jean.Martin@example.fr>",
        "to": "service@elan.example",
        "subject": "Commande",
        "text": f"où est ma commande {REFERENCE} ?",
        "message_id": "<provider-1@example.fr>",
        **changes,
    }


def test_a_provider_post_is_stored_once_and_linked_to_the_order(client, settings):
    settings.SERVICE_INBOUND_SECRET = SECRET
    jean, order, parcel = jean_with_a_parcel()
    first = post(client, a_post())
    again = post(client, a_post())
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["message_id"] == again.json()["message_id"]
    assert (again.json()["stored"], Message.objects.count()) == (False, 1)
    conversation = Conversation.objects.get()
    assert (conversation.customer_id, conversation.order_id, conversation.shipment_id) == (
        jean.pk,
        order.pk,
        parcel.pk,
    )


@pytest.mark.parametrize(
    ("configured", "sent"),
    [
        pytest.param(SECRET, "wrong", id="wrong_secret_case"),
        pytest.param(SECRET, "", id="no_secret_case"),
        pytest.param("", "", id="none_configured_case"),
    ],
)
def test_a_post_without_the_secret_stores_nothing(client, settings, configured, sent):
    settings.SERVICE_INBOUND_SECRET = configured
    answer = post(client, a_post(), secret=sent)
    assert answer.status_code == 401
    assert answer["Content-Type"].startswith("application/problem+json")
    assert not Message.objects.exists()


def test_a_post_without_a_message_id_is_a_field_error(client, settings):
    settings.SERVICE_INBOUND_SECRET = SECRET
    answer = post(client, {k: v for k, v in a_post().items() if k != "message_id"})
    assert answer.status_code == 422
    assert not Message.objects.exists()


def test_a_reply_posted_by_the_provider_goes_on_its_thread(client, settings):
    settings.SERVICE_INBOUND_SECRET = SECRET
    jean_with_a_parcel()
    post(client, a_post())
    post(
        client,
        a_post(message_id="<provider-2@example.fr>", in_reply_to="<provider-1@example.fr>"),
    )
    assert Conversation.objects.count() == 1
    assert Message.objects.count() == 2
