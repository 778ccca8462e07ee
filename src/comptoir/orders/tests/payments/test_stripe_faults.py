"""The PSP timing out between its answer and our commit, on PostgreSQL: Stripe captured, we
never recorded it; reconcile lists the capture left requested, its retry records it, and
Stripe shows one capture."""

import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command

from comptoir.core import clock
from comptoir.orders.models import Payment, PaymentOperation
from comptoir.orders.services import lifecycle
from comptoir.orders.services import payments as ledger
from comptoir.orders.services.payments import retry_operation

from .conftest import STALL_SECONDS
from .helpers import place, ready

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]


class ProcessDied(Exception):
    """Stands for the web process killed after Stripe answered, before our COMMIT."""


def _reconcile() -> tuple[int, str]:
    out = io.StringIO()
    try:
        call_command("reconcile", stdout=out)
    except SystemExit as exit_:
        return int(exit_.code or 0), out.getvalue()
    return 0, out.getvalue()


def _collect_long_ago(order):
    """The handover, ten minutes ago, so that reconcile calls its capture stale."""
    order = ready(order)
    lifecycle.collect_order(
        order_id=order.pk,
        pickup_code=order.pickup_code,
        location_id=order.pickup_location_id,
        now=clock.now() - timedelta(minutes=10),
    )


def _die_before_recording(monkeypatch):
    def died(*args, **kwargs):
        raise ProcessDied

    monkeypatch.setattr(ledger, "_record_outcome", died)


@pytest.mark.parametrize("fault", ["process-died", "answer-lost"])
def test_a_capture_stripe_did_and_we_did_not_record_is_reconciled_without_a_second_charge(
    stripe_standin, monkeypatch, fault
):
    order = place()
    intent_id = order.payment.provider_reference
    if fault == "answer-lost":
        stripe_standin.stall_next(STALL_SECONDS)
        _collect_long_ago(order)
    else:
        _die_before_recording(monkeypatch)
        with pytest.raises(ProcessDied):
            _collect_long_ago(order)
        monkeypatch.undo()
    [capture] = PaymentOperation.objects.filter(payment__order=order, kind="capture")
    assert capture.status == "requested"
    assert stripe_standin.captured(intent_id) == 12900  # Stripe took it

    found, listed = _reconcile()
    assert found == 1
    assert listed.startswith(f"operation-left-requested: order:{order.reference}: capture 129.00")

    assert retry_operation(operation_id=capture.pk).status == "succeeded"
    assert retry_operation(operation_id=capture.pk).status == "succeeded"  # a second run: no-op

    assert stripe_standin.captures == [(intent_id, 12900)]
    assert Payment.objects.get(pk=order.payment.pk).captured_amount == Decimal("129.00")
    assert _reconcile() == (0, "All add up: every stock level and every order reconciles.\n")
