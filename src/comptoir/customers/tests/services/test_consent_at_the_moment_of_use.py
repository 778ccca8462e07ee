"""Consent checked when data is used, not only when it was collected (issue 13, #11)."""

import pytest

from comptoir.core.models import OutboxEvent
from comptoir.customers.errors import ConsentRequired
from comptoir.customers.models import Preference
from comptoir.customers.selectors import may_use, preferences_of
from comptoir.customers.services import (
    declare_preferences,
    infer_preference,
    record_consent,
    request_marketing_message,
)
from comptoir.customers.tests.factories import make_shopper

pytestmark = pytest.mark.django_db


def _consent(customer, purpose, granted):
    record_consent(
        customer_id=customer.pk,
        purpose=purpose,
        granted=granted,
        channel="web",
        method="preference_centre",
    )


def _preferences(customer):
    return [(p.kind, p.value, p.source) for p in preferences_of(customer_id=customer.pk)]


def test_withdrawing_personalisation_removes_what_was_inferred_under_it_and_keeps_declarations():
    jean = make_shopper()
    _consent(jean, "personalisation", True)
    infer_preference(customer_id=jean.pk, kind="category", value="running")
    declare_preferences(customer_id=jean.pk, preferences=[("size", "M")], channel="web")

    _consent(jean, "personalisation", False)

    assert _preferences(jean) == [("size", "M", "declared")]
    assert not Preference.objects.filter(customer=jean, source="inferred").exists()


def test_an_inferred_preference_is_not_read_without_the_consent_in_force():
    """A row inferred under a consent that is no longer in force (written before withdrawals
    removed them, or by a path that forgot) is never handed out."""
    jean = make_shopper()
    _consent(jean, "personalisation", True)
    infer_preference(customer_id=jean.pk, kind="category", value="running")
    Preference.objects.create(
        customer=jean, kind="sport", value="trail", source="inferred", updated_at=jean.created_at
    )
    _consent(jean, "personalisation", False)
    Preference.objects.create(  # as if written after the withdrawal
        customer=jean, kind="sport", value="trail", source="inferred", updated_at=jean.created_at
    )

    assert _preferences(jean) == []


def test_nothing_is_inferred_once_the_consent_is_withdrawn():
    jean = make_shopper()
    _consent(jean, "personalisation", True)
    _consent(jean, "personalisation", False)

    assert infer_preference(customer_id=jean.pk, kind="category", value="running") is None
    assert not Preference.objects.filter(customer=jean).exists()


def test_order_updates_go_unless_the_shopper_opted_out():
    new, opted_out = make_shopper(), make_shopper("lea@example.fr", first_name="Léa")
    _consent(opted_out, "order_updates_email", False)

    assert may_use(customer_id=new.pk, purpose="order_updates_email") is True
    assert may_use(customer_id=new.pk, purpose="order_updates_sms") is True
    assert may_use(customer_id=opted_out.pk, purpose="order_updates_email") is False


@pytest.mark.parametrize("purpose", ["marketing_email", "marketing_sms", "personalisation"])
def test_a_purpose_beyond_the_contract_needs_a_consent_given(purpose):
    new = make_shopper()
    assert may_use(customer_id=new.pk, purpose=purpose) is False


def test_marketing_without_consent_never_goes_even_to_a_shopper_who_gets_order_updates():
    new = make_shopper()
    events_before = OutboxEvent.objects.count()

    with pytest.raises(ConsentRequired):
        request_marketing_message(customer_id=new.pk, purpose="marketing_email", campaign="soldes")

    assert OutboxEvent.objects.count() == events_before
    assert not OutboxEvent.objects.filter(type="customer.marketing_message_requested").exists()


def test_an_erased_profile_is_never_written_to():
    from comptoir.customers.services import erase_customer

    jean = make_shopper()
    erase_customer(customer_id=jean.pk, requested_by_id=None)

    assert may_use(customer_id=jean.pk, purpose="order_updates_email") is False
