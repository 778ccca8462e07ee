import io

import pytest
from django.core.files.storage import default_storage
from PIL import Image

from comptoir.catalog.errors import InvalidPicture
from comptoir.catalog.models import ProductImage
from comptoir.catalog.pictures import pictures_of
from comptoir.catalog.services.images import add_product_image
from comptoir.catalog.tests.factories import make_product

pytestmark = pytest.mark.django_db


def photo(width: int, height: int, kind: str = "JPEG") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (31, 95, 191)).save(buffer, kind)
    return buffer.getvalue()


def add(content: bytes, filename: str = "a.png", alt_text: str = "De face") -> ProductImage:
    return add_product_image(
        product_slug="veste-running", content=content, filename=filename, alt_text=alt_text
    )


def test_a_picture_is_kept_with_smaller_copies_in_its_proportions(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    make_product("veste-running")

    image = add(photo(1200, 900), filename="IMG_1.JPG")

    assert (image.position, image.width, image.height) == (0, 1200, 900)
    assert image.original.name == "products/veste-running/0.jpg"
    assert [(r["width"], r["height"]) for r in image.renditions] == [
        (160, 120),
        (320, 240),
        (640, 480),
        (960, 720),
    ]
    for rendition in image.renditions:
        with Image.open(default_storage.open(rendition["name"])) as copy:
            assert (copy.format, copy.size) == ("WEBP", (rendition["width"], rendition["height"]))


def test_the_next_picture_takes_the_next_position_and_a_page_gets_a_srcset(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    product = make_product("veste-running")
    add(photo(500, 500, "PNG"), alt_text="A")
    add(photo(300, 300, "PNG"), alt_text="B")

    pictures = pictures_of([product.pk])[product.pk]

    assert [p["alt"] for p in pictures] == ["A", "B"]
    first = pictures[0]
    assert first["srcset"] == (
        "/media/products/veste-running/0-160w.webp 160w, "
        "/media/products/veste-running/0-320w.webp 320w, "
        "/media/products/veste-running/0.png 500w"
    )
    assert first["src"] == first["url"] == "/media/products/veste-running/0.png"
    assert pictures_of([product.pk], covers_only=True)[product.pk] == [first]


@pytest.mark.parametrize(
    "content",
    [
        pytest.param(b"%PDF-1.7 not a picture", id="pdf_case"),
        pytest.param(photo(40, 40)[:60], id="truncated_case"),
        pytest.param(b"", id="empty_case"),
    ],
)
def test_a_file_that_is_not_a_picture_is_refused_and_nothing_is_stored(content, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    make_product("veste-running")

    with pytest.raises(InvalidPicture) as refused:
        add(content, filename="x.jpg")

    assert refused.value.errors[0]["field"] == "file"
    assert not ProductImage.objects.exists()
    assert not list(tmp_path.iterdir())
