"""No page answers 500 to a person's mistake: each says what is wrong, in plain words."""

from __future__ import annotations

from html import unescape

import pytest
from django.test import Client

from comptoir.demo.retailer import DEMO_PASSWORD, load

pytestmark = pytest.mark.django_db


def page(answer) -> str:
    return unescape(answer.content.decode())


@pytest.fixture
def retailer() -> None:
    load(customers=2, stores=3, skus=30)


def signed_in(username: str) -> Client:
    client = Client()
    assert client.login(username=username, password=DEMO_PASSWORD)
    return client


@pytest.mark.parametrize(
    ("url", "status", "says"),
    [
        pytest.param("/products/no-such-jacket/", 404, "Ce produit n'existe pas", id="product"),
        pytest.param("/categories/no-such-shelf/", 422, "Cette catégorie", id="category"),
        pytest.param("/stores/no-such-store/", 404, "Aucun magasin n'a ce code", id="store"),
        pytest.param("/?near=99999", 200, "Nous ne connaissons pas ce lieu", id="catalogue_near"),
        pytest.param("/?store=nowhere", 200, "Sélectionnez un choix valide", id="catalogue_store"),
        pytest.param(
            "/?store=lyon-part-dieu&near=Lyon", 200, "un seul à la fois", id="two_filters"
        ),
        pytest.param("/?cursor=not-a-cursor", 422, "cursor", id="bad_cursor"),
        pytest.param(
            "/products/veste-running-trail/?near=Atlantis",
            200,
            "Nous ne connaissons pas ce lieu",
            id="product_near",
        ),
        pytest.param("/stores/?near=Atlantis", 200, "Nous ne connaissons pas", id="locator"),
        pytest.param("/no/such/page/", 404, "Nous n'avons pas trouvé cette page", id="page"),
    ],
)
def test_a_shopper_mistake_gets_a_plain_answer(retailer, url, status, says):
    answer = Client().get(url)

    assert answer.status_code == status
    assert says in page(answer)


def test_a_wrong_code_at_the_associate_stock_lookup_says_so(retailer):
    answer = signed_in("associate.lyon").get("/associate/lyon-part-dieu/stock/?code=NOPE-42")

    assert answer.status_code == 200
    assert "Aucun produit n'a ce code" in page(answer)


def test_an_empty_till_line_says_what_is_missing(retailer):
    answer = signed_in("associate.lyon").post(
        "/associate/lyon-part-dieu/till/lines/", {"code": "", "quantity": "1"}
    )

    assert answer.status_code == 200
    assert page(answer).count("Ce champ est obligatoire") == 1


def test_selling_more_than_is_free_is_refused_and_nothing_is_sold(retailer):
    from comptoir.demo.catalogue import JEAN_JACKET
    from comptoir.orders.models import Order

    associate = signed_in("associate.lyon")
    associate.post(
        "/associate/lyon-part-dieu/till/lines/", {"code": "JACKET-TRAIL-S", "quantity": "99"}
    )
    answer = associate.post(
        "/associate/lyon-part-dieu/till/pay/",
        {
            "card": "",
            "cash_given": str(99 * JEAN_JACKET[3]),  # the exact money: only the stock is short
            "terminal": "tok_terminal",
            "ticket": "T-TOO-MANY",
        },
    )

    assert answer.status_code == 200
    assert "Pas assez d'unités à vendre ici" in page(answer)
    assert not Order.objects.filter(reference="T-TOO-MANY").exists()


def test_an_unknown_webhook_in_the_back_office_is_a_plain_404(retailer):
    answer = signed_in("ops").get("/backoffice/webhooks/999999/")

    assert answer.status_code == 404
    assert "Nous n'avons pas trouvé ceci" in page(answer)


def test_a_signed_out_visitor_is_sent_to_sign_in_not_refused(retailer):
    answer = Client().get("/associate/lyon-part-dieu/till/")

    assert answer.status_code == 302
    assert answer["Location"] == "/login/?next=/associate/lyon-part-dieu/till/"
