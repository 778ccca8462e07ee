"""Money as a ledger: every payment operation is a row, recorded before the PSP is called and
completed after; the payment's sums move only with a succeeded operation."""

import json
import uuid
from datetime import timedelta
from decimal import Decimal

import pytest

from comptoir.core import clock
from comptoir.customers.tests.factories import make_shopper
from comptoir.orders.errors import PaymentFailed
from comptoir.orders.models import PaymentNotification
from comptoir.orders.payments.fake import SIGNATURE_HEADER, FakePsp, sign
from comptoir.orders.services import lifecycle
from comptoir.orders.services.placing import (
    LineRequest,
    OrderRequest,
    PaymentRequest,
    place_order,
)
from comptoir.orders.tests.factories import CARD_3DS, CARD_OK, make_jackets, make_location, stock

WEBHOOK = "/api/v1/payments/webhooks/fake"


def _operations():
    from comptoir.orders.models import PaymentOperation

    return PaymentOperation.objects


def _placed(card=CARD_OK, quantity=1):
    store = make_location("lyon-bellecour", city="Lyon")
    make_jackets()
    stock("JACKET-TRAIL-S", store, 5)
    return place_order(
        OrderRequest(
            channel="web",
            fulfilment_mode="click_and_collect",
            lines=[LineRequest("JACKET-TRAIL-S", quantity)],
            payment=PaymentRequest("card", card),
            customer_id=make_shopper().pk,
            pickup_location_id=store.pk,
        )
    ).order


def _collected(quantity=1):
    order = _placed(quantity=quantity)
    lifecycle.mark_ready_for_pickup(order_id=order.pk)
    order.refresh_from_db()
    lifecycle.collect_order(
        order_id=order.pk, pickup_code=order.pickup_code, location_id=order.pickup_location_id
    )
    order.refresh_from_db()
    return order


def _webhook(payment_reference: str) -> tuple[bytes, str]:
    body = json.dumps(
        {
            "id": f"evt_{uuid.uuid4().hex}",
            "payment": payment_reference,
            "status": "authorised",
            "amount": "129.00",
            "currency": "EUR",
        }
    ).encode()
    return body, sign(body)


@pytest.mark.django_db
def test_a_notification_for_a_payment_not_yet_recorded_is_not_marked_handled(client):
    body, signature = _webhook("fake_not_committed_yet")

    answer = client.post(
        WEBHOOK, body, content_type="application/json", headers={SIGNATURE_HEADER: signature}
    )

    assert answer.status_code == 503  # the PSP retries a notification it sees refused
    assert answer.headers["Content-Type"] == "application/problem+json"
    assert PaymentNotification.objects.count() == 0


@pytest.mark.django_db
def test_a_notification_retried_after_its_order_committed_is_applied(client):
    FakePsp.take_sent()
    order = _placed(card=CARD_3DS)
    [(body, signature)] = FakePsp.take_sent()
    reference = order.payment.provider_reference
    order.payment.provider_reference = "fake_elsewhere"
    order.payment.save(update_fields=["provider_reference"])  # as if not yet committed
    headers = {SIGNATURE_HEADER: signature}
    early = client.post(WEBHOOK, body, content_type="application/json", headers=headers)
    order.payment.provider_reference = reference
    order.payment.save(update_fields=["provider_reference"])

    retried = client.post(WEBHOOK, body, content_type="application/json", headers=headers)

    assert (early.status_code, retried.json()) == (503, {"outcome": "applied"})
    order.refresh_from_db()
    assert (order.status, order.payment.status, order.payment.authorised_amount) == (
        "placed",
        "authorised",
        Decimal("129.00"),
    )
    [authorise] = _operations().filter(kind="authorise")
    assert authorise.status == "succeeded"


@pytest.mark.django_db
def test_a_card_order_records_its_authorisation_as_a_succeeded_operation():
    order = _placed()

    [operation] = _operations().all()
    assert (operation.kind, operation.status, operation.amount, operation.idempotency_key) == (
        "authorise",
        "succeeded",
        Decimal("129.00"),
        f"authorise:{order.reference}",
    )
    assert order.payment.authorised_amount == Decimal("129.00")


@pytest.mark.django_db
def test_a_capture_the_psp_refuses_is_recorded_failed_and_captures_nothing():
    order = _placed()
    lifecycle.mark_ready_for_pickup(order_id=order.pk)
    order.refresh_from_db()
    FakePsp.fail_next("capture", "refused")

    lifecycle.collect_order(
        order_id=order.pk, pickup_code=order.pickup_code, location_id=order.pickup_location_id
    )

    order.refresh_from_db()
    [capture] = _operations().filter(kind="capture")
    assert (capture.status, capture.failure_reason) == ("failed", "refused by the fake PSP")
    assert (order.status, order.payment.captured_amount) == ("collected", 0)


