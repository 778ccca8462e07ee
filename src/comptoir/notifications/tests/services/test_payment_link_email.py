"""A payment link sent from the counter reaches the customer by email, in their language,
once per sending; paid or cancelled, there is nothing to send. Real SMTP on localhost."""

import pytest

from comptoir.core.outbox import run_due_work
from comptoir.customers.services import record_customer_profile
from comptoir.fulfilment.counter import PAY_AT_COUNTER, CounterOrder, order_at_counter
from comptoir.fulfilment.domain.sourcing import OrderLine
from comptoir.fulfilment.tests.checkout_factories import JACKET, part_dieu, shelve, warehouse
from comptoir.notifications.models import MessageLog
from comptoir.notifications.tests.inbox import smtp_server
from comptoir.orders.errors import OrderStateConflict
from comptoir.orders.services.lifecycle import cancel_order
from comptoir.orders.services.payment_links import send_payment_link
from comptoir.orders.tests.factories import HOME
from comptoir.wiring import ROUTES

pytestmark = pytest.mark.django_db(transaction=True)
ADDRESS = {k: v for k, v in HOME.items() if k not in {"lat", "lon"}}


def _deliver_all():
    while run_due_work(ROUTES, worker="test").attempted:
        pass


def _ordered_at_counter(customer, **changes):
    part_dieu("click_and_collect")
    shelve(warehouse(), 2)
    return order_at_counter(
        CounterOrder(
            store_code="lyon-part-dieu",
            lines=[OrderLine(JACKET, 1)],
            option="home_standard",
            where="home",
            customer_id=customer.pk,
            delivery_address=ADDRESS,
            **changes,
        )
    )


def test_a_guest_met_at_the_counter_gets_the_link_by_email_in_english(settings):
    guest = record_customer_profile(
        first_name="Claire",
        last_name="Dubois",
        email="claire@example.com",
        channel="store",
        language="en",
    )

    with smtp_server(settings) as inbox:
        placed = _ordered_at_counter(guest)
        _deliver_all()

    [message] = inbox.to("claire@example.com")
    assert placed.payment.payment_link in message.body
    assert placed.order.reference in str(message.message["Subject"])
    assert "pay it with this link" in str(message.message["Subject"])
    log = MessageLog.objects.get(customer=guest, kind="payment_link", channel="email")
    assert log.status == "sent"


def test_sent_again_it_is_a_second_email_and_a_cancelled_order_sends_none(settings):
    jean = record_customer_profile(
        first_name="Jean", last_name="Martin", email="jean@example.fr", channel="store"
    )
    with smtp_server(settings) as inbox:
        placed = _ordered_at_counter(jean, pay=PAY_AT_COUNTER)
        _deliver_all()
        assert inbox.messages == []
        send_payment_link(order_id=placed.order.pk)
        _deliver_all()
        cancel_order(order_id=placed.order.pk, reason="customer changed their mind")
        with pytest.raises(OrderStateConflict):
            send_payment_link(order_id=placed.order.pk)
        _deliver_all()

    [message] = inbox.to("jean@example.fr")
    assert "réglez-la avec ce lien" in str(message.message["Subject"])
