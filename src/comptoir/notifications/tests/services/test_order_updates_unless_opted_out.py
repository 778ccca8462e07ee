"""Order updates are part of the contract: they go unless the shopper opted out; marketing
needs a consent given (issue 13, #11). Real SMTP on localhost."""

import pytest

from comptoir.core.outbox import run_due_work
from comptoir.customers.services import record_consent, register_shopper
from comptoir.notifications.models import MessageLog
from comptoir.notifications.tests.factories import ready_for_pickup
from comptoir.notifications.tests.inbox import smtp_server
from comptoir.wiring import ROUTES

pytestmark = pytest.mark.django_db(transaction=True)


def _new_shopper(email, first_name):
    """Signed up on the web, as sign-up does it: asked nothing about order updates."""
    return register_shopper(
        email=email, password="comptoir-test", first_name=first_name, last_name="Martin"
    )


def _deliver_all():
    while run_due_work(ROUTES, worker="test").attempted:
        pass


def test_a_new_shopper_who_never_touched_preferences_gets_the_pickup_code(settings):
    jean = _new_shopper("jean.martin@example.fr", "Jean")

    with smtp_server(settings) as inbox:
        ready_for_pickup(jean, 8)
        _deliver_all()

    [message] = inbox.to("jean.martin@example.fr")
    assert "K7Q2" in message.body
    assert MessageLog.objects.get(customer=jean, channel="email").status == "sent"


def test_a_shopper_who_opted_out_of_order_updates_gets_no_email(settings):
    lea = _new_shopper("lea@example.fr", "Léa")
    record_consent(
        customer_id=lea.pk,
        purpose="order_updates_email",
        granted=False,
        channel="web",
        method="preference_centre",
    )

    with smtp_server(settings) as inbox:
        ready_for_pickup(lea, 9)
        _deliver_all()

    assert inbox.messages == []
    log = MessageLog.objects.get(customer=lea, channel="email")
    assert (log.status, log.reason) == ("skipped", "opted out of order_updates_email")
