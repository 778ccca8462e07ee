"""The ledger with Stripe as the PSP, against the local stand-in: what the ledger records and
what Stripe did agree, operation by operation, and a retry never takes money twice."""

import time
from decimal import Decimal

import pytest
from django.db import transaction

from comptoir.orders.domain import PaymentKind
from comptoir.orders.errors import PaymentDeclined, PaymentProviderUnavailable
from comptoir.orders.models import Order, Payment, PaymentOperation
from comptoir.orders.payments import provider
from comptoir.orders.payments.adapter import PspStatus
from comptoir.orders.services import lifecycle
from comptoir.orders.services.payments import request_operation, retry_operation, settle

from .conftest import STALL_SECONDS
from .helpers import CARD_DECLINED, place, ready


def _operate(order, kind, amount, key):
    """The ledger's two steps: the intent in a transaction, the PSP after COMMIT."""
    with transaction.atomic():
        operation = request_operation(
            payment=order.payment, kind=kind, amount=Decimal(amount), idempotency_key=key
        )
    return settle(operation)


def _posts(standin, suffix):
    return [
        key for method, path, key in standin.requests if method == "POST" and path.endswith(suffix)
    ]


@pytest.mark.django_db
def test_a_card_order_is_a_manual_capture_payment_intent_keyed_by_its_authorisation(stripe_standin):
    order = place()

    payment = order.payment
    intent = stripe_standin.intents[payment.provider_reference]
    assert (payment.provider, payment.status, payment.authorised_amount) == (
        "stripe",
        Payment.Status.AUTHORISED,
        Decimal("129.00"),
    )
    assert (intent["status"], intent["capture_method"], intent["amount"], intent["currency"]) == (
        "requires_capture",
        "manual",
        12900,
        "eur",
    )
    assert intent["metadata"] == {"comptoir_reference": order.reference}
    assert _posts(stripe_standin, "/v1/payment_intents") == [f"authorise:{order.reference}"]


@pytest.mark.django_db
def test_a_declined_card_places_nothing_and_says_why(stripe_standin):
    with pytest.raises(PaymentDeclined, match="insufficient_funds"):
        place(card=CARD_DECLINED)

    assert not Payment.objects.exists()
    [intent] = stripe_standin.intents.values()
    assert intent["status"] == "requires_payment_method"  # nothing held on the card


@pytest.mark.django_db
def test_two_parcels_are_two_captures_of_one_intent_then_a_refund_and_a_void(stripe_standin):
    order = place(quantity=2)  # 258.00 authorised
    intent_id = order.payment.provider_reference

    first = _operate(order, PaymentKind.CAPTURE, "129.00", f"capture:{order.pk}:task:1")
    second = _operate(order, PaymentKind.CAPTURE, "100.00", f"capture:{order.pk}:task:2")
    refund = _operate(order, PaymentKind.REFUND, "50.00", f"refund:{order.pk}:1")
    void = _operate(order, PaymentKind.VOID, "0", f"void:{order.pk}")

    assert [op.status for op in (first, second, refund, void)] == ["succeeded"] * 4
    intent = stripe_standin.intents[intent_id]
    assert stripe_standin.captures == [(intent_id, 12900), (intent_id, 10000)]
    assert [r["amount"] for r in stripe_standin.refunds.values()] == [5000]
    # The void released the 29.00 never captured; what was captured stays captured.
    assert (intent["status"], intent["amount_received"], intent["amount_capturable"]) == (
        "canceled",
        22900,
        0,
    )
    payment = Payment.objects.get(pk=order.payment.pk)
    assert (payment.captured_amount, payment.refunded_amount) == (
        Decimal("229.00"),
        Decimal("50.00"),
    )


@pytest.mark.django_db
def test_the_handover_captures_the_whole_authorisation(stripe_standin):
    order = ready(place())

    lifecycle.collect_order(
        order_id=order.pk, pickup_code=order.pickup_code, location_id=order.pickup_location_id
    )

    intent_id = order.payment.provider_reference
    assert stripe_standin.captures == [(intent_id, 12900)]
    assert stripe_standin.intents[intent_id]["status"] == "succeeded"
    assert Payment.objects.get(pk=order.payment.pk).captured_amount == Decimal("129.00")


@pytest.mark.django_db
def test_a_capture_whose_answer_is_late_stays_requested_and_its_retry_captures_once(stripe_standin):
    order = place()
    intent_id = order.payment.provider_reference
    stripe_standin.stall_next(STALL_SECONDS)

    timed_out = _operate(order, PaymentKind.CAPTURE, "129.00", f"capture:{order.pk}:collect")

    assert timed_out.status == "requested"  # Stripe did it; we do not know yet
    assert stripe_standin.captured(intent_id) == 12900
    retried = retry_operation(operation_id=timed_out.pk)
    assert retried.status == "succeeded"
    assert stripe_standin.captures == [(intent_id, 12900)]  # the retry was a replay
    assert _posts(stripe_standin, "/capture") == [f"capture:{order.pk}:collect:{intent_id}"] * 2
    assert Payment.objects.get(pk=order.payment.pk).captured_amount == Decimal("129.00")


