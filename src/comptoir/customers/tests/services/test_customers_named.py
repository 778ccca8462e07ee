"""An associate finds a customer by name: any part of the first or last name, any case."""

import pytest

from comptoir.customers.selectors import customers_named
from comptoir.customers.services import erase_customer
from comptoir.customers.tests.factories import make_shopper

pytestmark = pytest.mark.django_db


def test_a_name_finds_every_open_profile_that_carries_it_by_last_name():
    jean = make_shopper()
    marie = make_shopper("marie.martin@example.fr", first_name="Marie")
    make_shopper("paul.durand@example.fr", first_name="Paul", last_name="Durand")

    assert customers_named(text="martin") == [jean, marie]
    assert customers_named(text="Jean MART") == [jean]


def test_an_erased_profile_is_never_found_by_name():
    jean = make_shopper()
    erase_customer(customer_id=jean.pk, requested_by_id=None)

    assert customers_named(text="Martin") == []
    assert customers_named(text="   ") == []
