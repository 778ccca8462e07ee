"""The catalogue as the storefront shows it, kept in memory per process (ADR 0040).

A product page and a listing card show what changes a few times a day (names, variants,
prices, pictures, listings) beside what changes every second (stock). So each process keeps
the first, read by the usual selectors, and the pages read only the stock: the product page's
seven catalogue statements, and four of the listing's, are asked once a minute at most.

It is forgotten when the application edits a product, a variant, a price, a listing, a
relation, a picture or a category: at once in this process and again on commit, through model
signals and, for the bulk writes and `update()`s that send none, in the services that make them.
An edit made in another process, the admin of another server or SQL is seen within a minute.
Stock is never kept here. What an order charges is never read from here (`prices_for_skus`).
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models.signals import post_delete, post_save

from comptoir.core.lookups import LookupCache

from .models import Category, ChannelListing, Price, Product, ProductImage, ProductRelation, Variant
from .selectors import category_list, product_detail, product_summaries, variants_of_product

TTL_SECONDS = 60.0

# Bounded: a crawler walking 100,000 products must not grow a process past some tens of MB
# (about 3 kB a card and 6 kB a product page in memory); past its bound a cache starts again.
_details = LookupCache(
    "product page: the catalogue's part", ttl_seconds=TTL_SECONDS, max_entries=2_000
)
_variant_ids = LookupCache(
    "product slug -> its variants' ids", ttl_seconds=TTL_SECONDS, max_entries=5_000
)
_summaries = LookupCache(
    "listing card: the catalogue's part", ttl_seconds=TTL_SECONDS, max_entries=10_000
)
_categories = LookupCache("top categories", ttl_seconds=TTL_SECONDS, max_entries=1)

_edits = [0]  # how many times it was forgotten: a read begun before an edit is not kept


def _kept(cache: LookupCache, values: dict[Any, Any], edits: int) -> None:
    if edits == _edits[0]:  # else it may hold what the edit replaced: use it, once
        cache.put_many(values)


def product_detail_remembered(*, slug: str, channel: str) -> dict[str, Any]:
    """`product_detail(slug, channel)` with no store: read at most once a minute. The answer is
    shared by every request of the process: read it, never change it."""
    found = _details.get((slug, channel))
    if found is None:
        edits = _edits[0]
        found = product_detail(slug=slug, channel=channel)
        _kept(_details, {(slug, channel): found}, edits)
    return found


def variant_ids_remembered(slug: str) -> dict[str, int]:
    """SKU → variant id of every variant of the product (empty if there is none)."""
    found = _variant_ids.get(slug)
    if found is None:
        edits = _edits[0]
        found = variants_of_product(slug)
        if found:  # an unknown product always asks the database
            _kept(_variant_ids, {slug: found}, edits)
    return found


def product_summaries_remembered(
    products: list[Product], *, channel: str | None
) -> list[dict[str, Any]]:
    """`product_summaries` for a page of products, each card read at most once a minute."""
    keys = [(product.pk, channel) for product in products]
    found = _summaries.get_many(keys)
    missing = [product for product, key in zip(products, keys, strict=True) if key not in found]
    if missing:
        edits = _edits[0]
        fresh = {
            (product.pk, channel): summary
            for product, summary in zip(
                missing, product_summaries(missing, channel=channel), strict=True
            )
        }
        _kept(_summaries, fresh, edits)
        found |= fresh
    return [found[key] for key in keys]


def top_categories_remembered() -> list[Category]:
    """The categories with no parent, by name: the storefront's category list."""
    found = _categories.get("top")
    if found is None:
        edits = _edits[0]
        found = list(category_list().filter(parent__isnull=True).order_by("name"))
        _kept(_categories, {"top": found}, edits)
    return found


def forget() -> None:
    """Read the catalogue again on next use (now, and after this transaction commits)."""
    _forget_now()
    transaction.on_commit(_forget_now)


def _forget_now() -> None:
    _edits[0] += 1
    for cache in (_details, _variant_ids, _summaries, _categories):
        cache.clear()


def _edited(**_: object) -> None:
    forget()


# Any save or delete through the ORM (services, the admin, factories in tests): bulk writes and
# `update()` send no signal, so the services that make them call forget() themselves.
for _model in (Category, Product, Variant, Price, ChannelListing, ProductRelation, ProductImage):
    post_save.connect(_edited, sender=_model, dispatch_uid=f"catalogue-{_model.__name__}-save")
    post_delete.connect(_edited, sender=_model, dispatch_uid=f"catalogue-{_model.__name__}-del")
