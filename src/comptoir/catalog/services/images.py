"""Product pictures: the original kept as sent, smaller copies made once with Pillow (ADR 0034)."""

from __future__ import annotations

import io
from pathlib import PurePosixPath

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from PIL import Image, UnidentifiedImageError

from ..domain import rendition_widths, scaled_height
from ..errors import InvalidPicture
from ..models import ProductImage
from ..selectors import product_by_slug

MAX_PIXELS = 40_000_000  # a 6,000 × 6,000 photo and then some; more is a decompression bomb
MAX_BYTES = 10 * 1024 * 1024  # a phone's best JPEG is a few MB; more is a mistake or a RAW
RENDITION_FORMAT, RENDITION_SUFFIX = "WEBP", "webp"


def add_product_image(
    *, product_slug: str, content: bytes, filename: str, alt_text: str
) -> ProductImage:
    """Store a picture as the product's next one, with its smaller copies.

    Guarantees: the file is a picture Pillow reads, of MAX_BYTES at most (else `InvalidPicture`
    and nothing is written); every copy keeps the original's proportions and is narrower than
    it. Files are
    written before the row: a failure in between leaves an unreferenced file, never a row that
    names a missing file.
    """
    product = product_by_slug(product_slug)
    if len(content) > MAX_BYTES:
        raise _invalid(f"the file is larger than {MAX_BYTES // (1024 * 1024)} MB")
    try:
        with Image.open(io.BytesIO(content)) as probe:
            probe.verify()
        picture = Image.open(io.BytesIO(content))
        picture.load()
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError) as error:
        raise _invalid(f"not a picture: {error}") from error
    if picture.width * picture.height > MAX_PIXELS:
        raise _invalid("the picture has too many pixels")
    with transaction.atomic():
        position = ProductImage.objects.filter(product=product).count()
        stem = f"products/{product.slug}/{position}"
        suffix = PurePosixPath(filename).suffix.lower() or ".bin"
        original = default_storage.save(f"{stem}{suffix}", ContentFile(content))
        renditions = [
            _save_rendition(picture, width=width, stem=stem)
            for width in rendition_widths(picture.width)
        ]
        return ProductImage.objects.create(
            product=product,
            position=position,
            alt_text=alt_text[:200],
            original=original,
            width=picture.width,
            height=picture.height,
            renditions=renditions,
        )


def _save_rendition(picture: Image.Image, *, width: int, stem: str) -> dict[str, int | str]:
    height = scaled_height(width, original_width=picture.width, original_height=picture.height)
    copy = picture.convert("RGBA" if picture.mode in ("RGBA", "LA", "P") else "RGB")
    copy = copy.resize((width, height), Image.Resampling.LANCZOS)
    buffer = io.BytesIO()
    copy.save(buffer, RENDITION_FORMAT, quality=80, method=4)
    name = default_storage.save(
        f"{stem}-{width}w.{RENDITION_SUFFIX}", ContentFile(buffer.getvalue())
    )
    return {"width": width, "height": height, "name": name}


def _invalid(message: str) -> InvalidPicture:
    return InvalidPicture(message, errors=[{"field": "file", "message": message}])
