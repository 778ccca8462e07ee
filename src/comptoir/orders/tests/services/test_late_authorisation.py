"""An authorisation the PSP confirms after its order was cancelled is voided through the ledger:
the void's intent is a `requested` row written with the notification, the PSP is asked after
COMMIT, and a PSP that fails leaves a row that reconcile lists and `retry_operation` completes.
The webhook answers 2xx either way, so the PSP stops redelivering a notification that was
recorded."""

from datetime import timedelta

import pytest

from comptoir.core import clock
from comptoir.customers.tests.factories import make_shopper
from comptoir.orders.models import PaymentNotification, PaymentOperation
from comptoir.orders.payments.fake import SIGNATURE_HEADER, FakePsp
from comptoir.orders.selectors import money_discrepancies
from comptoir.orders.services import lifecycle, payments
from comptoir.orders.services.placing import (
    LineRequest,
    OrderRequest,
    PaymentRequest,
    place_order,
)
from comptoir.orders.tests.factories import CARD_3DS, make_jackets, make_location, stock

WEBHOOK = "/api/v1/payments/webhooks/fake"


def _pending_order_and_its_webhook():
    """A 3-D Secure order still awaiting its payment, and the PSP's 'authorised' webhook."""
    store = make_location("lyon-bellecour", city="Lyon")
    make_jackets()
    stock("JACKET-TRAIL-S", store, 5)
    FakePsp.take_sent()
    order = place_order(
        OrderRequest(
            channel="web",
            fulfilment_mode="click_and_collect",
            lines=[LineRequest("JACKET-TRAIL-S", 1)],
            payment=PaymentRequest("card", CARD_3DS),
            customer_id=make_shopper().pk,
            pickup_location_id=store.pk,
        )
    ).order
    [webhook] = FakePsp.take_sent()
    return order, webhook


def _deliver(client, webhook):
    body, signature = webhook
    return client.post(
        WEBHOOK, body, content_type="application/json", headers={SIGNATURE_HEADER: signature}
    )


def _late_void(order) -> PaymentOperation:
    return PaymentOperation.objects.get(
        kind="void", idempotency_key=f"void:late:{order.payment.pk}"
    )


@pytest.mark.django_db
def test_a_late_authorisation_of_a_voided_payment_is_voided_through_the_ledger(client):
    order, webhook = _pending_order_and_its_webhook()
    lifecycle.cancel_order(order_id=order.pk, reason="payment not received in time")

    answer = _deliver(client, webhook)

    assert answer.status_code == 200
    order.refresh_from_db()
    late = _late_void(order)
    assert (late.status, order.status, order.payment.status) == (
        "succeeded",
        "cancelled",
        "voided",
    )
    assert money_discrepancies() == []


@pytest.mark.django_db
def test_a_late_void_the_psp_does_not_answer_is_left_requested_and_retried_once(client):
    """Scenario A: the notification is recorded with the void's intent, the webhook answers
    2xx (a 500 would make the PSP redeliver it, find it 'duplicate' and void nothing)."""
    order, webhook = _pending_order_and_its_webhook()
    lifecycle.cancel_order(order_id=order.pk, reason="payment not received in time")
    FakePsp.fail_next("void", "timeout")

    answer = _deliver(client, webhook)
    again = _deliver(client, webhook)

    assert (answer.status_code, again.json()) == (200, {"outcome": "duplicate"})
    assert PaymentNotification.objects.count() == 1
    late = _late_void(order)
    assert late.status == "requested"
    later = clock.now() + timedelta(minutes=30)
    assert [(d.check, d.subject) for d in money_discrepancies(now=later)] == [
        ("operation-left-requested", f"order:{order.reference}")
    ]
    assert payments.retry_operation(operation_id=late.pk).status == "succeeded"
    assert money_discrepancies(now=later) == []


@pytest.mark.django_db
def test_a_late_void_the_psp_refuses_is_a_failed_row_that_reconcile_lists(client):
    order, webhook = _pending_order_and_its_webhook()
    lifecycle.cancel_order(order_id=order.pk, reason="payment not received in time")
    FakePsp.fail_next("void", "refused")

    answer = _deliver(client, webhook)

    assert answer.status_code == 200
    assert _late_void(order).status == "failed"
    assert [(d.check, d.subject) for d in money_discrepancies()] == [
        ("cancelled-with-open-authorisation", f"order:{order.reference}")
    ]


@pytest.mark.django_db
def test_a_late_authorisation_of_a_cancelled_order_whose_void_failed_is_voided(client):
    """Scenario B: the cancellation's void was refused, so the payment is still pending and the
    order cancelled. The 'authorised' webhook must not try to place the order (409 on every
    redelivery, nothing ever voided): it voids the authorisation instead."""
    order, webhook = _pending_order_and_its_webhook()
    FakePsp.fail_next("void", "refused")
    lifecycle.cancel_order(order_id=order.pk, reason="payment not received in time")
    order.payment.refresh_from_db()
    assert order.payment.status == "pending"

    answer = _deliver(client, webhook)

    assert answer.status_code == 200
    order.refresh_from_db()
    late = _late_void(order)
    assert (late.status, order.status, order.payment.status) == (
        "succeeded",
        "cancelled",
        "voided",
    )
    assert PaymentNotification.objects.count() == 1
    assert money_discrepancies() == []


@pytest.mark.django_db
def test_a_late_authorisation_of_a_cancelled_order_whose_void_times_out_too_is_kept(client):
    order, webhook = _pending_order_and_its_webhook()
    FakePsp.fail_next("void", "refused")
    lifecycle.cancel_order(order_id=order.pk, reason="payment not received in time")
    FakePsp.fail_next("void", "timeout")

    answer = _deliver(client, webhook)

    assert answer.status_code == 200
    order.refresh_from_db()
    assert (_late_void(order).status, order.status) == ("requested", "cancelled")
    assert PaymentNotification.objects.count() == 1
