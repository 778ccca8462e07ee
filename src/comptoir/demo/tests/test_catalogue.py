import pytest
from django.core.files.storage import default_storage
from PIL import Image

from comptoir.catalog.domain import gtin13_of
from comptoir.catalog.models import Product, Variant
from comptoir.demo.catalogue import load_catalogue, plan_products
from comptoir.demo.pictures import draw_picture


@pytest.mark.django_db
def test_every_demo_variant_has_its_own_valid_gtin13():
    load_catalogue(skus=40, seed=7)

    gtins = list(Variant.objects.values_list("gtin", flat=True))

    assert len(gtins) >= 40
    assert all(gtin13_of(gtin) for gtin in gtins), [g for g in gtins if not gtin13_of(g)][:3]
    assert len(set(gtins)) == len(gtins)


def test_the_same_seed_gives_the_same_gtins():
    def first_gtins(seed):
        plans = list(plan_products(60, seed=seed))
        return [plan.gtin(position) for plan in plans for position in range(len(plan.skus))]

    assert first_gtins(7) == first_gtins(7)
    assert first_gtins(7)[0] == "03700000000006"  # Jean's jacket, size S


@pytest.mark.django_db
def test_every_demo_product_has_a_french_description_attributes_and_two_or_three_pictures():
    load_catalogue(skus=40, seed=7)

    for product in Product.objects.prefetch_related("images", "variants"):
        images = list(product.images.order_by("position"))
        assert 2 <= len(images) <= 3, product.slug
        assert product.description, product.slug
        assert product.attributes, product.slug
        assert [image.position for image in images] == list(range(len(images)))
        assert all(image.alt_text.startswith(product.name) for image in images)
        for image in images:
            assert default_storage.exists(image.original.name)
            assert [r["width"] for r in image.renditions] == [160, 320]
            with Image.open(default_storage.open(image.renditions[0]["name"])) as small:
                assert small.size == (160, 160)
    jacket = Product.objects.get(slug="veste-running-trail")
    assert "coupe-vent" in jacket.description
    assert jacket.images.first().alt_text == "Veste de running Trail, coloris bleu"


def test_two_products_get_different_pictures_and_the_same_product_the_same():
    jacket = draw_picture(name="Veste Trail", category="running", colour="bleu", view="front")

    assert jacket == draw_picture(
        name="Veste Trail", category="running", colour="bleu", view="front"
    )
    assert jacket != draw_picture(
        name="Veste Trail", category="running", colour="noir", view="front"
    )
    assert jacket != draw_picture(name="Sac Trail", category="running", colour="bleu", view="front")
