"""Identities: lookup by any of them; matching only on verified email or phone."""

import pytest

from comptoir.customers.errors import IdentityTaken
from comptoir.customers.models import Customer, ProfileMerge
from comptoir.customers.selectors import customer_id_by_identity
from comptoir.customers.services import add_identity
from comptoir.customers.tests.factories import make_shopper, make_store_record

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("kind", "stored", "asked"),
    [
        pytest.param("email", "Jean.Martin@Example.fr", "jean.martin@example.fr", id="email_case"),
        pytest.param("phone", "06 12 34 56 78", "+33612345678", id="phone_national"),
        pytest.param("loyalty_card", "elan 0042 1234", "ELAN00421234", id="loyalty_card_case"),
        pytest.param("app_device", "d3v-1ce", "D3V-1CE", id="app_device_case"),
        pytest.param("store_record", "lyon-000123", "LYON-000123", id="store_record_case"),
    ],
)
def test_a_profile_is_found_by_any_of_its_identities(kind, stored, asked):
    jean = make_shopper("someone@example.fr")
    add_identity(customer_id=jean.pk, kind=kind, value=stored, channel="store")

    assert customer_id_by_identity(kind=kind, value=asked) == jean.pk


def test_an_unknown_identity_finds_nobody():
    make_shopper()

    assert customer_id_by_identity(kind="loyalty_card", value="ELAN-404") is None
    assert customer_id_by_identity(kind="phone", value="not a phone") is None


def test_an_unverified_phone_shared_by_two_profiles_finds_nobody_and_merges_nothing():
    first = make_store_record(first_name="Jean", phone="+33612345678")
    second = make_store_record(first_name="Jeanne", phone="06 12 34 56 78")

    assert customer_id_by_identity(kind="phone", value="+33612345678") is None
    assert Customer.objects.get(pk=second.pk).merged_into_id is None
    assert not ProfileMerge.objects.exists()
    assert first.pk != second.pk


def test_the_same_verified_phone_on_two_profiles_makes_them_one_person_audited():
    web = make_shopper()
    store = make_store_record(phone="+33612345678")
    add_identity(
        customer_id=web.pk, kind="phone", value="+33612345678", channel="web", confirmed=True
    )

    add_identity(
        customer_id=store.pk, kind="phone", value="06 12 34 56 78", channel="store", confirmed=True
    )

    merge = ProfileMerge.objects.get()
    assert (merge.survivor_id, merge.merged_id, merge.reason) == (
        web.pk,
        store.pk,
        "same verified phone",
    )
    assert merge.merged_by_id is None
    assert Customer.objects.get(pk=store.pk).merged_into_id == web.pk
    assert customer_id_by_identity(kind="phone", value="+33612345678") == web.pk


def test_another_profiles_loyalty_card_is_a_conflict_never_a_merge():
    jean = make_shopper()
    marie = make_shopper("marie.dupont@example.fr", first_name="Marie", last_name="Dupont")
    add_identity(customer_id=jean.pk, kind="loyalty_card", value="ELAN-1", channel="store")

    with pytest.raises(IdentityTaken):
        add_identity(customer_id=marie.pk, kind="loyalty_card", value="ELAN-1", channel="store")

    assert not ProfileMerge.objects.exists()
