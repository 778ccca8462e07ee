"""The kiosk's pages: scoped to an open store, a basket ordered without an account and paid
by a link, a check-in by loyalty card, and a start over that forgets the shopper."""

from __future__ import annotations

from html import unescape

import pytest
from django.test import Client

from comptoir.customers.models import Customer, StoreVisit
from comptoir.customers.services import record_consent
from comptoir.demo.retailer import JEAN_CARD, load
from comptoir.orders.models import Order

pytestmark = pytest.mark.django_db

KIOSK = "/kiosk/lyon-part-dieu"
HOME = {"name": "Camille Durand", "line1": "3 rue Garibaldi", "postcode": "69003", "city": "Lyon"}


@pytest.fixture
def kiosk() -> Client:
    load(customers=2, stores=3, skus=30)
    return Client()


def _text(answer) -> str:
    return unescape(answer.content.decode())


@pytest.mark.parametrize(
    "code",
    [pytest.param("nowhere", id="unknown"), pytest.param("entrepot-saint-quentin", id="warehouse")],
)
def test_a_kiosk_stands_only_in_an_open_store(kiosk, code):
    answer = kiosk.get(f"/kiosk/{code}/")

    assert answer.status_code == 404
    assert "Aucun magasin n'a ce code." in _text(answer)


def test_a_basket_is_ordered_for_home_delivery_paid_by_a_link_without_an_account(kiosk):
    kiosk.post(f"{KIOSK}/cart/add/", {"sku": "JACKET-TRAIL-M"})
    before = set(Order.objects.values_list("pk", flat=True))

    answer = kiosk.post(
        f"{KIOSK}/checkout/",
        {"option": "home_standard", "store": "lyon-part-dieu", "email": "camille@example.fr"}
        | HOME,
    )

    assert answer.status_code == 302, _text(answer)[-2500:]
    [order] = Order.objects.exclude(pk__in=before)
    assert (order.fulfilment_mode, order.created_by) == ("home_delivery", "kiosk:lyon-part-dieu")
    assert (order.payment.method, order.payment.status) == ("payment_link", "pending")
    assert Customer.objects.get(pk=order.customer_id).email == "camille@example.fr"
    placed = _text(kiosk.get(answer["Location"]))
    assert f"votre commande {order.reference} est passée" in placed
    assert "<svg" in placed  # the payment link, to scan
    assert "Votre panier est vide" in _text(kiosk.get(f"{KIOSK}/cart/"))


def test_reserve_and_collect_at_the_kiosk_is_paid_at_pickup_and_takes_a_phone(kiosk):
    kiosk.post(f"{KIOSK}/cart/add/", {"sku": "JACKET-TRAIL-M"})
    before = set(Order.objects.values_list("pk", flat=True))

    answer = kiosk.post(
        f"{KIOSK}/checkout/",
        {"option": "reserve_and_collect", "store": "lyon-part-dieu", "phone": "06 12 34 56 78"},
    )

    assert answer.status_code == 302, _text(answer)[-2500:]
    [order] = Order.objects.exclude(pk__in=before)
    assert order.payment.method == "at_pickup"
    assert Customer.objects.get(pk=order.customer_id).phone == "+33612345678"
    assert "Vous payez au retrait" in _text(kiosk.get(answer["Location"]))


@pytest.mark.parametrize(
    ("contact", "message"),
    [
        pytest.param({}, "Donnez un e-mail ou un numéro de téléphone", id="none"),
        pytest.param({"email": "camille@"}, "Saisissez une adresse de courriel valide", id="email"),
        pytest.param({"phone": "12"}, "Un numéro de mobile, comme 06 12 34 56 78", id="phone"),
    ],
)
def test_an_order_without_a_way_to_reach_the_shopper_is_refused_and_says_why(
    kiosk, contact, message
):
    kiosk.post(f"{KIOSK}/cart/add/", {"sku": "JACKET-TRAIL-M"})
    before = Order.objects.count()

    form = {"option": "home_standard", "store": "lyon-part-dieu"} | HOME | contact
    answer = kiosk.post(f"{KIOSK}/checkout/", form)

    assert answer.status_code == 200
    assert message in _text(answer)
    assert Order.objects.count() == before


