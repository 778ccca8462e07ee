"""POST /api/v1/products/{slug}/relations — needs catalog.write."""

import pytest

from comptoir.accounts.tests.factories import make_staff
from comptoir.catalog.models import ProductRelation
from comptoir.catalog.tests.factories import make_product

pytestmark = pytest.mark.django_db
URL = "/api/v1/products/bracelet-silicone/relations"


def relate(client, body, url=URL):
    return client.post(url, body, content_type="application/json")


def test_a_strap_becomes_an_accessory_of_the_watch_and_the_watch_shows_it(client):
    make_product("montre-gps", skus=["WATCH-GPS"])
    make_product("bracelet-silicone", skus=["STRAP-SIL"])
    client.force_login(make_staff("operations"))

    response = relate(client, {"kind": "accessory_of", "related": "montre-gps"})

    assert response.status_code == 201
    assert response.json() == {
        "product": "bracelet-silicone",
        "kind": "accessory_of",
        "related": "montre-gps",
    }
    watch = client.get("/api/v1/products/montre-gps").json()
    assert watch["accessories"] == ["bracelet-silicone"]


@pytest.mark.parametrize(
    ("body", "url", "status", "code"),
    [
        pytest.param(
            {"kind": "accessory_of", "related": "no-such-watch"},
            URL,
            422,
            "unknown-product",
            id="unknown_related_case",
        ),
        pytest.param(
            {"kind": "accessory_of", "related": "bracelet-silicone"},
            URL,
            422,
            "validation-failed",
            id="itself_case",
        ),
        pytest.param(
            {"kind": "accessory_of", "related": "montre-gps"},
            "/api/v1/products/no-such-strap/relations",
            404,
            "product-not-found",
            id="unknown_product_case",
        ),
        pytest.param(
            {"kind": "goes_with", "related": "montre-gps"},
            URL,
            422,
            "validation-failed",
            id="kind_case",
        ),
    ],
)
def test_a_relation_that_cannot_be_made_is_a_problem(client, body, url, status, code):
    make_product("montre-gps", skus=["WATCH-GPS"])
    make_product("bracelet-silicone", skus=["STRAP-SIL"])
    client.force_login(make_staff("operations"))

    response = relate(client, body, url)

    assert (response.status_code, response.json()["code"]) == (status, code)
    assert not ProductRelation.objects.exists()


def test_the_same_relation_twice_is_a_409(client):
    make_product("montre-gps", skus=["WATCH-GPS"])
    make_product("bracelet-silicone", skus=["STRAP-SIL"])
    client.force_login(make_staff("operations"))
    relate(client, {"kind": "accessory_of", "related": "montre-gps"})

    response = relate(client, {"kind": "accessory_of", "related": "montre-gps"})

    assert (response.status_code, response.json()["code"]) == (409, "relation-exists")
