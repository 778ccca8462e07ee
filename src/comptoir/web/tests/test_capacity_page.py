"""The store's capacity page in the back office: the API's rules, in plain words, in French."""

from __future__ import annotations

from datetime import UTC, datetime
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
        {
            "picking_units_per_day": "120",
            "picking_units_per_cut_off": "40",
            "same_day_orders_per_day": "",
            "deliveries_per_slot": "4",
        },
        follow=True,
    )

    assert saved.status_code == 200
    assert "La capacité de Élan Lyon Part-Dieu est enregistrée." in page(saved)
    assert "Unités à préparer aujourd'hui" in page(saved)
    assert 'value="120"' in page(saved)
    assert "Unités préparées par enlèvement du transporteur" in page(saved)
    assert 'value="40"' in page(saved)
    assert "Unités prises pour le prochain enlèvement du transporteur" in page(saved)
    setting = LocationCapacity.objects.get(location=store)
    assert (
        setting.picking_units_per_day,
        setting.picking_units_per_cut_off,
        setting.same_day_orders_per_day,
        setting.deliveries_per_slot,
    ) == (120, 40, None, 4)


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


def test_the_chosen_slot_shows_on_the_customers_order_and_the_stores_task_list():
    from comptoir.carts.services import add_line, cart_of_customer
    from comptoir.customers.tests.factories import make_shopper
    from comptoir.fulfilment.checkout import CheckoutRequest, check_out
    from comptoir.fulfilment.tests.checkout_factories import JACKET, TUESDAY_11_AM, shelve
    from comptoir.orders.services.placing import PaymentRequest
    from comptoir.orders.tests.factories import CARD_OK, HOME, deliver_events, make_jackets

    store = part_dieu("ship_from_store")
    shelve(store, 5)
    make_jackets()
    jean = make_shopper()
    cart = cart_of_customer(customer_id=jean.pk, channel="web")
    add_line(cart_id=cart.pk, sku=JACKET, quantity=1, channel="web")
    placed = check_out(
        CheckoutRequest(
            cart_id=cart.pk,
            customer_id=jean.pk,
            option="home_time_slot",
            payment=PaymentRequest("card", CARD_OK),
            delivery_address=HOME,
            slot_starts_at=datetime(2026, 11, 25, 17, 0, tzinfo=UTC),
        ),
        now=TUESDAY_11_AM,  # before the store's 12:00 cut-off: Wednesday's slots
    ).placed
    deliver_events()
    as_jean = Client(headers={"Accept-Language": "fr"})
    as_jean.force_login(jean.user)
    sofia = Client(headers={"Accept-Language": "fr"})
    sofia.force_login(make_staff("associate", [store]))

    order_page = page(as_jean.get(f"/account/orders/{placed.order.reference}/"))
    task_page = page(sofia.get("/associate/lyon-part-dieu/tasks/"))

    assert "Créneau de livraison: mercredi 25/11 18:00–20:00" in order_page
    assert "Créneau de livraison: mercredi 25/11 18:00–20:00" in task_page
