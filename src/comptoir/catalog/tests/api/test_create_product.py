"""POST /api/v1/products — needs catalog.write; safe to retry with an Idempotency-Key."""

import pytest

from comptoir.accounts.tests.factories import bearer, make_api_token, make_staff
from comptoir.catalog.models import Product
from comptoir.catalog.tests.factories import make_category, make_product
from comptoir.core.models import OutboxEvent
from comptoir.customers.tests.factories import make_shopper

pytestmark = pytest.mark.django_db
URL = "/api/v1/products"


def jacket_body(**changes):
    return {
        "slug": "veste-running",
        "name": "Veste de running",
        "brand": "Élan",
        "category": "running",
        "variants": [
            {
                "sku": "JACKET-S",
                "gtin": "4006381333931",
                "size": "S",
                "colour": "bleu",
                "price": "89.90",
            },
            {"sku": "JACKET-M", "size": "M", "colour": "bleu", "price": 89.9},
        ],
        **changes,
    }


def create(client, body, **headers):
    return client.post(URL, body, content_type="application/json", **headers)


def nothing_was_created():
    return (
        not Product.objects.exists()
        and not OutboxEvent.objects.filter(type="product.created").exists()
    )


def test_operations_creates_a_jacket_in_three_sizes_and_gets_it_back(client):
    make_category("running")
    client.force_login(make_staff("operations"))

    response = create(client, jacket_body())

    assert response.status_code == 201
    body = response.json()
    assert (body["slug"], body["title"]) == ("veste-running", "Veste de running")
    assert [
        (v["sku"], v["gtin"], v["price"]["amount"], v["price"]["source"]) for v in body["variants"]
    ] == [
        ("JACKET-S", "04006381333931", "89.90", "base"),
        ("JACKET-M", None, "89.90", "base"),
    ]
    assert [listing["channel"] for listing in body["listings"]] == [
        "app",
        "call_centre",
        "store",
        "web",
    ]
    assert OutboxEvent.objects.filter(type="product.created").count() == 1


def test_a_bad_gtin_is_a_422_naming_the_field(client):
    make_category("running")
    client.force_login(make_staff("operations"))
    body = jacket_body()
    body["variants"][0]["gtin"] = "4006381333932"

    response = create(client, body)

    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    problem = response.json()
    assert problem["code"] == "invalid-gtin"
    assert problem["errors"] == [
        {"field": "body.variants.0.gtin", "message": "the check digit should be 1, not 2"}
    ]
    assert nothing_was_created()


def test_a_sku_already_in_the_catalogue_is_a_409(client):
    make_product("veste-trail", skus=["JACKET-S"])
    client.force_login(make_staff("operations"))

    response = create(client, jacket_body())

    assert (response.status_code, response.json()["code"]) == (409, "sku-taken")
    assert response.json()["errors"] == [
        {"field": "body.variants.0.sku", "message": "taken: JACKET-S"}
    ]


def test_an_unknown_category_is_a_422(client):
    client.force_login(make_staff("operations"))

    response = create(client, jacket_body(category="no-such-category"))

    assert (response.status_code, response.json()["code"]) == (422, "unknown-category")
    assert response.json()["errors"] == [
        {"field": "body.category", "message": "unknown category: no-such-category"}
    ]


@pytest.mark.parametrize(
    ("who", "status"),
    [
        pytest.param("anonymous", 401, id="anonymous_case"),
        pytest.param("shopper", 403, id="shopper_case"),
        pytest.param("associate", 403, id="associate_case"),
        pytest.param("agent", 403, id="agent_case"),
        pytest.param("token_without_scope", 403, id="read_only_token_case"),
    ],
)
def test_only_catalog_writers_create_products_and_a_refusal_changes_nothing(client, who, status):
    make_category("running")
    headers = {}
    if who == "shopper":
        client.force_login(make_shopper(email="jean.martin@example.fr").user)
    elif who == "token_without_scope":
        headers = bearer(make_api_token("stock.read", name="feed")[1])
    elif who != "anonymous":
        client.force_login(make_staff(who))

    response = create(client, jacket_body(), headers=headers)

    assert response.status_code == status
    assert nothing_was_created()


def test_an_integration_retrying_with_the_same_key_creates_the_product_once(client):
    make_category("running")
    _, raw = make_api_token("catalog.write", name="pim")
    headers = {**bearer(raw), "Idempotency-Key": "pim-veste-running"}

    first = create(client, jacket_body(), headers=headers)
    retry = create(client, jacket_body(), headers=headers)

    assert (first.status_code, retry.status_code) == (201, 201)
    assert retry.json() == first.json()
    assert retry["Idempotent-Replayed"] == "true"
    assert Product.objects.count() == 1
