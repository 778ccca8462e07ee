"""The call centre's console through its pages: the agent finds Jean from whatever he gives,
orders for him paid by a link, and Jean pays on the link's page; the console refuses anyone
else as the API would, and says bad input beside its field, never with a 500."""

from __future__ import annotations

from html import unescape
from unittest import mock

import pytest
from django.test import Client

from comptoir.core.models import OutboxEvent
from comptoir.customers.models import Customer
from comptoir.demo.retailer import DEMO_PASSWORD, JEAN_PHONE, load
from comptoir.orders.models import Order

pytestmark = pytest.mark.django_db
HOME = {"name": "Jean Martin", "line1": "12 rue de la République", "postcode": "69002"}


def _signed_in(username: str) -> Client:
    client = Client()
    assert client.login(username=username, password=DEMO_PASSWORD)
    return client


@pytest.fixture
def agent() -> Client:
    load(customers=2, stores=3, skus=30)
    return _signed_in("agent")


def _jean() -> Customer:
    return Customer.objects.get(email="jean.martin@example.fr")


def _order_for_jean(agent: Client, **extra: str) -> Order:
    jean = _jean()
    before = set(Order.objects.values_list("pk", flat=True))
    agent.post(f"/service/customers/{jean.pk}/cart/", {"sku": "JACKET-TRAIL-M", "quantity": "1"})
    answer = agent.post(
        f"/service/customers/{jean.pk}/order/",
        {"option": "home_standard", **HOME, "city": "Lyon", **extra},
    )
    assert answer.status_code == 302, unescape(answer.content.decode())[-2000:]
    [order] = Order.objects.exclude(pk__in=before)
    assert answer["Location"] == f"/service/orders/{order.reference}/"
    return order


def test_the_agent_lands_on_the_console_after_signing_in(agent):
    agent.logout()
    answer = Client().post("/login/", {"username": "agent", "password": DEMO_PASSWORD})
    assert answer["Location"] == "/service/"


@pytest.mark.parametrize(
    "typed",
    [
        pytest.param("06 99 00 00 42", id="phone_spaced"),
        pytest.param("+33699000042", id="phone_international"),
        pytest.param("0699000042", id="phone_national"),
        pytest.param("jean.martin@example.fr", id="email"),
        pytest.param("ELAN-0000-0042", id="loyalty_card"),
    ],
)
def test_jean_is_found_from_whatever_he_gives(agent, typed):
    page = agent.get("/service/", {"q": typed}).content.decode()
    assert f'href="/service/customers/{_jean().pk}/"' in page
    assert "jean.martin@example.fr" in page
    assert _jean().phone == JEAN_PHONE


def test_jean_is_found_by_an_order_reference(agent):
    order = _order_for_jean(agent)
    page = agent.get("/service/", {"q": order.reference.lower()}).content.decode()
    assert f'href="/service/customers/{_jean().pk}/"' in page


def test_an_empty_search_is_said_beside_the_box_and_nobody_is_said_plainly(agent):
    empty = agent.get("/service/", {"q": ""})
    assert empty.status_code == 422
    assert 'id="id_q_errors"' in empty.content.decode()
    nobody = agent.get("/service/", {"q": "06 11 22 33 44"})
    assert nobody.status_code == 200
    assert "Personne ne correspond" in unescape(nobody.content.decode())


def test_the_360_view_shows_his_orders_consents_and_cart(agent):
    order = _order_for_jean(agent)
    page = unescape(agent.get(f"/service/customers/{_jean().pk}/").content.decode())
    assert order.reference in page
    assert "En attente de paiement" in page
    assert "Consentements" in page
    assert "Historique dans tous les canaux" in page


@pytest.mark.parametrize("username", ["associate.lyon", "jean.martin@example.fr"])
def test_an_associate_or_a_shopper_is_refused_every_console_page(agent, username):
    order = _order_for_jean(agent)
    other = _signed_in(username)
    jean = _jean()
    for path in (
        "/service/",
        f"/service/customers/{jean.pk}/",
        f"/service/customers/{jean.pk}/order/",
        f"/service/orders/{order.reference}/",
    ):
        assert other.get(path).status_code == 403, path
    carts_before = jean.carts.count() if hasattr(jean, "carts") else None
    refused = other.post(f"/service/customers/{jean.pk}/cart/", {"sku": "JACKET-TRAIL-S"})
    assert refused.status_code == 403
    cancel = {"action": "cancel", "reason": "test"}
    assert other.post(f"/service/orders/{order.reference}/", cancel).status_code == 403
    order.refresh_from_db()
    assert order.status == "awaiting_payment"  # no side effect when refused
    assert carts_before is None or jean.carts.count() == carts_before


def test_someone_signed_out_is_sent_to_sign_in(agent):
    answer = Client().get("/service/")
    assert answer.status_code == 302
    assert answer["Location"].startswith("/login/")


def test_the_order_is_placed_on_the_call_centre_channel_and_the_link_sent(agent, settings):
    order = _order_for_jean(agent)
    assert (order.channel, order.fulfilment_mode) == ("call_centre", "home_delivery")
    assert order.status == "awaiting_payment"
    link = order.payment.payment_link
    assert link.startswith(f"{settings.PUBLIC_BASE_URL}/pay/")
    sent = OutboxEvent.objects.filter(type="order.payment_link_sent")
    assert [event.payload["order_reference"] for event in sent] == [order.reference]
    page = unescape(agent.get(f"/service/orders/{order.reference}/").content.decode())
    assert "En attente du paiement du client" in page
    assert "depuis " in page  # where its units come from


