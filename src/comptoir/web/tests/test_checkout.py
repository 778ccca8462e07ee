"""Checkout places the cart as an order through fulfilment's check_out.

Ship to store and ship from store depend on what the delivery options offer at that moment
(stock on the store's shelf, its cut-offs); the first is tested as a plain refusal below.
"""

from __future__ import annotations

from html import unescape

import pytest
from django.test import Client

from comptoir.demo.retailer import DEMO_PASSWORD, load
from comptoir.orders.models import Order

pytestmark = pytest.mark.django_db

ADDRESS = {"name": "Jean Martin", "line1": "12 rue de la République", "postcode": "69002"}


@pytest.fixture
def jean() -> Client:
    load(customers=2, stores=3, skus=30)
    client = Client()
    assert client.login(username="jean.martin@example.fr", password=DEMO_PASSWORD)
    client.post("/cart/add/", {"sku": "JACKET-TRAIL-M", "quantity": "1"})
    return client


@pytest.mark.parametrize(
    ("option", "mode", "extra"),
    [
        pytest.param("reserve_and_collect", "reserve_and_collect", {}, id="reserve_and_collect"),
        pytest.param(
            "click_and_collect", "click_and_collect", {"card_token": "tok_visa"}, id="click"
        ),
        pytest.param(
            "home_standard",
            "home_delivery",
            {"card_token": "tok_visa", **ADDRESS, "city": "Lyon"},
            id="home",
        ),
    ],
)
def test_the_cart_becomes_an_order_in_each_fulfilment_mode(jean, option, mode, extra):
    before = set(Order.objects.values_list("pk", flat=True))  # the demo has its own orders

    answer = jean.post("/checkout/", {"option": option, "store": "lyon-part-dieu", **extra})

    assert answer.status_code == 302, unescape(answer.content.decode())[-2500:]
    [order] = Order.objects.exclude(pk__in=before)
    assert answer["Location"] == f"/account/orders/{order.reference}/"
    assert (order.fulfilment_mode, order.channel) == (mode, "web")
    assert [line.sku for line in order.lines.all()] == ["JACKET-TRAIL-M"]
    assert "Votre panier est vide" in jean.get("/cart/").content.decode()


def test_a_declined_card_orders_nothing_and_says_so(jean):
    before = Order.objects.count()
    answer = jean.post(
        "/checkout/",
        {"option": "click_and_collect", "store": "lyon-part-dieu", "card_token": "tok_declined"},
    )

    assert answer.status_code == 200
    assert "La carte a été refusée" in unescape(answer.content.decode())
    assert Order.objects.count() == before


def test_a_delivery_without_an_address_names_each_missing_field(jean):
    before = Order.objects.count()
    answer = jean.post("/checkout/", {"option": "home_standard", "card_token": "tok_visa"})

    assert (
        unescape(answer.content.decode()).count("Nécessaire pour une livraison") == 4
    )  # postcode too
    assert Order.objects.count() == before


def test_an_option_not_possible_now_is_refused_in_plain_words_and_the_cart_stays(jean):
    """Lyon has the jacket on its shelf: shipping one there is not on offer (collect it)."""
    before = Order.objects.count()

    answer = jean.post(
        "/checkout/",
        {"option": "ship_to_store", "store": "lyon-part-dieu", "card_token": "tok_visa"},
    )

    assert "pas possible pour votre panier" in unescape(answer.content.decode())
    assert Order.objects.count() == before
    assert "JACKET-TRAIL-M" in jean.get("/cart/").content.decode()


def test_the_page_lists_the_options_the_api_computes_with_price_promise_or_reason(jean):
    page = unescape(jean.get("/checkout/").content.decode())

    # The favourite store is not set: Jean picks one, the options for it follow.
    assert "Choisissez un magasin" in page
    page = unescape(
        jean.get(
            "/checkout/options/", {"store": "lyon-part-dieu", "postcode": "69002"}
        ).content.decode()
    )
    assert "Click & collect, payer maintenant" in page
    assert "prêt aujourd'hui" in page or "prêt demain" in page or "prêt le" in page
    assert "<strong>Livraison express à domicile</strong> — 9,90\xa0€" in page
    assert "livré le " in page  # a date for a home delivery
    # Lyon has the jacket on its shelf: shipping one there is greyed out, with its reason.
    assert 'value="ship_to_store" id="option-ship_to_store" aria-describedby' in page
    assert "Pas possible : En stock à Élan Lyon Part-Dieu : le click & collect" in page


def test_the_chosen_options_price_is_the_delivery_fee_in_the_total(jean):
    page = unescape(
        jean.get(
            "/checkout/options/", {"postcode": "69002", "option": "home_express"}
        ).content.decode()
    )

    assert "Livraison (Livraison express à domicile)" in page
    fee = page.split('data-testid="delivery-fee">')[1].split("<")[0]
    assert fee == "9,90\xa0€"


def test_a_time_slot_is_chosen_and_the_order_carries_the_fee(jean):
    page = jean.get("/checkout/options/", {"postcode": "69002"}).content.decode()
    slot = page.split('name="slot" value="')[1].split('"')[0]
    before = set(Order.objects.values_list("pk", flat=True))

    answer = jean.post(
        "/checkout/",
        {
            "option": "home_time_slot",
            "slot": slot,
            "card_token": "tok_visa",
            **ADDRESS,
            "city": "Lyon",
        },
    )

    assert answer.status_code == 302, unescape(answer.content.decode())[-2500:]
    [order] = Order.objects.exclude(pk__in=before)
    assert str(order.delivery_fee) == "12.90"


def test_an_unknown_postcode_is_said_in_plain_words(jean):
    page = unescape(jean.get("/checkout/options/", {"postcode": "00000"}).content.decode())

    assert "Nous ne connaissons pas ce code postal" in page
