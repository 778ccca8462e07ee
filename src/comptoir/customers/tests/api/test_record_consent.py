"""PUT /api/v1/customers/{id}/consents/{purpose} and GET …/consents."""

import pytest

from comptoir.accounts.tests.factories import make_staff
from comptoir.customers.models import ConsentRecord
from comptoir.customers.selectors import may_use
from comptoir.customers.tests.factories import make_shopper

pytestmark = pytest.mark.django_db


def put_consent(client, customer_id, purpose, body):
    return client.put(
        f"/api/v1/customers/{customer_id}/consents/{purpose}", body, content_type="application/json"
    )


def test_a_shopper_grants_then_withdraws_on_their_own_profile(client):
    jean = make_shopper()
    client.force_login(jean.user)

    granted = put_consent(client, jean.pk, "marketing_email", {"granted": True, "channel": "app"})
    withdrawn = put_consent(
        client, jean.pk, "marketing_email", {"granted": False, "method": "preference_centre"}
    )

    assert granted.status_code == withdrawn.status_code == 200
    assert granted.json()["granted"] is True
    assert withdrawn.json()["granted"] is False
    assert withdrawn.json()["recorded_by_staff"] is False
    assert may_use(customer_id=jean.pk, purpose="marketing_email") is False
    listing = client.get(f"/api/v1/customers/{jean.pk}/consents").json()
    state = {row["purpose"]: row["granted"] for row in listing["in_force"]}
    assert state == {
        "in_store_recognition": False,
        "marketing_email": False,
        "marketing_sms": False,
        "order_updates_email": True,  # part of the contract: until the shopper opts out
        "order_updates_sms": True,
        "personalisation": False,
    }
    assert [(h["granted"], h["channel"]) for h in listing["history"]] == [
        (False, "web"),
        (True, "app"),
    ]


def test_an_associate_records_a_verbal_consent_given_in_store(client):
    jean = make_shopper()
    associate = make_staff("associate")
    client.force_login(associate)

    response = put_consent(
        client,
        jean.pk,
        "in_store_recognition",
        {"granted": True, "channel": "store", "method": "verbal"},
    )

    assert response.status_code == 200
    assert response.json()["recorded_by_staff"] is True
    record = ConsentRecord.objects.get(customer=jean)
    assert (record.recorded_by_id, record.channel, record.method) == (
        associate.pk,
        "store",
        "verbal",
    )


def test_a_shopper_cannot_touch_another_shoppers_consent(client):
    jean = make_shopper()
    marie = make_shopper("marie.dupont@example.fr", first_name="Marie", last_name="Dupont")
    client.force_login(jean.user)

    response = put_consent(client, marie.pk, "marketing_email", {"granted": True})

    assert response.status_code == 404
    assert not ConsentRecord.objects.exists()
    assert client.get(f"/api/v1/customers/{marie.pk}/consents").status_code == 404


def test_an_unknown_purpose_is_a_422_naming_the_field(client):
    jean = make_shopper()
    client.force_login(jean.user)

    response = put_consent(client, jean.pk, "telepathy", {"granted": True})

    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "body.purpose"
