"""Products and their variants, categories, channel listings and product relations."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db import IntegrityError, transaction

from comptoir.core.channels import CHANNEL_CODES
from comptoir.core.errors import Conflict, ValidationFailed
from comptoir.core.outbox import record_event

from .. import events
from ..domain import SKU_PATTERN, SLUG_PATTERN, gtin_problem, normalise_gtin
from ..errors import (
    CategorySlugTaken,
    GtinTaken,
    InvalidGtin,
    ProductSlugTaken,
    RelationExists,
    SkuTaken,
    UnknownProduct,
)
from ..memory import forget as forget_remembered_catalogue
from ..models import Category, ChannelListing, Price, Product, ProductRelation, Variant
from ..selectors import category_by_slug, check_channel, product_by_slug
from .prices import price_field_problem
from .search import refresh_search_documents

# A new product is offered in every channel the retailer runs itself; a marketplace (with its
# fees and its own rules) is a choice made per product with list_product_on_channel.
DEFAULT_CHANNELS = ("web", "app", "store", "call_centre")

FieldErrors = list[dict[str, str]]


@dataclass(frozen=True)
class NewVariant:
    sku: str
    price: Decimal
    gtin: str = ""
    size: str = ""
    colour: str = ""
    currency: str = "EUR"


def create_category(*, slug: str, name: str, parent: str | None = None) -> Category:
    """A category, optionally under a parent; its slug is unique."""
    if not re.fullmatch(SLUG_PATTERN, slug):
        raise ValidationFailed(
            f"{slug!r} is not a slug.",
            errors=[{"field": "slug", "message": "lowercase words joined by dashes"}],
        )
    taken = CategorySlugTaken(f"A category already has the slug {slug!r}.")
    with transaction.atomic():
        parent_category = category_by_slug(parent, field="parent") if parent else None
        if Category.objects.filter(slug=slug).exists():
            raise taken
        try:
            with transaction.atomic():
                category = Category.objects.create(slug=slug, name=name, parent=parent_category)
        except IntegrityError:
            raise taken from None
        record_event(
            events.CATEGORY_CREATED,
            aggregate=f"category:{category.pk}",
            payload={"category_id": category.pk, "slug": slug, "parent": parent},
        )
    return category


def _variant_errors(variants: Sequence[NewVariant]) -> FieldErrors:
    """Field errors of the variants on their own: SKU, GTIN, price, each one unique."""
    errors: FieldErrors = []
    skus: set[str] = set()
    gtins: set[str] = set()
    for index, variant in enumerate(variants):
        field = f"variants.{index}"
        if not re.fullmatch(SKU_PATTERN, variant.sku):
            errors.append({"field": f"{field}.sku", "message": "1-40 letters, digits, . _ or -"})
        elif variant.sku in skus:
            errors.append({"field": f"{field}.sku", "message": f"{variant.sku} is twice here"})
        skus.add(variant.sku)
        if variant.gtin:
            if problem := gtin_problem(variant.gtin):
                errors.append({"field": f"{field}.gtin", "message": problem})
            elif normalise_gtin(variant.gtin) in gtins:
                errors.append(
                    {"field": f"{field}.gtin", "message": f"{variant.gtin} is twice here"}
                )
            else:
                gtins.add(normalise_gtin(variant.gtin))
        if problem := price_field_problem(variant.price, variant.currency):
            errors.append({"field": f"{field}.price", "message": problem})
    return errors


def _check_product_input(
    *, slug: str, variants: Sequence[NewVariant], channels: Sequence[str]
) -> None:
    errors: FieldErrors = []
    if not re.fullmatch(SLUG_PATTERN, slug):
        errors.append({"field": "slug", "message": "lowercase words joined by dashes"})
    if not variants:
        errors.append({"field": "variants", "message": "a product has at least one variant"})
    errors.extend(_variant_errors(variants))
    errors.extend(
        {"field": "channels", "message": f"unknown channel: {channel}"}
        for channel in channels
        if channel not in CHANNEL_CODES
    )
    if not errors:
        return
    if any(error["field"].endswith(".gtin") for error in errors):
        raise InvalidGtin("A GTIN is not valid: " + error_summary(errors), errors=errors)
    raise ValidationFailed(error_summary(errors), errors=errors)


def error_summary(errors: FieldErrors) -> str:
    return "; ".join(f"{error['field']}: {error['message']}" for error in errors)


def _check_not_taken(*, slug: str, variants: Sequence[NewVariant]) -> None:
    """Raise the 409 that says which slug, SKU or GTIN another product already has."""
    if Product.objects.filter(slug=slug).exists():
        raise ProductSlugTaken(
            f"A product already has the slug {slug!r}.",
            errors=[{"field": "slug", "message": f"taken: {slug}"}],
        )
    taken_skus = set(
        Variant.objects.filter(sku__in=[v.sku for v in variants]).values_list("sku", flat=True)
    )
    if taken_skus:
        raise SkuTaken(
            f"These SKUs already exist: {', '.join(sorted(taken_skus))}.",
            errors=[
                {"field": f"variants.{index}.sku", "message": f"taken: {variant.sku}"}
                for index, variant in enumerate(variants)
                if variant.sku in taken_skus
            ],
        )
    gtins = {normalise_gtin(v.gtin): index for index, v in enumerate(variants) if v.gtin}
    taken_gtins = set(Variant.objects.filter(gtin__in=gtins).values_list("gtin", flat=True))
    if taken_gtins:
        raise GtinTaken(
            f"These GTINs already belong to another variant: {', '.join(sorted(taken_gtins))}.",
            errors=[
                {"field": f"variants.{gtins[gtin]}.gtin", "message": f"taken: {gtin}"}
                for gtin in sorted(taken_gtins)
            ],
        )


def insert_product(
    *,
    slug: str,
    name: str,
    category_id: int,
    brand: str = "",
    description: str = "",
    channels: Sequence[str] = DEFAULT_CHANNELS,
    attributes: dict[str, object] | None = None,
) -> Product:
    """Insert a product and its listings. The caller holds the transaction and checked input."""
    product = Product.objects.create(
        slug=slug,
        name=name,
        brand=brand,
        description=description,
        category_id=category_id,
        attributes=attributes or {},
    )
    ChannelListing.objects.bulk_create(
        [ChannelListing(product=product, channel=channel) for channel in dict.fromkeys(channels)]
    )
    return product


def insert_variants(product: Product, variants: Sequence[NewVariant]) -> list[Variant]:
    """Insert variants with their base price. The caller holds the transaction."""
    rows = Variant.objects.bulk_create(
        [
            Variant(
                product=product,
                sku=variant.sku,
                gtin=normalise_gtin(variant.gtin) if variant.gtin else None,
                size=variant.size,
                colour=variant.colour,
            )
            for variant in variants
        ]
    )
    Price.objects.bulk_create(
        [
            Price(variant=row, amount=variant.price, currency=variant.currency)
            for row, variant in zip(rows, variants, strict=True)
        ]
    )
    forget_remembered_catalogue()  # bulk_create sends no signal: an import adds variants
    return rows


def variants_payload(rows: Sequence[Variant]) -> list[dict[str, object]]:
    return [{"variant_id": row.pk, "sku": row.sku} for row in rows]


def create_product(
    *,
    slug: str,
    name: str,
    category: str,
    variants: Sequence[NewVariant],
    brand: str = "",
    description: str = "",
    channels: Sequence[str] = DEFAULT_CHANNELS,
    attributes: dict[str, object] | None = None,
) -> Product:
    """A product with its variants and their base price, listed on `channels`, all or nothing.

    Every SKU and every GTIN (checked by its check digit, kept in its 14-digit form) is unique
    in the catalogue; the base price is the price in every channel until an override says
    otherwise; search finds the product as soon as it commits. Records `product.created`.
    """
    _check_product_input(slug=slug, variants=variants, channels=channels)
    with transaction.atomic():
        category_id = category_by_slug(category).pk
        _check_not_taken(slug=slug, variants=variants)
        try:
            with transaction.atomic():  # a concurrent twin may win the race: 409, not 500
                product = insert_product(
                    slug=slug,
                    name=name,
                    category_id=category_id,
                    brand=brand,
                    description=description,
                    channels=channels,
                    attributes=attributes,
                )
                rows = insert_variants(product, variants)
                refresh_search_documents(product_ids=[product.pk])
        except IntegrityError:
            _check_not_taken(slug=slug, variants=variants)
            raise Conflict("Another request created this product at the same time.") from None
        record_event(
            events.PRODUCT_CREATED,
            aggregate=f"product:{product.pk}",
            payload={
                "product_id": product.pk,
                "slug": slug,
                "category": category,
                "variants": variants_payload(rows),
            },
        )
    return product


def list_product_on_channel(
    *, slug: str, channel: str, title: str = "", is_published: bool = True
) -> ChannelListing:
    """Offer a product on a channel (or withdraw it), with the title that channel shows.

    A blank title shows the product name; the mobile app usually gets a shorter one.
    Records `product.listed`.
    """
    check_channel(channel)
    with transaction.atomic():
        product = product_by_slug(slug)
        listing, _ = ChannelListing.objects.update_or_create(
            product=product,
            channel=channel,
            defaults={"title": title, "is_published": is_published},
        )
        record_event(
            events.PRODUCT_LISTED,
            aggregate=f"product:{product.pk}",
            payload={
                "product_id": product.pk,
                "slug": slug,
                "channel": channel,
                "title": title,
                "is_published": is_published,
            },
        )
    return listing


def relate_products(*, slug: str, related: str, kind: str) -> ProductRelation:
    """Say that a product is an accessory of, or a replacement of, another one.

    `slug` is the accessory (or the replacement); `related` is the product it goes with (or
    replaces). Records `product.related`.
    """
    if kind not in ProductRelation.Kind.values:
        raise ValidationFailed(
            f"{kind!r} is not a kind of relation.",
            errors=[{"field": "kind", "message": "accessory_of or replacement_of"}],
        )
    if slug == related:
        raise ValidationFailed(
            "A product cannot be related to itself.",
            errors=[{"field": "related", "message": "another product"}],
        )
    exists = RelationExists(f"{slug} is already {kind} {related}.")
    with transaction.atomic():
        product = product_by_slug(slug)
        other = Product.objects.filter(slug=related).first()
        if other is None:
            raise UnknownProduct(
                f"No product has the slug {related!r}.",
                errors=[{"field": "related", "message": f"unknown product: {related}"}],
            )
        if ProductRelation.objects.filter(product=product, related=other, kind=kind).exists():
            raise exists
        try:
            with transaction.atomic():
                relation = ProductRelation.objects.create(product=product, related=other, kind=kind)
        except IntegrityError:
            raise exists from None
        record_event(
            events.PRODUCTS_RELATED,
            aggregate=f"product:{product.pk}",
            payload={"product_id": product.pk, "related_id": other.pk, "kind": kind},
        )
    return relation