@pytest.mark.django_db
def test_a_capture_that_times_out_stays_requested_and_a_retry_completes_it_once():
    from comptoir.orders.services.payments import retry_operation

    order = _placed()
    lifecycle.mark_ready_for_pickup(order_id=order.pk)
    order.refresh_from_db()
    FakePsp.fail_next("capture", "timeout")

    lifecycle.collect_order(
        order_id=order.pk, pickup_code=order.pickup_code, location_id=order.pickup_location_id
    )
    [capture] = _operations().filter(kind="capture")
    assert capture.status == "requested"
    retry_operation(operation_id=capture.pk)
    retry_operation(operation_id=capture.pk)

    capture.refresh_from_db()
    order.refresh_from_db()
    assert (capture.status, order.payment.captured_amount) == ("succeeded", Decimal("129.00"))
    # The PSP took it once although it was asked twice with the same key.
    assert FakePsp.captured(capture.idempotency_key) == Decimal("129.00")


@pytest.mark.django_db
def test_a_refund_is_a_succeeded_operation_and_never_more_than_captured():
    order = _collected()

    lifecycle.refund_payment(order_id=order.pk, amount=Decimal("100.00"))
    with pytest.raises(PaymentFailed):
        lifecycle.refund_payment(order_id=order.pk, amount=Decimal("30.00"))

    order.payment.refresh_from_db()
    assert order.payment.refunded_amount == Decimal("100.00")
    statuses = list(_operations().filter(kind="refund").values_list("amount", "status"))
    assert statuses == [(Decimal("100.00"), "succeeded")]


@pytest.mark.django_db
def test_a_refund_the_psp_refuses_is_a_payment_failed_and_refunds_nothing():
    order = _collected()
    FakePsp.fail_next("refund", "refused")

    with pytest.raises(PaymentFailed):
        lifecycle.refund_payment(order_id=order.pk, amount=Decimal("50.00"))

    order.payment.refresh_from_db()
    assert order.payment.refunded_amount == 0
    [refund] = _operations().filter(kind="refund")
    assert refund.status == "failed"


@pytest.mark.django_db
def test_a_refund_with_the_same_key_is_made_once():
    order = _collected()

    for _ in range(2):
        lifecycle.refund_payment(
            order_id=order.pk, amount=Decimal("20.00"), idempotency_key="refund:return:7"
        )

    order.payment.refresh_from_db()
    assert order.payment.refunded_amount == Decimal("20.00")
    assert _operations().filter(kind="refund").count() == 1


@pytest.mark.django_db
def test_a_void_the_psp_refuses_leaves_the_authorisation_open_and_reconcile_says_so():
    from comptoir.orders.selectors import money_discrepancies

    order = _placed()
    FakePsp.fail_next("void", "refused")

    lifecycle.cancel_order(order_id=order.pk, reason="changed my mind")

    order.refresh_from_db()
    [void] = _operations().filter(kind="void")
    assert (void.status, order.status, order.payment.status) == (
        "failed",
        "cancelled",
        "authorised",
    )
    assert [d.check for d in money_discrepancies()] == ["cancelled-with-open-authorisation"]


@pytest.mark.django_db
def test_a_cancelled_order_voids_its_authorisation_through_a_recorded_operation():
    from comptoir.orders.selectors import money_discrepancies

    order = _placed()

    lifecycle.cancel_order(order_id=order.pk, reason="changed my mind")

    order.refresh_from_db()
    [void] = _operations().filter(kind="void")
    assert (void.status, void.idempotency_key, order.payment.status) == (
        "succeeded",
        f"void:{order.pk}",
        "voided",
    )
    assert money_discrepancies() == []


@pytest.mark.django_db
def test_reconcile_reports_an_operation_left_requested_and_sums_that_differ_from_the_ledger():
    from comptoir.orders.selectors import money_discrepancies

    order = _placed()
    lifecycle.mark_ready_for_pickup(order_id=order.pk)
    order.refresh_from_db()
    FakePsp.fail_next("capture", "timeout")
    lifecycle.collect_order(
        order_id=order.pk, pickup_code=order.pickup_code, location_id=order.pickup_location_id
    )
    in_flight = money_discrepancies(now=clock.now())
    later = clock.now() + timedelta(minutes=30)

    found = [(d.check, d.subject) for d in money_discrepancies(now=later)]

    assert in_flight == []  # a capture the PSP is answering is not yet a discrepancy
    assert found == [("operation-left-requested", f"order:{order.reference}")]


@pytest.mark.django_db
def test_reconcile_reports_a_collected_order_whose_capture_failed():
    from comptoir.orders.selectors import money_discrepancies

    order = _placed()
    lifecycle.mark_ready_for_pickup(order_id=order.pk)
    order.refresh_from_db()
    FakePsp.fail_next("capture", "refused")
    lifecycle.collect_order(
        order_id=order.pk, pickup_code=order.pickup_code, location_id=order.pickup_location_id
    )

    [found] = money_discrepancies()

    assert (found.check, found.subject) == ("captured-as-handed-over", f"order:{order.reference}")
    assert "captured 0.00 of 129.00" in found.detail


@pytest.mark.django_db
def test_reconcile_reports_sums_that_differ_from_the_ledger():
    from comptoir.orders.models import Payment
    from comptoir.orders.selectors import money_discrepancies

    order = _collected()
    Payment.objects.filter(order=order).update(refunded_amount=Decimal("10.00"))

    found = [(d.check, d.subject) for d in money_discrepancies()]

    assert found == [("sums-match-ledger", f"order:{order.reference}")]
