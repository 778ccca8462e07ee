"""Consent per purpose: the latest record is in force, history is kept, uses check it."""

import pytest

from comptoir.core.errors import ValidationFailed
from comptoir.core.models import OutboxEvent
from comptoir.customers.errors import ConsentRequired
from comptoir.customers.selectors import consent_history, contact_details, may_use
from comptoir.customers.services import (
    record_consent,
    record_customer_profile,
    request_marketing_message,
)
from comptoir.customers.tests.factories import make_shopper

pytestmark = pytest.mark.django_db


def grant(customer, purpose, granted=True, channel="web", method="checkbox"):
    return record_consent(
        customer_id=customer.pk, purpose=purpose, granted=granted, channel=channel, method=method
    )


def test_no_consent_recorded_means_no_use():
    jean = make_shopper()

    assert may_use(customer_id=jean.pk, purpose="marketing_email") is False


def test_the_latest_answer_is_in_force_and_the_history_keeps_both():
    jean = make_shopper()
    grant(jean, "marketing_sms", channel="store", method="verbal")
    grant(jean, "marketing_sms", granted=False, channel="web", method="unsubscribe_link")

    assert may_use(customer_id=jean.pk, purpose="marketing_sms") is False
    assert [(r.granted, r.channel, r.method) for r in consent_history(customer_id=jean.pk)] == [
        (False, "web", "unsubscribe_link"),
        (True, "store", "verbal"),
    ]


def test_a_consent_for_one_purpose_does_not_grant_another():
    jean = make_shopper()
    grant(jean, "marketing_email")

    assert may_use(customer_id=jean.pk, purpose="marketing_email") is True
    assert may_use(customer_id=jean.pk, purpose="marketing_sms") is False
    assert may_use(customer_id=jean.pk, purpose="in_store_recognition") is False


def test_an_unknown_purpose_is_a_programming_error_not_a_silent_no():
    jean = make_shopper()

    with pytest.raises(ValueError, match="unknown purpose"):
        may_use(customer_id=jean.pk, purpose="marketing")


def test_recording_an_unknown_purpose_names_the_field():
    jean = make_shopper()

    with pytest.raises(ValidationFailed) as raised:
        grant(jean, "telepathy")

    assert raised.value.errors[0]["field"] == "purpose"


def test_no_marketing_event_without_the_matching_consent():
    jean = make_shopper()
    grant(jean, "marketing_sms")

    with pytest.raises(ConsentRequired):
        request_marketing_message(
            customer_id=jean.pk, purpose="marketing_email", campaign="black-friday"
        )

    assert not OutboxEvent.objects.filter(type="customer.marketing_message_requested").exists()


def test_a_marketing_event_is_recorded_with_the_consent():
    jean = make_shopper()
    grant(jean, "marketing_email")

    request_marketing_message(customer_id=jean.pk, purpose="marketing_email", campaign="bf")

    event = OutboxEvent.objects.get(type="customer.marketing_message_requested")
    assert event.payload == {
        "customer_id": jean.pk,
        "purpose": "marketing_email",
        "campaign": "bf",
        "channel": "web",
    }


def test_contact_details_carry_email_phone_and_language():
    marie = record_customer_profile(
        first_name="Marie",
        last_name="Dupont",
        email="Marie.Dupont@Example.fr",
        phone="06 12 34 56 78",
        channel="store",
    )

    details = contact_details(customer_id=marie.pk)

    assert details.email == "marie.dupont@example.fr"
    assert details.phone == "+33612345678"
    assert (details.first_name, details.last_name, details.language) == ("Marie", "Dupont", "fr")


def test_a_phone_that_cannot_exist_is_refused_with_its_field():
    with pytest.raises(ValidationFailed) as raised:
        record_customer_profile(
            first_name="Marie", last_name="Dupont", email=None, phone="+33 6 12 34", channel="store"
        )

    assert raised.value.errors == [
        {"field": "phone", "message": "a phone number that exists, such as +33 6 12 34 56 78"}
    ]
