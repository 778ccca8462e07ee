"""Preferences declared and inferred, each marked; the timeline fed by events."""

import pytest

from comptoir.core import outbox
from comptoir.customers.selectors import preferences_of, timeline_of
from comptoir.customers.services import add_to_wishlist, declare_preferences, record_consent
from comptoir.customers.tests.factories import make_shopper
from comptoir.inventory.tests.factories import make_variant
from comptoir.wiring import ROUTES

pytestmark = pytest.mark.django_db


def deliver_events():
    for _ in range(3):
        outbox.run_due_work(ROUTES, worker="test-worker")


def test_a_wished_product_infers_its_category_only_with_the_personalisation_consent():
    make_variant("JACKET-M")  # in the "running" category
    jean = make_shopper()
    marie = make_shopper("marie.dupont@example.fr", first_name="Marie", last_name="Dupont")
    record_consent(
        customer_id=jean.pk,
        purpose="personalisation",
        granted=True,
        channel="web",
        method="checkbox",
    )
    for customer in (jean, marie):
        add_to_wishlist(customer_id=customer.pk, sku="JACKET-M", channel="web")

    deliver_events()

    assert [(p.kind, p.value, p.source) for p in preferences_of(customer_id=jean.pk)] == [
        ("category", "running", "inferred")
    ]
    assert list(preferences_of(customer_id=marie.pk)) == []


def test_declaring_replaces_what_was_declared_and_keeps_what_was_inferred():
    make_variant("JACKET-M")
    jean = make_shopper()
    record_consent(
        customer_id=jean.pk,
        purpose="personalisation",
        granted=True,
        channel="web",
        method="checkbox",
    )
    add_to_wishlist(customer_id=jean.pk, sku="JACKET-M", channel="web")
    deliver_events()
    declare_preferences(customer_id=jean.pk, preferences=[("size", "M")], channel="web")

    declare_preferences(
        customer_id=jean.pk, preferences=[("size", "L"), ("sport", "trail")], channel="app"
    )

    assert [(p.kind, p.value, p.source) for p in preferences_of(customer_id=jean.pk)] == [
        ("size", "L", "declared"),
        ("sport", "trail", "declared"),
        ("category", "running", "inferred"),
    ]


def test_the_timeline_shows_each_interaction_newest_first_with_its_channel():
    make_variant("JACKET-M")
    jean = make_shopper()
    record_consent(
        customer_id=jean.pk,
        purpose="in_store_recognition",
        granted=True,
        channel="store",
        method="verbal",
    )
    add_to_wishlist(customer_id=jean.pk, sku="JACKET-M", channel="app")

    deliver_events()
    deliver_events()  # delivered twice: each event lands once

    assert [(t.kind, t.channel, t.summary) for t in timeline_of(customer_id=jean.pk)] == [
        ("customer.wishlist_item_added", "app", "Added JACKET-M to the wishlist"),
        ("customer.consent_changed", "store", "Consent given: in store recognition (verbal)"),
        ("customer.registered", "web", "Account created"),
    ]
