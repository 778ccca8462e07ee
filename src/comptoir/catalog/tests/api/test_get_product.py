"""GET /api/v1/products/{slug} — public; each variant's price on ?channel= in ?store=, and
where that price comes from."""

from decimal import Decimal

import pytest

from comptoir.catalog.services.images import add_product_image
from comptoir.catalog.services.prices import set_price
from comptoir.catalog.services.products import list_product_on_channel
from comptoir.catalog.tests.factories import make_product
from comptoir.catalog.tests.services.test_images import photo
from comptoir.locations.tests.factories import make_store

pytestmark = pytest.mark.django_db
URL = "/api/v1/products/veste-running"


def prices(client, **params):
    response = client.get(URL, params)
    assert response.status_code == 200
    return [
        (v["sku"], v["price"]["amount"], v["price"]["source"]) for v in response.json()["variants"]
    ]


def test_the_same_price_shows_in_every_channel_by_default(client):
    make_store("lyon-part-dieu")
    make_product("veste-running", skus=["JACKET-S", "JACKET-M"], price="89.90")

    for channel in ("web", "app", "store", "call_centre"):
        assert prices(client, channel=channel) == [
            ("JACKET-S", "89.90", "base"),
            ("JACKET-M", "89.90", "base"),
        ]
    assert prices(client, channel="store", store="lyon-part-dieu") == [
        ("JACKET-S", "89.90", "base"),
        ("JACKET-M", "89.90", "base"),
    ]


def test_a_lyon_override_shows_in_lyon_only_and_says_it_is_lyon_s(client):
    make_store("lyon-part-dieu")
    make_store("paris-rivoli")
    make_product("veste-running", skus=["JACKET-S", "JACKET-M"], price="89.90")
    set_price(sku="JACKET-S", store="lyon-part-dieu", amount=Decimal("79.90"), reason="concurrent")

    assert prices(client, channel="store", store="lyon-part-dieu") == [
        ("JACKET-S", "79.90", "store:lyon-part-dieu"),
        ("JACKET-M", "89.90", "base"),
    ]
    assert prices(client, channel="store", store="paris-rivoli") == [
        ("JACKET-S", "89.90", "base"),
        ("JACKET-M", "89.90", "base"),
    ]
    assert prices(client, channel="web") == [
        ("JACKET-S", "89.90", "base"),
        ("JACKET-M", "89.90", "base"),
    ]


def test_the_whole_product_as_the_mobile_app_sees_it(client):
    jacket = make_product("veste-running", skus=["JACKET-S"], price="89.90")
    list_product_on_channel(slug="veste-running", channel="app", title="Veste")

    response = client.get(URL, {"channel": "app"})

    assert response.json() == {
        "slug": "veste-running",
        "name": "Veste de running",
        "title": "Veste",
        "brand": "Élan",
        "description": "",
        "attributes": {},
        "images": [],
        "category": {"slug": "running", "name": "Running"},
        "variants": [
            {
                "sku": "JACKET-S",
                "gtin": "04006381333931",
                "size": "S",
                "colour": "",
                "price": {"amount": "89.90", "currency": "EUR", "source": "base", "reason": ""},
            }
        ],
        "listings": [
            {"channel": "app", "title": "Veste", "is_published": True},
            {"channel": "call_centre", "title": "", "is_published": True},
            {"channel": "store", "title": "", "is_published": True},
            {"channel": "web", "title": "", "is_published": True},
        ],
        "accessory_of": [],
        "accessories": [],
        "replacement_of": [],
        "replaced_by": [],
    }
    assert jacket.slug == "veste-running"


@pytest.mark.parametrize(
    ("url", "params", "status", "code"),
    [
        pytest.param(
            "/api/v1/products/no-such-product", {}, 404, "product-not-found", id="unknown_case"
        ),
        pytest.param(URL, {"channel": "marketplace"}, 404, "product-not-found", id="unlisted_case"),
        pytest.param(
            URL, {"store": "no-such-store"}, 422, "unknown-store", id="unknown_store_case"
        ),
        pytest.param(URL, {"channel": "fax"}, 422, "validation-failed", id="unknown_channel_case"),
    ],
)
def test_what_cannot_be_shown_is_a_problem(client, url, params, status, code):
    make_product("veste-running", skus=["JACKET-S"])

    response = client.get(url, params)

    assert (response.status_code, response.json()["code"]) == (status, code)
    assert response["Content-Type"] == "application/problem+json"


def test_the_app_gets_the_pictures_in_order_with_their_copies(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    make_product("veste-running", skus=["JACKET-S"])
    for alt in ("De face", "De dos"):
        add_product_image(
            product_slug="veste-running", content=photo(800, 600), filename="p.jpg", alt_text=alt
        )

    images = client.get(URL).json()["images"]

    assert [(i["alt"], i["width"], i["height"]) for i in images] == [
        ("De face", 800, 600),
        ("De dos", 800, 600),
    ]
    assert images[0]["src"] == "/media/products/veste-running/0-640w.webp"
    assert images[0]["url"] == "/media/products/veste-running/0.jpg"
    assert images[0]["srcset"].split(", ")[0] == "/media/products/veste-running/0-160w.webp 160w"
