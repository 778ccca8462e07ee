"""A web account (by email) and a store record (by phone) turn out to be one person.

An agent merges them through HTTP; every cart line, consent, wishlist item, identity and
timeline entry ends up on the survivor, and the audit says who, when and why.
"""

import pytest
from django.test import Client

from comptoir.accounts.tests.factories import make_staff
from comptoir.carts.models import Cart
from comptoir.carts.services import add_line, cart_of_customer
from comptoir.core import outbox
from comptoir.core.models import OutboxEvent
from comptoir.customers.models import Customer, ProfileMerge, TimelineEntry
from comptoir.customers.selectors import customer_id_by_identity, may_use
from comptoir.customers.services import add_to_wishlist, record_consent
from comptoir.customers.tests.factories import make_shopper, make_store_record
from comptoir.inventory.tests.factories import make_variant
from comptoir.wiring import ROUTES

pytestmark = pytest.mark.django_db

JSON = "application/json"


def deliver_events():
    for _ in range(3):
        outbox.run_due_work(ROUTES, worker="test-worker")


def test_an_agent_merges_a_web_account_and_a_store_record_and_everything_follows():
    make_variant("JACKET-M")
    make_variant("BOTTLE-750")
    web = make_shopper("jean.martin@example.fr")
    store = make_store_record(phone="06 12 34 56 78", store_record="LYON-000123")
    record_consent(
        customer_id=web.pk,
        purpose="marketing_email",
        granted=True,
        channel="web",
        method="checkbox",
    )
    record_consent(
        customer_id=store.pk,
        purpose="in_store_recognition",
        granted=True,
        channel="store",
        method="verbal",
    )
    add_to_wishlist(customer_id=store.pk, sku="BOTTLE-750", channel="store")
    add_line(
        cart_id=cart_of_customer(customer_id=web.pk, channel="web").pk,
        sku="JACKET-M",
        quantity=1,
        channel="web",
    )
    store_cart = cart_of_customer(customer_id=store.pk, channel="store")
    add_line(cart_id=store_cart.pk, sku="JACKET-M", quantity=1, channel="store")
    add_line(cart_id=store_cart.pk, sku="BOTTLE-750", quantity=2, channel="store")
    deliver_events()
    store_timeline = TimelineEntry.objects.filter(customer=store).count()
    agent = make_staff("agent")
    client = Client()
    client.force_login(agent)

    response = client.post(
        f"/api/v1/customers/{web.pk}/merges",
        {"merged_id": store.pk, "reason": "same person: phone read back by the customer"},
        content_type=JSON,
    )
    deliver_events()

    assert response.status_code == 201
    assert response.json()["moved"] == {
        "identities": 2,
        "consents": 1,
        "timeline": store_timeline,
        "store_visits": 0,
        "wishlist": 1,
        "preferences": 0,
    }
    audit = ProfileMerge.objects.get()
    assert (audit.survivor_id, audit.merged_id, audit.merged_by_id) == (web.pk, store.pk, agent.pk)
    assert audit.reason == "same person: phone read back by the customer"
    survivor = Customer.objects.get(pk=web.pk)
    assert (survivor.email, survivor.phone) == ("jean.martin@example.fr", "+33612345678")
    assert Customer.objects.get(pk=store.pk).merged_into_id == web.pk
    # Consents, identities, wishlist, timeline and carts are all the survivor's now.
    assert may_use(customer_id=web.pk, purpose="in_store_recognition") is True
    assert may_use(customer_id=web.pk, purpose="marketing_email") is True
    assert customer_id_by_identity(kind="store_record", value="lyon-000123") == web.pk
    assert customer_id_by_identity(kind="phone", value="+33612345678") == web.pk
    assert not TimelineEntry.objects.filter(customer=store).exists()
    assert TimelineEntry.objects.filter(customer=web, kind="customer.merged").exists()
    wishlist = client.get(f"/api/v1/customers/{web.pk}/wishlist").json()
    assert [item["sku"] for item in wishlist["items"]] == ["BOTTLE-750"]
    cart = Cart.objects.get(customer=web, status="open")
    assert dict(cart.lines.values_list("variant__sku", "quantity")) == {
        "JACKET-M": 2,
        "BOTTLE-750": 2,
    }
    assert not Cart.objects.filter(customer=store).exists()
    event = OutboxEvent.objects.get(type="customer.merged")
    assert (event.payload["survivor_id"], event.payload["merged_id"]) == (web.pk, store.pk)


def test_a_shopper_cannot_merge_profiles():
    jean = make_shopper()
    other = make_store_record()
    client = Client()
    client.force_login(jean.user)

    response = client.post(
        f"/api/v1/customers/{jean.pk}/merges",
        {"merged_id": other.pk, "reason": "mine"},
        content_type=JSON,
    )

    assert response.status_code == 403
    assert not ProfileMerge.objects.exists()
