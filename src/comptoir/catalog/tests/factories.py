"""Builders for catalogue tests, through the same services the API uses.

The retailer is Élan Sport & Tech: running jackets in sizes, GPS watches and their straps.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from comptoir.catalog.models import Category, ImportJob, Product
from comptoir.catalog.services.imports import run_catalog_import, start_catalog_import
from comptoir.catalog.services.products import NewVariant, create_category, create_product

# Real, valid EAN-13s so that a failing test shows a barcode one could scan.
GTINS = {"JACKET-S": "4006381333931", "JACKET-M": "5901234123457", "JACKET-L": "4012345678901"}


def make_category(
    slug: str = "running", name: str = "Running", parent: str | None = None
) -> Category:
    existing = Category.objects.filter(slug=slug).first()
    return existing or create_category(slug=slug, name=name, parent=parent)


def make_product(
    slug: str = "veste-running",
    *,
    skus: Sequence[str] = ("JACKET-S", "JACKET-M", "JACKET-L"),
    name: str = "Veste de running",
    brand: str = "Élan",
    category: str = "running",
    price: str = "89.90",
    channels: Sequence[str] = ("web", "app", "store", "call_centre"),
) -> Product:
    """A product with one variant per SKU (size from the SKU's last part), all at `price`."""
    make_category(category)
    return create_product(
        slug=slug,
        name=name,
        brand=brand,
        category=category,
        channels=channels,
        variants=[
            NewVariant(
                sku=sku, price=Decimal(price), gtin=GTINS.get(sku, ""), size=sku.rsplit("-")[-1]
            )
            for sku in skus
        ],
    )


CSV_HEADER = "product_slug,product_name,brand,category_slug,sku,gtin,size,colour,price_eur"


def catalog_csv(*rows: str) -> str:
    """A CSV file as an operations manager exports it: the header, then `rows`."""
    return "\n".join([CSV_HEADER, *rows]) + "\n"


def imported(csv_text: str, *, batch_size: int = 200) -> ImportJob:
    """Start an import and run it to the end, as the worker does."""
    job = start_catalog_import(csv_text=csv_text)
    return run_catalog_import(job_id=job.pk, batch_size=batch_size)
