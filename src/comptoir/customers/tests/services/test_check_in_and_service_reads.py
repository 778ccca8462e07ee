"""Check-in by loyalty card (the associate's scan, the kiosk) and the reads an associate makes
of a customer: each only within the consent the person gave."""

from datetime import timedelta

import pytest

from comptoir.core import clock
from comptoir.core.models import OutboxEvent
from comptoir.customers.errors import ConsentRequired, CustomerNotFound
from comptoir.customers.models import StoreVisit
from comptoir.customers.selectors import (
    arrivals_after,
    in_store_now,
    latest_visit_id,
    preferences_for_service,
    visit_ids_since,
)
from comptoir.customers.services import (
    add_identity,
    check_in_by_loyalty_card,
    declare_preferences,
    infer_preference,
    record_consent,
)
from comptoir.customers.tests.factories import make_shopper
from comptoir.orders.tests.factories import make_location

pytestmark = pytest.mark.django_db
CARD = "2900000000017"


def consent(customer, purpose, granted=True):
    record_consent(
        customer_id=customer.pk, purpose=purpose, granted=granted, channel="app", method="checkbox"
    )


def jean_with_his_card():
    jean = make_shopper()
    add_identity(customer_id=jean.pk, kind="loyalty_card", value=CARD, channel="store")
    return jean


def test_no_check_in_by_loyalty_card_without_the_recognition_consent():
    make_location("lyon-part-dieu", city="Lyon")
    jean_with_his_card()
    events_before = OutboxEvent.objects.count()

    with pytest.raises(ConsentRequired):
        check_in_by_loyalty_card(loyalty_card=CARD, location_code="lyon-part-dieu")

    assert StoreVisit.objects.count() == 0
    assert OutboxEvent.objects.count() == events_before


def test_a_withdrawn_recognition_consent_refuses_the_next_check_in():
    make_location("lyon-part-dieu", city="Lyon")
    jean = jean_with_his_card()
    consent(jean, "in_store_recognition")
    consent(jean, "in_store_recognition", granted=False)

    with pytest.raises(ConsentRequired):
        check_in_by_loyalty_card(loyalty_card=CARD, location_code="lyon-part-dieu")
    assert StoreVisit.objects.count() == 0


def test_a_loyalty_card_checks_its_holder_in_at_the_store_with_consent():
    store = make_location("lyon-part-dieu", city="Lyon")
    jean = jean_with_his_card()
    consent(jean, "in_store_recognition")

    visit = check_in_by_loyalty_card(
        loyalty_card=" 2900000000017 ", location_code="lyon-part-dieu", checked_in_by_id=7
    )

    assert (visit.customer_id, visit.location_id, visit.method, visit.checked_in_by_id) == (
        jean.pk,
        store.pk,
        "loyalty_card",
        7,
    )
    assert OutboxEvent.objects.filter(type="customer.checked_in").count() == 1


def test_an_unknown_loyalty_card_checks_nobody_in():
    make_location("lyon-part-dieu", city="Lyon")

    with pytest.raises(CustomerNotFound):
        check_in_by_loyalty_card(loyalty_card="2900000000999", location_code="lyon-part-dieu")
    assert StoreVisit.objects.count() == 0


def test_the_live_feed_gives_arrivals_after_the_last_one_heard_and_drops_a_withdrawn_consent():
    store = make_location("lyon-part-dieu", city="Lyon")
    jean = jean_with_his_card()
    sofia = make_shopper("sofia@example.fr", first_name="Sofia", last_name="Durand")
    for person in (jean, sofia):
        consent(person, "in_store_recognition")
    heard = latest_visit_id(location_id=store.pk)
    since = clock.now() - timedelta(hours=3)

    first = check_in_by_loyalty_card(loyalty_card=CARD, location_code="lyon-part-dieu")
    assert [
        a.first_name
        for a in arrivals_after(location_id=store.pk, after_visit_id=heard, since=since)
    ] == ["Jean"]
    assert arrivals_after(location_id=store.pk, after_visit_id=first.pk, since=since) == []

    from comptoir.customers.services import check_in

    check_in(customer_id=sofia.pk, location_code="lyon-part-dieu", method="entrance_qr")
    consent(sofia, "in_store_recognition", granted=False)
    assert arrivals_after(location_id=store.pk, after_visit_id=first.pk, since=since) == []


def test_preferences_are_hidden_from_the_associate_without_the_personalisation_consent():
    jean = make_shopper()
    declare_preferences(customer_id=jean.pk, preferences=[("size", "M")], channel="web")

    assert preferences_for_service(customer_id=jean.pk) == []

    consent(jean, "personalisation")
    infer_preference(customer_id=jean.pk, kind="category", value="running")
    assert [(p.kind, p.value, p.source) for p in preferences_for_service(customer_id=jean.pk)] == [
        ("size", "M", "declared"),
        ("category", "running", "inferred"),
    ]

    consent(jean, "personalisation", granted=False)
    assert preferences_for_service(customer_id=jean.pk) == []


def test_in_store_now_shows_favourite_categories_only_with_the_personalisation_consent():
    store = make_location("lyon-part-dieu", city="Lyon")
    jean = jean_with_his_card()
    consent(jean, "in_store_recognition")
    declare_preferences(customer_id=jean.pk, preferences=[("category", "running")], channel="web")
    check_in_by_loyalty_card(loyalty_card=CARD, location_code="lyon-part-dieu")
    since = clock.now() - timedelta(hours=3)

    [shopper] = in_store_now(location_id=store.pk, since=since)
    assert shopper.favourite_categories == []

    consent(jean, "personalisation")
    [shopper] = in_store_now(location_id=store.pk, since=since)
    assert shopper.favourite_categories == ["running"]


def test_a_check_in_that_commits_after_a_later_one_was_heard_is_still_told():
    """Ids are drawn at insert: visit 1 may commit after visit 2 was told to the feed."""
    store = make_location("lyon-part-dieu", city="Lyon")
    jean = jean_with_his_card()
    sofia = make_shopper("sofia@example.fr", first_name="Sofia", last_name="Durand")
    for person in (jean, sofia):
        consent(person, "in_store_recognition")
    since = clock.now() - timedelta(hours=3)
    late_since = clock.now() - timedelta(seconds=5)
    first = check_in_by_loyalty_card(loyalty_card=CARD, location_code="lyon-part-dieu")
    from comptoir.customers.services import check_in

    second = check_in(customer_id=sofia.pk, location_code="lyon-part-dieu", method="entrance_qr")
    # The feed told Sofia (the higher id) while Jean's check-in was not committed yet.
    heard = {second.pk}

    told = arrivals_after(
        location_id=store.pk,
        after_visit_id=second.pk,
        since=since,
        late_since=late_since,
        heard=heard,
    )

    assert [a.visit_id for a in told] == [first.pk]
    assert visit_ids_since(location_id=store.pk, since=late_since, up_to=second.pk) == {
        first.pk,
        second.pk,
    }
