"""The store's capacity page in the back office: the API's rules, in plain words, in French."""

from __future__ import annotations

from html import unescape

import pytest
from django.test import Client

from comptoir.accounts.tests.factories import make_staff
from comptoir.fulfilment.models import LocationCapacity
from comptoir.fulfilment.tests.checkout_factories import part_dieu

pytestmark = pytest.mark.django_db
URL = "/backoffice/stores/lyon-part-dieu/capacity/"


@pytest.fixture
def ops() -> Client:
    client = Client(headers={"Accept-Language": "fr"})
    client.force_login(make_staff("operations"))
    return client


def page(answer) -> str:
    return unescape(answer.content.decode())


def test_operations_set_a_stores_limits_and_see_them_with_todays_use(ops):
    store = part_dieu()

    saved = ops.post(
        URL,
        {"picking_units_per_day": "120", "same_day_orders_per_day": "", "deliveries_per_slot": "4"},
        follow=True,
    )

    assert saved.status_code == 200
    assert "La capacité de Élan Lyon Part-Dieu est enregistrée." in page(saved)
    assert "Unités à préparer aujourd'hui" in page(saved)
    assert 'value="120"' in page(saved)
    setting = LocationCapacity.objects.get(location=store)
    assert (
        setting.picking_units_per_day,
        setting.same_day_orders_per_day,
        setting.deliveries_per_slot,
    ) == (120, None, 4)


def test_a_negative_limit_is_refused_on_its_field_and_saves_nothing(ops):
    part_dieu()

    answer = ops.post(URL, {"picking_units_per_day": "-3"})

    assert answer.status_code == 200
    assert 'id="id_picking_units_per_day_errors"' in page(answer)
    assert not LocationCapacity.objects.exists()


def test_an_associate_may_not_change_capacity():
    part_dieu()
    associate = Client()
    associate.force_login(make_staff("associate"))

    answer = associate.post(URL, {"picking_units_per_day": "1"})

    assert answer.status_code == 403
    assert not LocationCapacity.objects.exists()


def test_the_stores_list_links_each_store_to_its_capacity(ops):
    part_dieu()

    answer = ops.get("/backoffice/stores/")

    assert 'href="/backoffice/stores/lyon-part-dieu/capacity/"' in page(answer)
