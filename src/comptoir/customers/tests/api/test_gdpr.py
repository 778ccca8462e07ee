"""GET /customers/{id}/export and POST /customers/{id}/erasure — both logged."""

import pytest
from django.contrib.auth import get_user_model

from comptoir.accounts.tests.factories import make_staff
from comptoir.carts.models import Cart
from comptoir.carts.services import add_line, cart_of_customer
from comptoir.core import outbox
from comptoir.customers.models import ConsentRecord, Customer, DataRequest, Identity
from comptoir.customers.services import add_identity, add_to_wishlist, record_consent
from comptoir.customers.tests.factories import SHOPPER_PASSWORD, make_shopper
from comptoir.inventory.tests.factories import make_variant
from comptoir.wiring import ROUTES

pytestmark = pytest.mark.django_db


def jean_with_everything():
    make_variant("JACKET-M")
    jean = make_shopper()
    add_identity(customer_id=jean.pk, kind="phone", value="0612345678", channel="web")
    record_consent(
        customer_id=jean.pk, purpose="marketing_sms", granted=True, channel="web", method="checkbox"
    )
    add_to_wishlist(customer_id=jean.pk, sku="JACKET-M", channel="app")
    add_line(
        cart_id=cart_of_customer(customer_id=jean.pk, channel="web").pk,
        sku="JACKET-M",
        quantity=2,
        channel="web",
    )
    return jean


def test_a_shopper_exports_everything_held_on_them_and_the_export_is_logged(client):
    jean = jean_with_everything()
    client.force_login(jean.user)

    response = client.get(f"/api/v1/customers/{jean.pk}/export")

    assert response.status_code == 200
    data = response.json()
    assert data["format"] == "comptoir-personal-data/1"
    assert data["profile"]["email"] == "jean.martin@example.fr"
    assert data["profile"]["phone"] == "+33612345678"
    assert {(i["kind"], i["value"]) for i in data["identities"]} == {
        ("email", "jean.martin@example.fr"),
        ("phone", "+33612345678"),
    }
    assert [(c["purpose"], c["granted"]) for c in data["consents"]] == [("marketing_sms", True)]
    assert [w["sku"] for w in data["wishlist"]] == ["JACKET-M"]
    assert [[line["quantity"] for line in c["lines"]] for c in data["carts"]] == [[2]]
    log = DataRequest.objects.get()
    assert (log.customer_id, log.kind, log.requested_by_id) == (jean.pk, "export", jean.user.pk)


def test_erasure_anonymises_the_person_keeps_consent_proof_and_is_logged(client):
    jean = jean_with_everything()
    operations = make_staff("operations")
    client.force_login(operations)

    response = client.post(f"/api/v1/customers/{jean.pk}/erasure")
    for _ in range(2):
        outbox.run_due_work(ROUTES, worker="test-worker")

    assert response.status_code == 200
    erased = Customer.objects.get(pk=jean.pk)
    assert (erased.first_name, erased.email, erased.phone, erased.user_id) == (
        "Erased",
        None,
        None,
        None,
    )
    assert erased.erased_at is not None
    assert not Identity.objects.filter(customer=jean).exists()
    assert not erased.wishlist.exists()
    assert not Cart.objects.filter(customer=jean).exists()
    assert ConsentRecord.objects.filter(customer=jean).count() == 1  # proof of lawful use
    user = get_user_model().objects.get(pk=jean.user.pk)
    assert not user.is_active
    assert not user.check_password(SHOPPER_PASSWORD)
    assert "jean" not in user.username
    log = DataRequest.objects.get()
    assert (log.kind, log.requested_by_id) == ("erasure", operations.pk)


def test_an_agent_may_export_but_not_erase(client):
    jean = jean_with_everything()
    client.force_login(make_staff("agent"))

    assert client.get(f"/api/v1/customers/{jean.pk}/export").status_code == 200
    assert client.post(f"/api/v1/customers/{jean.pk}/erasure").status_code == 403
    assert Customer.objects.get(pk=jean.pk).erased_at is None
