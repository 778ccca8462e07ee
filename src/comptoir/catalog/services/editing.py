"""Changing a product after it was created: its description and attributes, its variants."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction

from comptoir.core.errors import ValidationFailed
from comptoir.core.outbox import record_event

from .. import events
from ..domain import gtin_problem, normalise_gtin
from ..errors import GtinTaken, InvalidGtin, SkuTaken
from ..models import Variant
from ..selectors import (
    category_by_slug,
    lock_products_for_update,
    product_by_slug,
    variant_by_sku,
)
from .products import (
    NewVariant,
    _check_not_taken,
    _variant_errors,
    error_summary,
    insert_variants,
    variants_payload,
)
from .search import refresh_search_documents


def _check_attributes(attributes: dict[str, Any]) -> None:
    if not all(isinstance(key, str) and key.strip() for key in attributes):
        raise ValidationFailed(
            "An attribute needs a name.",
            errors=[{"field": "attributes", "message": "each attribute has a name"}],
        )


def edit_product(
    *,
    slug: str,
    name: str,
    category: str,
    brand: str = "",
    description: str = "",
    attributes: dict[str, Any] | None = None,
) -> Any:
    """Change what a product says about itself; its slug, variants and prices stay.

    Saved through the model (its save signal fires, so per-process caches forget it) and
    search sees the new words as soon as it commits. Records `product.updated`.
    """
    if not name.strip():
        raise ValidationFailed(
            "A product needs a name.", errors=[{"field": "name", "message": "a name"}]
        )
    _check_attributes(attributes or {})
    with transaction.atomic():
        product = product_by_slug(slug)
        lock_products_for_update([product.pk])
        product.name = name.strip()
        product.brand = brand.strip()
        product.description = description
        product.category = category_by_slug(category)
        product.attributes = attributes or {}
        product.save()
        refresh_search_documents(product_ids=[product.pk])
        record_event(
            events.PRODUCT_UPDATED,
            aggregate=f"product:{product.pk}",
            payload={"product_id": product.pk, "slug": slug, "category": category},
        )
    return product


def add_variant(*, slug: str, variant: NewVariant) -> Variant:
    """One more SKU for a product, with its base price; its SKU and GTIN are unique in the
    catalogue (a GTIN checked by its check digit). Records `product.variant_added`."""
    if errors := _variant_errors([variant]):
        cls = InvalidGtin if any(e["field"].endswith(".gtin") for e in errors) else ValidationFailed
        raise cls(error_summary(errors), errors=errors)
    with transaction.atomic():
        product = product_by_slug(slug)
        lock_products_for_update([product.pk])
        _check_not_taken(slug="", variants=[variant])
        try:
            with transaction.atomic():  # a concurrent twin may win the race: 409, not 500
                [row] = insert_variants(product, [variant])
        except IntegrityError:
            _check_not_taken(slug="", variants=[variant])
            raise SkuTaken(f"{variant.sku} was just created by another request.") from None
        refresh_search_documents(product_ids=[product.pk])
        record_event(
            events.VARIANT_ADDED,
            aggregate=f"product:{product.pk}",
            payload={"product_id": product.pk, "slug": slug, **variants_payload([row])[0]},
        )
    return row


def edit_variant(*, sku: str, size: str = "", colour: str = "", gtin: str = "") -> Variant:
    """Change a variant's size, colour or GTIN; its SKU stays (orders and stock name it).
    Records `product.variant_updated`."""
    gtin = gtin.strip()
    if gtin and (problem := gtin_problem(gtin)):
        raise InvalidGtin(problem, errors=[{"field": "gtin", "message": problem}])
    stored = normalise_gtin(gtin) if gtin else None
    taken = GtinTaken(
        f"The GTIN {gtin} already belongs to another variant.",
        errors=[{"field": "gtin", "message": f"taken: {gtin}"}],
    )
    with transaction.atomic():
        variant = variant_by_sku(sku)
        lock_products_for_update([variant.product_id])
        if stored and Variant.objects.filter(gtin=stored).exclude(pk=variant.pk).exists():
            raise taken
        variant.size, variant.colour, variant.gtin = size.strip(), colour.strip(), stored
        try:
            with transaction.atomic():
                variant.save()
        except IntegrityError:
            raise taken from None
        refresh_search_documents(product_ids=[variant.product_id])
        record_event(
            events.VARIANT_UPDATED,
            aggregate=f"variant:{variant.pk}",
            payload={"variant_id": variant.pk, "sku": sku, "product_id": variant.product_id},
        )
    return variant
