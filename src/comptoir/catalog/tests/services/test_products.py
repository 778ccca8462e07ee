from decimal import Decimal

import pytest

from comptoir.catalog.errors import (
    CategorySlugTaken,
    GtinTaken,
    InvalidGtin,
    ProductNotFound,
    ProductSlugTaken,
    RelationExists,
    SkuTaken,
    UnknownCategory,
    UnknownProduct,
)
from comptoir.catalog.models import ChannelListing, Price, Product, ProductRelation, Variant
from comptoir.catalog.services.products import (
    NewVariant,
    create_category,
    create_product,
    list_product_on_channel,
    relate_products,
)
from comptoir.catalog.tests.factories import make_category, make_product
from comptoir.core.errors import ValidationFailed
from comptoir.core.models import OutboxEvent

pytestmark = pytest.mark.django_db

JACKET_SIZES = [
    NewVariant(
        sku="JACKET-S", gtin="4006381333931", size="S", colour="bleu", price=Decimal("89.90")
    ),
    NewVariant(
        sku="JACKET-M", gtin="5901234123457", size="M", colour="bleu", price=Decimal("89.90")
    ),
    NewVariant(sku="JACKET-L", size="L", colour="bleu", price=Decimal("94.90")),
]


def create_jacket(**changes):
    make_category("running")
    fields = {
        "slug": "veste-running",
        "name": "Veste de running",
        "brand": "Élan",
        "category": "running",
        "variants": JACKET_SIZES,
        **changes,
    }
    return create_product(**fields)


def test_a_product_is_created_with_its_sizes_base_prices_and_listings():
    jacket = create_jacket()

    variants = Variant.objects.filter(product=jacket).order_by("pk")
    assert [(v.sku, v.gtin, v.size, v.colour) for v in variants] == [
        ("JACKET-S", "04006381333931", "S", "bleu"),
        ("JACKET-M", "05901234123457", "M", "bleu"),
        ("JACKET-L", None, "L", "bleu"),
    ]
    assert list(
        Price.objects.filter(variant__product=jacket)
        .order_by("variant_id")
        .values_list("variant__sku", "channel", "location", "amount", "currency")
    ) == [
        ("JACKET-S", "", None, Decimal("89.90"), "EUR"),
        ("JACKET-M", "", None, Decimal("89.90"), "EUR"),
        ("JACKET-L", "", None, Decimal("94.90"), "EUR"),
    ]
    assert sorted(jacket.listings.values_list("channel", flat=True)) == [
        "app",
        "call_centre",
        "store",
        "web",
    ]


def test_creating_a_product_records_a_product_created_event():
    jacket = create_jacket()

    event = OutboxEvent.objects.get(type="product.created")
    skus = dict(Variant.objects.values_list("sku", "pk"))
    assert event.aggregate == f"product:{jacket.pk}"
    assert event.payload == {
        "product_id": jacket.pk,
        "slug": "veste-running",
        "category": "running",
        "variants": [
            {"variant_id": skus["JACKET-S"], "sku": "JACKET-S"},
            {"variant_id": skus["JACKET-M"], "sku": "JACKET-M"},
            {"variant_id": skus["JACKET-L"], "sku": "JACKET-L"},
        ],
    }


def test_a_bad_check_digit_refuses_the_whole_product_naming_the_variant():
    bad = [JACKET_SIZES[0], NewVariant(sku="JACKET-M", gtin="5901234123458", price=Decimal(1))]

    with pytest.raises(InvalidGtin) as refused:
        create_jacket(variants=bad)

    assert refused.value.status == 422
    assert refused.value.errors == [
        {"field": "variants.1.gtin", "message": "the check digit should be 7, not 8"}
    ]
    assert not Product.objects.exists()
    assert not OutboxEvent.objects.filter(type="product.created").exists()


def test_a_sku_another_product_has_is_a_409_naming_it():
    make_product("veste-running", skus=["JACKET-S"])

    with pytest.raises(SkuTaken) as refused:
        create_jacket(slug="veste-trail")

    assert refused.value.errors == [{"field": "variants.0.sku", "message": "taken: JACKET-S"}]
    assert Product.objects.count() == 1


def test_the_same_gtin_written_as_upc_a_and_as_ean_13_is_one_item():
    make_category("running")
    create_product(
        slug="montre-gps",
        name="Montre GPS",
        category="running",
        variants=[NewVariant(sku="WATCH-GPS", gtin="036000291452", price=Decimal("199"))],
    )

    with pytest.raises(GtinTaken):
        create_product(
            slug="montre-gps-bis",
            name="Montre GPS",
            category="running",
            variants=[NewVariant(sku="WATCH-GPS-2", gtin="0036000291452", price=Decimal("199"))],
        )