def test_a_second_submit_of_the_same_cart_is_not_a_second_order(agent):
    order = _order_for_jean(agent)
    before = Order.objects.count()
    again = agent.post(
        f"/service/customers/{_jean().pk}/order/",
        {"option": "home_standard", **HOME, "city": "Lyon"},
    )
    assert again.status_code in (302, 422)
    assert Order.objects.count() == before  # the cart was ordered once: nothing more
    assert order.status == "awaiting_payment"


def test_a_delivery_without_an_address_names_each_missing_field(agent):
    jean = _jean()
    before = Order.objects.count()
    agent.post(f"/service/customers/{jean.pk}/cart/", {"sku": "JACKET-TRAIL-M", "quantity": "1"})
    answer = agent.post(f"/service/customers/{jean.pk}/order/", {"option": "home_standard"})
    page = answer.content.decode()
    assert answer.status_code == 422
    for field in ("name", "line1", "postcode", "city"):
        assert f'id="id_{field}_errors"' in page, field
    assert Order.objects.count() == before


@pytest.mark.parametrize(
    ("sku", "quantity"),
    [
        pytest.param("NO-SUCH-SKU", "1", id="unknown_sku"),
        pytest.param("JACKET-TRAIL-M", "0", id="zero"),
        pytest.param("JACKET-TRAIL-M", "abc", id="not_a_number"),
        pytest.param("", "1", id="no_sku"),
    ],
)
def test_a_bad_product_line_is_said_beside_its_field(agent, sku, quantity):
    answer = agent.post(
        f"/service/customers/{_jean().pk}/cart/", {"sku": sku, "quantity": quantity}
    )
    assert answer.status_code == 422
    assert "errorlist" in answer.content.decode()


def test_jean_pays_on_the_link_page_and_the_order_is_placed(agent):
    order = _order_for_jean(agent)
    path = order.payment.payment_link.split("127.0.0.1:8000", 1)[1]
    jeans_phone = Client()

    shown = unescape(jeans_phone.get(path).content.decode())
    assert order.reference in shown
    assert 'name="card_token"' in shown

    bad = jeans_phone.post(path, {"card_token": "4111 1111"})
    assert bad.status_code == 422
    assert 'id="id_card_token_errors"' in bad.content.decode()
    order.refresh_from_db()
    assert order.status == "awaiting_payment"  # a mistyped card changes nothing

    paid = jeans_phone.post(path, {"card_token": "tok_visa"})
    assert paid.status_code == 200
    order.refresh_from_db()
    assert (order.status, order.payment.status) == ("placed", "authorised")
    again = jeans_phone.post(path, {"card_token": "tok_visa"})  # a second tap pays nothing more
    assert "déjà payée" in unescape(again.content.decode())


def test_a_declined_card_cancels_the_order_and_the_page_says_so(agent):
    order = _order_for_jean(agent)
    path = order.payment.payment_link.split("127.0.0.1:8000", 1)[1]

    declined = Client().post(path, {"card_token": "tok_declined"})

    assert "carte a été refusée" in unescape(declined.content.decode())
    order.refresh_from_db()
    assert (order.status, order.payment.status) == ("cancelled", "declined")
    later = Client().post(path, {"card_token": "tok_visa"})
    assert "a été annulée" in unescape(later.content.decode())
    order.refresh_from_db()
    assert order.payment.status == "declined"  # nothing taken after the cancellation


def test_a_wrong_or_expired_link_gets_a_plain_sentence(agent):
    order = _order_for_jean(agent)
    path = order.payment.payment_link.split("127.0.0.1:8000", 1)[1]
    wrong = Client().get(path[:-3] + "xyz")
    assert wrong.status_code == 404
    assert "pas valide" in unescape(wrong.content.decode())
    with mock.patch("comptoir.orders.payments.fake.time.time", return_value=4e9):
        expired = Client().post(path, {"card_token": "tok_visa"})
    assert expired.status_code == 410
    assert "expiré" in unescape(expired.content.decode())
    order.refresh_from_db()
    assert order.status == "awaiting_payment"


def test_a_cancellation_needs_a_reason_and_records_it(agent):
    order = _order_for_jean(agent)
    page = f"/service/orders/{order.reference}/"
    without = agent.post(page, {"action": "cancel", "reason": ""})
    assert without.status_code == 422
    assert 'id="id_reason_errors"' in without.content.decode()
    order.refresh_from_db()
    assert order.status == "awaiting_payment"

    done = agent.post(page, {"action": "cancel", "reason": "Jean changed his mind"})
    assert done.status_code == 302
    order.refresh_from_db()
    assert order.status == "cancelled"
    [cancelled] = OutboxEvent.objects.filter(type="order.cancelled", aggregate=f"order:{order.pk}")
    assert cancelled.payload["reason"] == "Jean changed his mind"


def test_the_link_is_sent_again_with_the_reason_recorded(agent):
    order = _order_for_jean(agent)
    answer = agent.post(
        f"/service/orders/{order.reference}/",
        {"action": "resend", "resend-reason": "He deleted the email"},
    )
    assert answer.status_code == 302
    sent = OutboxEvent.objects.filter(type="order.payment_link_sent").order_by("id")
    assert [event.payload.get("reason") for event in sent] == [None, "He deleted the email"]
    assert sent.last().payload["asked_by"].startswith("user:")
