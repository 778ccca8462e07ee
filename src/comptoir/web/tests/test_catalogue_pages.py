"""The back office's catalogue pages: operations create and change products, variants,
pictures and prices through the catalogue's services; bad input is named on its field and
changes nothing; associates and shoppers are refused."""

from __future__ import annotations

import io
from decimal import Decimal
from html import unescape

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from comptoir.accounts.tests.factories import make_staff
from comptoir.catalog.models import Price, Product, ProductImage, Variant
from comptoir.catalog.services import images
from comptoir.catalog.tests.factories import make_category, make_product
from comptoir.customers.tests.factories import make_shopper
from comptoir.locations.tests.factories import make_store

pytestmark = pytest.mark.django_db
GOOD_GTIN, BAD_GTIN = "4006381333931", "4006381333932"  # the same body, a wrong check digit


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def ops() -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.cookies["django_language"] = "en"
    client.force_login(make_staff("operations"))
    return client


def page(answer) -> str:
    return unescape(answer.content.decode())


def new_product(**changes: str) -> dict[str, str]:
    return {
        "name": "Veste coupe-vent",
        "brand": "Élan",
        "category": make_category().slug,
        "description": "Légère, elle tient dans sa poche.",
        "attributes": "matière: polyester\nimperméable: non",
        "variant-sku": "WIND-M",
        "variant-size": "M",
        "variant-colour": "bleu",
        "variant-gtin": GOOD_GTIN,
        "variant-price": "59.90",
        **changes,
    }


def photo(kind: str = "PNG", size: tuple[int, int] = (800, 600)) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 40, 40)).save(buffer, kind)
    return SimpleUploadedFile(f"veste.{kind.lower()}", buffer.getvalue(), f"image/{kind.lower()}")


# --- a product ------------------------------------------------------------------------------


def test_operations_create_a_product_with_its_first_variant(ops):
    answer = ops.post("/backoffice/catalogue/new/", new_product())

    assert answer.status_code == 200
    product = Product.objects.get()
    assert (product.slug, product.brand, product.category.slug) == (
        "veste-coupe-vent",
        "Élan",
        "running",
    )
    assert product.attributes == {"matière": "polyester", "imperméable": "non"}
    variant = Variant.objects.get(product=product)
    assert (variant.sku, variant.size, variant.colour, variant.gtin) == (
        "WIND-M",
        "M",
        "bleu",
        "0" + GOOD_GTIN,
    )
    assert Price.objects.get(variant=variant).amount == Decimal("59.90")
    assert "Product created" in page(answer)


def test_a_double_submit_with_the_same_key_creates_one_product(ops):
    first = ops.post("/backoffice/catalogue/new/", new_product(), HTTP_IDEMPOTENCY_KEY="k-1")
    second = ops.post("/backoffice/catalogue/new/", new_product(), HTTP_IDEMPOTENCY_KEY="k-1")

    assert (first.status_code, second.status_code) == (200, 200)
    assert second["Idempotent-Replayed"] == "true"
    assert first.content == second.content
    assert Product.objects.count() == 1


def test_a_wrong_check_digit_is_named_on_the_barcode_and_creates_nothing(ops):
    answer = ops.post("/backoffice/catalogue/new/", new_product(**{"variant-gtin": BAD_GTIN}))

    assert answer.status_code == 200
    assert "This barcode's last digit should be 1" in page(answer)
    assert 'id="id_variant-gtin_errors"' in page(answer)
    assert not Product.objects.exists()


def test_a_sku_another_product_has_is_named_on_the_sku_and_creates_nothing(ops):
    make_product(skus=["WIND-M"])

    answer = ops.post("/backoffice/catalogue/new/", new_product())

    assert answer.status_code == 200
    assert 'id="id_variant-sku_errors"' in page(answer)
    assert "Another product already has this SKU." in page(answer)
    assert Product.objects.count() == 1


def test_a_refused_form_gets_a_new_key_so_the_corrected_one_is_not_a_replay(ops):
    refused = ops.post(
        "/backoffice/catalogue/new/",
        new_product(**{"variant-gtin": BAD_GTIN}),
        HTTP_IDEMPOTENCY_KEY="k-2",
    )
    assert "k-2" not in page(refused)

    fixed = ops.post("/backoffice/catalogue/new/", new_product(), HTTP_IDEMPOTENCY_KEY="k-3")

    assert fixed.status_code == 200
    assert Product.objects.count() == 1


def test_operations_edit_a_product_and_its_variants(ops):
    make_product()
    make_category("trail", "Trail")

    edited = ops.post(
        "/backoffice/catalogue/veste-running/",
        {
            "name": "Veste trail",
            "brand": "Élan",
            "category": "trail",
            "description": "Neuve",
            "attributes": "poids: 180 g",
        },
    )
    added = ops.post(
        "/backoffice/catalogue/veste-running/variants/",
        {
            "variant-sku": "JACKET-XL",
            "variant-size": "XL",
            "variant-colour": "",
            "variant-gtin": "",
            "variant-price": "94.90",
        },
    )
    changed = ops.post(
        "/backoffice/catalogue/veste-running/variants/JACKET-S/",
        {"JACKET-S-size": "S", "JACKET-S-colour": "rouge", "JACKET-S-gtin": "5901234123457"[:0]},
    )

    assert [edited.status_code, added.status_code, changed.status_code] == [302, 302, 302]
    product = Product.objects.get()
    assert (product.name, product.category.slug, product.attributes) == (
        "Veste trail",
        "trail",
        {"poids": "180 g"},
    )
    assert Variant.objects.get(sku="JACKET-XL").prices.get().amount == Decimal("94.90")
    assert Variant.objects.get(sku="JACKET-S").colour == "rouge"