def test_a_product_slug_is_unique():
    make_product("veste-running", skus=["JACKET-S"])

    with pytest.raises(ProductSlugTaken):
        create_jacket(variants=[NewVariant(sku="JACKET-XL", price=Decimal("89.90"))])


def test_a_product_needs_a_known_category():
    with pytest.raises(UnknownCategory) as refused:
        create_product(
            slug="veste-running", name="Veste", category="no-such-category", variants=JACKET_SIZES
        )

    assert refused.value.errors == [
        {"field": "category", "message": "unknown category: no-such-category"}
    ]


@pytest.mark.parametrize(
    ("variants", "errors"),
    [
        pytest.param(
            [],
            [{"field": "variants", "message": "a product has at least one variant"}],
            id="no_variant_case",
        ),
        pytest.param(
            [JACKET_SIZES[0], JACKET_SIZES[0]],
            [
                {"field": "variants.1.sku", "message": "JACKET-S is twice here"},
                {"field": "variants.1.gtin", "message": "4006381333931 is twice here"},
            ],
            id="twice_the_same_case",
        ),
        pytest.param(
            [NewVariant(sku="JACKET S", price=Decimal("-1"))],
            [
                {"field": "variants.0.sku", "message": "1-40 letters, digits, . _ or -"},
                {"field": "variants.0.price", "message": "a price is zero or more"},
            ],
            id="bad_sku_and_price_case",
        ),
        pytest.param(
            [NewVariant(sku="JACKET-S", price=Decimal("89.905"))],
            [{"field": "variants.0.price", "message": "EUR has 2 decimals"}],
            id="sub_cent_case",
        ),
    ],
)
def test_invalid_variants_are_422_with_one_error_per_field(variants, errors):
    with pytest.raises(ValidationFailed) as refused:
        create_jacket(variants=variants)

    assert refused.value.errors == errors
    assert not Product.objects.exists()


def test_the_mobile_app_gets_a_short_title_and_the_marketplace_a_listing():
    make_product("veste-running-impermeable", name="Veste de running imperméable Élan Trail")

    list_product_on_channel(slug="veste-running-impermeable", channel="app", title="Veste Trail")
    list_product_on_channel(slug="veste-running-impermeable", channel="marketplace")

    listings = dict(
        ChannelListing.objects.filter(product__slug="veste-running-impermeable").values_list(
            "channel", "title"
        )
    )
    assert listings == {
        "web": "",
        "app": "Veste Trail",
        "store": "",
        "call_centre": "",
        "marketplace": "",
    }
    assert OutboxEvent.objects.filter(type="product.listed").count() == 2


def test_listing_an_unknown_product_is_not_found():
    with pytest.raises(ProductNotFound):
        list_product_on_channel(slug="no-such-product", channel="app", title="?")


def test_a_strap_is_an_accessory_of_the_watch_once():
    make_product("montre-gps", skus=["WATCH-GPS"], category="montres-gps")
    make_product("bracelet-silicone", skus=["STRAP-SIL"], category="montres-gps")

    relation = relate_products(slug="bracelet-silicone", related="montre-gps", kind="accessory_of")

    assert (relation.product.slug, relation.kind, relation.related.slug) == (
        "bracelet-silicone",
        "accessory_of",
        "montre-gps",
    )
    with pytest.raises(RelationExists):
        relate_products(slug="bracelet-silicone", related="montre-gps", kind="accessory_of")
    assert ProductRelation.objects.count() == 1


@pytest.mark.parametrize(
    ("related", "kind", "error"),
    [
        pytest.param("montre-gps", "accessory_of", ValidationFailed, id="itself_case"),
        pytest.param("no-such-watch", "accessory_of", UnknownProduct, id="unknown_case"),
        pytest.param("bracelet", "goes_well_with", ValidationFailed, id="unknown_kind_case"),
    ],
)
def test_a_relation_needs_another_known_product_and_a_known_kind(related, kind, error):
    make_product("montre-gps", skus=["WATCH-GPS"])
    make_product("bracelet", skus=["STRAP-SIL"])

    with pytest.raises(error):
        relate_products(slug="montre-gps", related=related, kind=kind)

    assert not ProductRelation.objects.exists()


def test_a_category_sits_under_its_parent_and_its_slug_is_unique():
    make_category("running")

    trail = create_category(slug="trail", name="Trail", parent="running")

    assert trail.parent.slug == "running"
    assert OutboxEvent.objects.filter(type="category.created", payload__slug="trail").exists()
    with pytest.raises(CategorySlugTaken):
        create_category(slug="trail", name="Trail again")
    with pytest.raises(UnknownCategory):
        create_category(slug="ultra", name="Ultra", parent="no-such-parent")
