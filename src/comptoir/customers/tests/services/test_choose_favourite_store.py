"""choose_favourite_store: one call changes it; only an open store; an event when it changes."""

import pytest

from comptoir.core.errors import ValidationFailed
from comptoir.core.models import OutboxEvent
from comptoir.customers.errors import CustomerNotFound
from comptoir.customers.models import Customer
from comptoir.customers.services import choose_favourite_store
from comptoir.customers.tests.factories import make_shopper
from comptoir.locations.models import Location
from comptoir.locations.tests.factories import make_store

pytestmark = pytest.mark.django_db


def favourite_events():
    return OutboxEvent.objects.filter(type="customer.favourite_store_changed")


def test_a_shopper_chooses_a_favourite_store_and_an_event_says_so():
    jean, lyon = make_shopper(), make_store("lyon-part-dieu")

    customer = choose_favourite_store(customer_id=jean.pk, location_code="lyon-part-dieu")

    assert customer.favourite_location == lyon
    event = favourite_events().get()
    assert event.aggregate == f"customer:{jean.pk}"
    assert event.payload == {
        "customer_id": jean.pk,
        "location_id": lyon.pk,
        "location_code": "lyon-part-dieu",
        "previous_location_id": None,
    }


def test_choosing_another_store_replaces_the_favourite_in_one_call():
    jean, lyon, paris = make_shopper(), make_store("lyon-part-dieu"), make_store("paris-rivoli")
    choose_favourite_store(customer_id=jean.pk, location_code="lyon-part-dieu")

    choose_favourite_store(customer_id=jean.pk, location_code="paris-rivoli")

    assert Customer.objects.get(pk=jean.pk).favourite_location_id == paris.pk
    assert favourite_events().latest("id").payload["previous_location_id"] == lyon.pk


def test_choosing_the_same_store_again_records_nothing():
    jean = make_shopper()
    make_store("lyon-part-dieu")
    choose_favourite_store(customer_id=jean.pk, location_code="lyon-part-dieu")

    choose_favourite_store(customer_id=jean.pk, location_code="lyon-part-dieu")

    assert favourite_events().count() == 1


def test_none_forgets_the_favourite_store():
    jean, lyon = make_shopper(), make_store("lyon-part-dieu")
    choose_favourite_store(customer_id=jean.pk, location_code="lyon-part-dieu")

    customer = choose_favourite_store(customer_id=jean.pk, location_code=None)

    assert customer.favourite_location is None
    assert favourite_events().latest("id").payload["previous_location_id"] == lyon.pk


@pytest.mark.parametrize(
    "make_location",
    [
        pytest.param(
            lambda: make_store("entrepot-venissieux", kind="warehouse"), id="warehouse_case"
        ),
        pytest.param(
            lambda: Location.objects.filter(pk=make_store("lyon-closed").pk).update(
                is_active=False
            ),
            id="closed_down_store_case",
        ),
        pytest.param(lambda: None, id="unknown_code_case"),
    ],
)
def test_only_an_open_store_can_be_a_favourite(make_location):
    jean = make_shopper()
    make_location()
    code = Location.objects.values_list("code", flat=True).first() or "nowhere"

    with pytest.raises(ValidationFailed) as refused:
        choose_favourite_store(customer_id=jean.pk, location_code=code)

    assert refused.value.errors == [{"field": "location", "message": "the code of an open store"}]
    assert Customer.objects.get(pk=jean.pk).favourite_location_id is None
    assert not favourite_events().exists()


def test_an_unknown_customer_is_not_found():
    make_store("lyon-part-dieu")

    with pytest.raises(CustomerNotFound):
        choose_favourite_store(customer_id=999_999, location_code="lyon-part-dieu")


def test_deleting_the_store_forgets_it_as_a_favourite():
    jean = make_shopper()
    lyon = make_store("lyon-part-dieu")
    choose_favourite_store(customer_id=jean.pk, location_code="lyon-part-dieu")

    lyon.delete()

    assert Customer.objects.get(pk=jean.pk).favourite_location_id is None
