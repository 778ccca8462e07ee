"""Stripe's webhooks, signed as Stripe signs them (`Stripe-Signature`), through the API's PSP
webhook endpoint: 3-D Secure settled, a failure, a payment link paid, a forgery refused."""

from decimal import Decimal

import pytest

from comptoir.orders.models import Order, Payment, PaymentNotification
from comptoir.orders.services import lifecycle
from comptoir.orders.tests.stripe_standin import sign

from .helpers import CARD_3DS, place, ready

WEBHOOK = "/api/v1/payments/webhooks/stripe"


def _deliver(client, body, signature):
    return client.post(
        WEBHOOK, body, content_type="application/json", headers={"Stripe-Signature": signature}
    )


@pytest.mark.django_db
def test_3d_secure_passed_places_the_order_once(client, stripe_standin):
    order = place(card=CARD_3DS)
    assert (order.status, order.payment.status) == ("awaiting_payment", Payment.Status.PENDING)
    body, signature = stripe_standin.authenticate(order.payment.provider_reference)

    first = _deliver(client, body, signature)
    again = _deliver(client, body, signature)  # Stripe delivers at least once

    assert (first.json(), again.json()) == ({"outcome": "applied"}, {"outcome": "duplicate"})
    order.refresh_from_db()
    assert (order.status, order.payment.status, order.payment.authorised_amount) == (
        "placed",
        Payment.Status.AUTHORISED,
        Decimal("129.00"),
    )


@pytest.mark.django_db
def test_3d_secure_failed_declines_the_payment_and_cancels_the_order(client, stripe_standin):
    order = place(card=CARD_3DS)
    body, signature = stripe_standin.authenticate(order.payment.provider_reference, succeeds=False)

    answer = _deliver(client, body, signature)

    assert answer.json() == {"outcome": "applied"}
    order.refresh_from_db()
    assert (order.status, order.payment.status) == ("cancelled", Payment.Status.DECLINED)
    assert order.payment.decline_reason == "authentication_required"


@pytest.mark.django_db
def test_a_webhook_signed_with_another_secret_is_refused_and_changes_nothing(
    client, stripe_standin
):
    order = place(card=CARD_3DS)
    body, _ = stripe_standin.authenticate(order.payment.provider_reference)

    forged = _deliver(client, body, sign(body, "whsec_someone_else"))
    unsigned = _deliver(client, body, "")

    assert (forged.status_code, unsigned.status_code) == (422, 422)
    assert forged.headers["Content-Type"] == "application/problem+json"
    assert forged.json()["errors"][0]["field"] == "header.signature"
    assert not PaymentNotification.objects.exists()
    assert Order.objects.get(pk=order.pk).status == "awaiting_payment"


@pytest.mark.django_db
def test_a_webhook_signed_long_ago_is_refused(client, stripe_standin):
    """Stripe's library refuses a timestamp past its tolerance: an old body cannot be replayed."""
    order = place(card=CARD_3DS)
    body, _ = stripe_standin.authenticate(order.payment.provider_reference)

    answer = _deliver(client, body, sign(body, timestamp=1_600_000_000))

    assert answer.status_code == 422
    assert Order.objects.get(pk=order.pk).status == "awaiting_payment"


@pytest.mark.django_db
def test_an_event_comptoir_does_not_act_on_is_acknowledged(client, stripe_standin):
    body, signature = stripe_standin.event("charge.updated", {"id": "ch_1", "object": "charge"})

    answer = _deliver(client, body, signature)

    assert (answer.status_code, answer.json()) == (200, {"outcome": "ignored"})
    assert not PaymentNotification.objects.exists()


@pytest.mark.django_db
def test_a_payment_link_is_a_checkout_session_whose_payment_is_captured_at_the_handover(
    client, stripe_standin
):
    order = place(method="payment_link")
    session_id = order.payment.provider_reference
    session = stripe_standin.sessions[session_id]
    assert (order.payment.payment_link, session["amount_total"]) == (session["url"], 12900)
    body, signature = stripe_standin.pay_session(session_id)
    assert _deliver(client, body, signature).json() == {"outcome": "applied"}
    order = ready(Order.objects.get(pk=order.pk))

    lifecycle.collect_order(
        order_id=order.pk, pickup_code=order.pickup_code, location_id=order.pickup_location_id
    )

    intent_id = stripe_standin.sessions[session_id]["payment_intent"]
    assert stripe_standin.captures == [(intent_id, 12900)]
    assert Payment.objects.get(pk=order.payment.pk).captured_amount == Decimal("129.00")


@pytest.mark.django_db
def test_a_payment_link_of_a_cancelled_order_is_expired_so_it_can_no_longer_be_paid(
    stripe_standin,
):
    order = place(method="payment_link")

    lifecycle.cancel_order(order_id=order.pk, reason="customer changed their mind")

    session = stripe_standin.sessions[order.payment.provider_reference]
    assert session["status"] == "expired"
    assert Payment.objects.get(pk=order.payment.pk).status == Payment.Status.VOIDED