def test_a_loyalty_card_is_greeted_and_checked_in_with_consent_only(kiosk):
    visits = StoreVisit.objects.filter(location__code="lyon-part-dieu")
    before = visits.count()

    greeted = _text(kiosk.post(f"{KIOSK}/check-in/", {"card": JEAN_CARD}, follow=True))
    jean = Customer.objects.get(email="jean.martin@example.fr")
    record_consent(
        customer_id=jean.pk,
        purpose="in_store_recognition",
        granted=False,
        channel="store",
        method="checkbox",
    )
    greeted_again = _text(kiosk.post(f"{KIOSK}/check-in/", {"card": JEAN_CARD}, follow=True))

    assert "Bienvenue, Jean !" in greeted
    # Without consent nothing is recorded, and the screen does not say whose card it is.
    assert "Bienvenue !" in greeted_again
    assert "Jean" not in greeted_again
    assert visits.count() == before + 1


def test_an_unknown_card_is_a_plain_answer(kiosk):
    answer = kiosk.post(f"{KIOSK}/check-in/", {"card": "0000"}, follow=True)

    assert "Nous ne connaissons pas cette carte" in _text(answer)


def test_start_over_forgets_the_basket_and_the_language(kiosk):
    kiosk.cookies["django_language"] = "en"
    kiosk.post(f"{KIOSK}/cart/add/", {"sku": "JACKET-TRAIL-M"})
    assert "JACKET-TRAIL-M" in _text(kiosk.get(f"{KIOSK}/cart/"))

    answer = kiosk.post(f"{KIOSK}/start-over/", follow=True)

    assert "Bienvenue chez" in _text(answer)
    assert "data-kiosk-pristine" in _text(answer)
    assert "Votre panier est vide" in _text(kiosk.get(f"{KIOSK}/cart/"))


def test_no_page_of_the_kiosk_links_to_an_account_or_a_sign_in(kiosk):
    for path in ("/", "/products/", "/products/veste-running-trail/", "/cart/"):
        page = _text(kiosk.get(f"{KIOSK}{path}"))
        assert "/account/" not in page
        assert "/login/" not in page


def _order_at_the_kiosk(kiosk, email):
    kiosk.post(f"{KIOSK}/cart/add/", {"sku": "JACKET-TRAIL-M"})
    before = set(Order.objects.values_list("pk", flat=True))
    answer = kiosk.post(
        f"{KIOSK}/checkout/",
        {"option": "home_standard", "store": "lyon-part-dieu", "email": email} | HOME,
    )
    assert answer.status_code == 302, _text(answer)[-2500:]
    [order] = Order.objects.exclude(pk__in=before)
    return order


def test_a_walk_up_shopper_typing_someone_elses_email_writes_nothing_into_their_profile(kiosk):
    jean = Customer.objects.get(email="jean.martin@example.fr")
    orders_before = Order.objects.filter(customer_id=jean.pk).count()

    order = _order_at_the_kiosk(kiosk, "jean.martin@example.fr")

    assert order.customer_id is None  # a guest order
    assert Order.objects.filter(customer_id=jean.pk).count() == orders_before
    jean.refresh_from_db()
    assert jean.first_name == "Jean"


def test_a_shopper_who_checked_in_by_card_orders_in_their_own_profile(kiosk):
    jean = Customer.objects.get(email="jean.martin@example.fr")
    kiosk.post(f"{KIOSK}/check-in/", {"card": JEAN_CARD})

    order = _order_at_the_kiosk(kiosk, "jean.martin@example.fr")

    assert order.customer_id == jean.pk


def test_start_over_forgets_who_checked_in(kiosk):
    kiosk.post(f"{KIOSK}/check-in/", {"card": JEAN_CARD})
    kiosk.post(f"{KIOSK}/start-over/")

    order = _order_at_the_kiosk(kiosk, "jean.martin@example.fr")

    assert order.customer_id is None
