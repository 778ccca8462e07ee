"""PUT /api/v1/variants/{sku}/prices — needs catalog.write; sets the base price or an override."""

from decimal import Decimal

import pytest

from comptoir.accounts.tests.factories import make_staff
from comptoir.catalog.models import Price
from comptoir.catalog.tests.factories import make_product
from comptoir.locations.tests.factories import make_store

pytestmark = pytest.mark.django_db
URL = "/api/v1/variants/JACKET-S/prices"


def put(client, body):
    return client.put(URL, body, content_type="application/json")


def test_a_lyon_override_is_created_then_replaced_and_the_price_says_where_it_comes_from(client):
    make_store("lyon-part-dieu")
    make_product(skus=["JACKET-S"], price="89.90")
    client.force_login(make_staff("operations"))
    override = {"store": "lyon-part-dieu", "amount": "79.90", "reason": "concurrent à côté"}

    created = put(client, override)
    replaced = put(client, {**override, "amount": "74.90"})

    assert created.status_code == 201
    assert created.json() == {
        "sku": "JACKET-S",
        "channel": None,
        "store": "lyon-part-dieu",
        "amount": "79.90",
        "currency": "EUR",
        "reason": "concurrent à côté",
        "source": "store:lyon-part-dieu",
    }
    assert (replaced.status_code, replaced.json()["amount"]) == (200, "74.90")
    in_lyon = client.get("/api/v1/variants/JACKET-S/price", {"store": "lyon-part-dieu"}).json()
    assert (in_lyon["amount"], in_lyon["source"]) == ("74.90", "store:lyon-part-dieu")
    assert client.get("/api/v1/variants/JACKET-S/price").json()["amount"] == "89.90"


def test_the_base_price_changes_everywhere_at_once(client):
    make_product(skus=["JACKET-S"], price="89.90")
    client.force_login(make_staff("operations"))

    response = put(client, {"amount": "94.90"})

    assert (response.status_code, response.json()["source"]) == (200, "base")
    for channel in ("web", "app", "store", "call_centre", "marketplace"):
        price = client.get("/api/v1/variants/JACKET-S/price", {"channel": channel}).json()
        assert (price["amount"], price["source"]) == ("94.90", "base")


@pytest.mark.parametrize(
    ("body", "status", "error"),
    [
        pytest.param(
            {"store": "lyon-part-dieu", "amount": "79.90"},
            422,
            {"field": "body.reason", "message": "say why this price differs"},
            id="no_reason_case",
        ),
        pytest.param(
            {"store": "no-such-store", "amount": "79.90", "reason": "x"},
            422,
            {"field": "body.store", "message": "unknown store: no-such-store"},
            id="unknown_store_case",
        ),
        pytest.param(
            {"amount": "79.90", "currency": "XYZ"},
            422,
            {
                "field": "body.amount",
                "message": "unknown currency 'XYZ'; one of CHF, EUR, GBP, JPY, USD",
            },
            id="unknown_currency_case",
        ),
    ],
)
def test_an_override_that_cannot_be_set_is_a_422_and_changes_nothing(client, body, status, error):
    make_store("lyon-part-dieu")
    make_product(skus=["JACKET-S"], price="89.90")
    client.force_login(make_staff("operations"))

    response = put(client, body)

    assert response.status_code == status
    assert response.json()["errors"] == [error]
    assert Price.objects.count() == 1


def test_an_unknown_sku_is_a_404(client):
    client.force_login(make_staff("operations"))

    response = client.put(
        "/api/v1/variants/NO-SUCH-SKU/prices", {"amount": "1"}, content_type="application/json"
    )

    assert (response.status_code, response.json()["code"]) == (404, "variant-not-found")


def test_an_associate_cannot_change_a_price(client):
    store = make_store("lyon-part-dieu")
    make_product(skus=["JACKET-S"], price="89.90")
    client.force_login(make_staff("associate", stores=[store]))

    response = put(client, {"store": "lyon-part-dieu", "amount": "1.00", "reason": "ami"})

    assert response.status_code == 403
    assert Price.objects.get().amount == Decimal("89.90")
