"""Reads about the catalogue."""

from __future__ import annotations

from .models import Variant


def variant_ids_for_skus(skus: list[str]) -> dict[str, int]:
    """SKU → variant id for the SKUs that exist (unknown ones are simply absent)."""
    return dict(Variant.objects.filter(sku__in=skus).values_list("sku", "pk"))


def variants_of_product(slug: str) -> dict[str, int]:
    """SKU → variant id for every variant of a product (empty if there is no such product)."""
    return dict(Variant.objects.filter(product__slug=slug).values_list("sku", "pk"))