@pytest.mark.django_db
def test_a_refund_stripe_refuses_is_recorded_failed_with_its_reason(stripe_standin):
    order = place()
    _operate(order, PaymentKind.CAPTURE, "129.00", f"capture:{order.pk}:collect")
    # Stripe refunded part of it from its dashboard meanwhile: less is left than we think.
    stripe_standin.intents[order.payment.provider_reference]["_refunded"] = 10000

    refund = _operate(order, PaymentKind.REFUND, "100.00", f"refund:{order.pk}:1")

    assert refund.status == "failed"
    assert "greater than unrefunded amount" in refund.failure_reason
    assert Payment.objects.get(pk=order.payment.pk).refunded_amount == Decimal("0")


@pytest.mark.django_db
def test_the_adapter_refuses_what_stripe_refuses(stripe_standin):
    """Below the ledger's own checks: the PSP's answers are mapped, not trusted blindly."""
    order = place()
    psp, reference = provider(), order.payment.provider_reference

    too_much = psp.capture(
        provider_reference=reference, amount=Decimal("130.00"), currency="EUR", idempotency_key="a"
    )
    taken = psp.capture(
        provider_reference=reference, amount=Decimal("10.00"), currency="EUR", idempotency_key="b"
    )
    replayed = psp.capture(
        provider_reference=reference, amount=Decimal("10.00"), currency="EUR", idempotency_key="b"
    )
    other_params = psp.capture(
        provider_reference=reference, amount=Decimal("20.00"), currency="EUR", idempotency_key="b"
    )

    assert (too_much.status, taken.status, replayed.status) == (
        PspStatus.FAILED,
        PspStatus.CAPTURED,
        PspStatus.CAPTURED,
    )
    assert "greater than what is capturable" in too_much.reason
    assert other_params.status == PspStatus.FAILED
    assert other_params.reason.startswith("idempotency")
    assert stripe_standin.captures == [(reference, 1000)]


@pytest.mark.django_db
def test_a_void_of_an_intent_cancelled_already_is_a_void(stripe_standin):
    order = place()
    first = provider().void(
        provider_reference=order.payment.provider_reference, idempotency_key="v1"
    )

    again = provider().void(
        provider_reference=order.payment.provider_reference, idempotency_key="v2"
    )

    assert (first.status, again.status) == (PspStatus.VOIDED, PspStatus.VOIDED)


@pytest.mark.django_db
def test_stripe_unreachable_leaves_the_operation_requested(stripe_standin, settings):
    order = place()
    settings.COMPTOIR_STRIPE_API_BASE = "http://127.0.0.1:9"  # nothing listens there

    capture = _operate(order, PaymentKind.CAPTURE, "129.00", f"capture:{order.pk}:collect")

    assert capture.status == "requested"
    assert PaymentOperation.objects.get(pk=capture.pk).finished_at is None
    assert stripe_standin.captures == []


@pytest.mark.django_db
def test_an_authorisation_whose_answer_is_lost_is_asked_again_and_held_once(stripe_standin):
    stripe_standin.stall_next(STALL_SECONDS)

    order = place()

    [intent] = stripe_standin.intents.values()
    assert order.payment.provider_reference == intent["id"]
    assert order.payment.status == Payment.Status.AUTHORISED
    assert _posts(stripe_standin, "/v1/payment_intents") == [f"authorise:{order.reference}"] * 2


@pytest.mark.django_db
def test_stripe_unreachable_at_checkout_orders_nothing_and_says_try_again(stripe_standin, settings):
    settings.COMPTOIR_STRIPE_API_BASE = "http://127.0.0.1:9"

    with pytest.raises(PaymentProviderUnavailable) as refused:
        place()

    assert refused.value.status == 503
    assert not Order.objects.exists()


@pytest.mark.django_db
def test_wrong_stripe_keys_are_not_the_customers_card_being_declined(stripe_standin, settings):
    settings.COMPTOIR_STRIPE_SECRET_KEY = "sk_test_revoked"

    with pytest.raises(PaymentProviderUnavailable, match="credentials"):
        place()

    assert stripe_standin.intents == {}


@pytest.mark.django_db
def test_a_capture_of_an_intent_stripe_does_not_know_is_refused_with_its_reason(stripe_standin):
    refused = provider().capture(
        provider_reference="pi_unknown", amount=Decimal("1.00"), currency="EUR", idempotency_key="k"
    )

    assert (refused.status, refused.reason) == (
        PspStatus.FAILED,
        "No such payment_intent: 'pi_unknown'",
    )


@pytest.mark.django_db
def test_a_retry_while_stripe_is_still_capturing_waits_and_the_capture_is_taken_once(
    stripe_standin,
):
    order = place()
    intent_id = order.payment.provider_reference
    stripe_standin.stall_next(2 * STALL_SECONDS, before=True)  # long enough for a retry
    timed_out = _operate(order, PaymentKind.CAPTURE, "129.00", f"capture:{order.pk}:collect")

    in_flight = retry_operation(operation_id=timed_out.pk)  # Stripe answers 409: key in use
    assert (timed_out.status, in_flight.status) == ("requested", "requested")
    _wait_until(lambda: stripe_standin.captured(intent_id))
    settled = retry_operation(operation_id=timed_out.pk)

    assert settled.status == "succeeded"
    assert stripe_standin.captures == [(intent_id, 12900)]
    assert Payment.objects.get(pk=order.payment.pk).captured_amount == Decimal("129.00")


def _wait_until(condition, timeout=10.0):
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "the stand-in never finished"
        time.sleep(0.05)
