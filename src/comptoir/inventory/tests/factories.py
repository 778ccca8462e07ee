"""Builders for stock tests: a store, a product with sizes, units on the shelf."""

from __future__ import annotations

from decimal import Decimal

from comptoir.catalog.models import Category, ChannelListing, Product, Variant
from comptoir.inventory.services.stock import receive_stock
from comptoir.locations.models import Location
from comptoir.locations.services import open_location


def make_store(code: str = "lyon-part-dieu", *, city: str = "Lyon") -> Location:
    existing = Location.objects.filter(code=code).first()
    if existing:
        return existing
    return open_location(
        code=code,
        name=f"Élan {city}",
        city=city,
        latitude=Decimal("45.76070"),
        longitude=Decimal("4.85950"),
    )


def make_variant(sku: str = "JACKET-S", *, product_slug: str = "running-jacket") -> Variant:
    category, _ = Category.objects.get_or_create(slug="running", defaults={"name": "Running"})
    product, created = Product.objects.get_or_create(
        slug=product_slug, defaults={"name": "Veste de running", "category": category}
    )
    if created:  # offered in every channel, as a new product is
        ChannelListing.objects.bulk_create(
            [ChannelListing(product=product, channel=c) for c in ("web", "app", "store")]
        )
    variant, _ = Variant.objects.get_or_create(sku=sku, defaults={"product": product})
    return variant


def put_on_shelf(variant: Variant, store: Location, quantity: int) -> None:
    receive_stock(
        variant_id=variant.pk,
        location_id=store.pk,
        sku=variant.sku,
        quantity=quantity,
        reference="delivery note 1",
    )