def test_a_duplicate_sku_or_bad_gtin_on_a_variant_changes_nothing(ops):
    make_product()

    duplicate = ops.post(
        "/backoffice/catalogue/veste-running/variants/",
        {"variant-sku": "JACKET-M", "variant-price": "10"},
    )
    bad = ops.post(
        "/backoffice/catalogue/veste-running/variants/JACKET-S/",
        {"JACKET-S-size": "S", "JACKET-S-gtin": BAD_GTIN},
    )

    assert "Another product already has this SKU." in page(duplicate)
    assert 'id="id_variant-sku_errors"' in page(duplicate)
    assert 'id="id_JACKET-S-gtin_errors"' in page(bad)
    assert Variant.objects.count() == 3
    assert Variant.objects.get(sku="JACKET-S").gtin == "0" + GOOD_GTIN


# --- pictures -------------------------------------------------------------------------------


def test_pictures_are_stored_with_their_thumbnails_and_shown(ops):
    make_product()

    answer = ops.post(
        "/backoffice/catalogue/veste-running/pictures/",
        {"file": [photo(), photo("JPEG")], "alt_text": "La veste de face"},
    )

    assert answer.status_code == 302
    stored = list(ProductImage.objects.order_by("position"))
    assert [image.position for image in stored] == [0, 1]
    assert all(image.renditions for image in stored)
    shown = page(ops.get("/backoffice/catalogue/veste-running/"))
    assert stored[0].renditions[0]["name"] in shown
    assert 'alt="La veste de face"' in shown


def test_a_text_file_is_refused_on_the_field_and_nothing_is_stored(ops):
    make_product()
    text = SimpleUploadedFile("notes.png", b"not a picture at all", "image/png")

    answer = ops.post(
        "/backoffice/catalogue/veste-running/pictures/",
        {"file": [photo(), text], "alt_text": "De face"},
    )

    assert answer.status_code == 200
    assert 'id="id_file_errors"' in page(answer)
    assert "not a picture we can read" in page(answer)
    assert not ProductImage.objects.exists()  # the good picture sent with it is refused too


def test_an_oversized_file_is_refused(ops, monkeypatch):
    make_product()
    monkeypatch.setattr(images, "MAX_BYTES", 100)

    answer = ops.post(
        "/backoffice/catalogue/veste-running/pictures/", {"file": photo(), "alt_text": "De face"}
    )

    assert 'id="id_file_errors"' in page(answer)
    assert not ProductImage.objects.exists()


# --- prices ---------------------------------------------------------------------------------


def test_a_base_price_and_a_store_override_show_their_provenance(ops):
    make_product()
    make_store("lyon-part-dieu")

    base = ops.post(
        "/backoffice/catalogue/veste-running/prices/",
        {"sku": "JACKET-M", "channel": "", "store": "", "amount": "84.90", "reason": ""},
    )
    override = ops.post(
        "/backoffice/catalogue/veste-running/prices/",
        {
            "sku": "JACKET-M",
            "channel": "store",
            "store": "lyon-part-dieu",
            "amount": "79.90",
            "reason": "concurrent local",
        },
    )

    assert (base.status_code, override.status_code) == (302, 302)
    rules = Price.objects.filter(variant__sku="JACKET-M")
    assert sorted(rule.amount for rule in rules) == [Decimal("79.90"), Decimal("84.90")]
    shown = page(ops.get("/backoffice/catalogue/veste-running/"))
    assert "channel+store:store/lyon-part-dieu" in shown
    assert "concurrent local" in shown


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"amount": "-1"}, "amount"),
        ({"channel": "web", "reason": ""}, "reason"),
    ],
)
def test_a_bad_price_is_named_on_its_field_and_changes_nothing(ops, fields, field):
    make_product()

    answer = ops.post(
        "/backoffice/catalogue/veste-running/prices/",
        {"sku": "JACKET-M", "channel": "", "store": "", "amount": "70", "reason": "", **fields},
    )

    assert answer.status_code == 200
    assert f'id="id_{field}_errors"' in page(answer)
    assert [p.amount for p in Price.objects.filter(variant__sku="JACKET-M")] == [Decimal("89.90")]


# --- who may ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/backoffice/catalogue/new/",
        "/backoffice/catalogue/veste-running/",
        "/backoffice/catalogue/veste-running/variants/",
        "/backoffice/catalogue/veste-running/pictures/",
        "/backoffice/catalogue/veste-running/prices/",
    ],
)
def test_an_associate_or_a_shopper_is_refused_and_nothing_changes(path):
    make_product()
    associate, shopper = Client(), Client()
    associate.force_login(make_staff("associate"))
    shopper.force_login(make_shopper().user)
    body = {**new_product(), "sku": "JACKET-M", "amount": "1", "name": "Pirate"}

    answers = [client.post(path, body) for client in (associate, shopper)]

    assert [answer.status_code for answer in answers] == [403, 403]
    assert Product.objects.get().name == "Veste de running"
    assert Price.objects.filter(amount=1).count() == 0


def test_a_nul_in_a_text_field_of_an_upload_is_still_refused(ops):
    make_product()

    answer = ops.post(
        "/backoffice/catalogue/veste-running/pictures/", {"file": photo(), "alt_text": "De\x00face"}
    )

    assert answer.status_code == 400
    assert not ProductImage.objects.exists()


def test_a_malformed_attribute_or_a_missing_name_changes_nothing(ops):
    make_product()

    answer = ops.post(
        "/backoffice/catalogue/veste-running/",
        {"name": "", "category": "running", "attributes": "sans deux-points"},
    )

    assert answer.status_code == 200
    assert 'id="id_name_errors"' in page(answer)
    assert "Write each attribute as name: value." in page(answer)
    product = Product.objects.get()
    assert (product.name, product.attributes) == ("Veste de running", {})
