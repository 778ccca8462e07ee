"""GET /api/v1/variants/{sku}/price — public: amount, currency and the rule it comes from."""

from decimal import Decimal

import pytest

from comptoir.catalog.services.prices import set_price
from comptoir.catalog.tests.factories import make_product
from comptoir.locations.tests.factories import make_store

pytestmark = pytest.mark.django_db
URL = "/api/v1/variants/JACKET-S/price"


def test_the_base_price_everywhere_until_an_override_applies(client):
    make_store("lyon-part-dieu")
    make_product(skus=["JACKET-S"], price="89.90")
    set_price(sku="JACKET-S", store="lyon-part-dieu", amount=Decimal("79.90"), reason="concurrent")

    online = client.get(URL, {"channel": "web"})
    in_lyon = client.get(URL, {"channel": "store", "store": "lyon-part-dieu"})

    assert online.json() == {
        "sku": "JACKET-S",
        "amount": "89.90",
        "currency": "EUR",
        "source": "base",
        "reason": "",
    }
    assert in_lyon.json() == {
        "sku": "JACKET-S",
        "amount": "79.90",
        "currency": "EUR",
        "source": "store:lyon-part-dieu",
        "reason": "concurrent",
    }


def test_a_channel_override_in_one_store_says_both(client):
    make_store("lyon-part-dieu")
    make_product(skus=["JACKET-S"], price="89.90")
    set_price(
        sku="JACKET-S", channel="app", store="lyon-part-dieu", amount=Decimal("74.90"), reason="x"
    )

    response = client.get(URL, {"channel": "app", "store": "lyon-part-dieu"})

    assert response.json()["source"] == "channel+store:app/lyon-part-dieu"


@pytest.mark.parametrize(
    ("url", "params", "status", "code"),
    [
        pytest.param(
            "/api/v1/variants/NO-SUCH-SKU/price", {}, 404, "variant-not-found", id="sku_case"
        ),
        pytest.param(URL, {"store": "no-such-store"}, 422, "unknown-store", id="store_case"),
    ],
)
def test_an_unknown_sku_or_store_is_a_problem(client, url, params, status, code):
    make_product(skus=["JACKET-S"])

    response = client.get(url, params)

    assert (response.status_code, response.json()["code"]) == (status, code)


def test_an_unknown_store_names_the_query_field(client):
    make_product(skus=["JACKET-S"])

    response = client.get(URL, {"store": "no-such-store"})

    assert response.json()["errors"] == [
        {"field": "query.store", "message": "unknown store: no-such-store"}
    ]
