"""Where a product's pictures are served: the URLs a page puts in `src` and `srcset` (ADR 0034)."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import PurePosixPath
from typing import Any

from django.core.files.storage import default_storage

from .models import ProductImage

# What every browser shows; an original in another format is offered only through its copies.
WEB_FORMATS = {".jpg", ".jpeg", ".png", ".webp", ".gif", ".avif"}
DEFAULT_WIDTH = 640  # the `src` of a browser that ignores `srcset`


def pictures_of(product_ids: Iterable[int], *, covers_only: bool = False) -> dict[int, list]:
    """Each product's pictures in order (only the first with `covers_only`), as
    {src, srcset, width, height, alt}: one query whatever the number of products."""
    images = ProductImage.objects.filter(product_id__in=list(product_ids)).order_by(
        "product_id", "position"
    )
    if covers_only:
        images = images.filter(position=0)
    found: dict[int, list[dict[str, Any]]] = {}
    for image in images:
        found.setdefault(image.product_id, []).append(picture_out(image))
    return found


def picture_out(image: ProductImage) -> dict[str, Any]:
    sources = [(r["width"], default_storage.url(r["name"])) for r in image.renditions]
    if PurePosixPath(image.original.name).suffix.lower() in WEB_FORMATS:
        sources.append((image.width, image.original.url))
    sources = sorted(sources) or [(image.width, image.original.url)]
    src = next((url for width, url in sources if width >= DEFAULT_WIDTH), sources[-1][1])
    return {
        "src": src,
        "srcset": ", ".join(f"{url} {width}w" for width, url in sources),
        "width": image.width,
        "height": image.height,
        "alt": image.alt_text,
        "url": sources[-1][1],  # the largest: what structured data names
    }
