"""The search document of each product: what a search reads, rewritten when a product changes.

Every service that writes a product, its variants or its category calls
`refresh_search_documents` in its own transaction, and bulk loaders (the demo, the benchmark's
snapshot) call it once after loading; nothing is kept in step by signals. The databases index
the documents themselves (migration 0004): FTS5 triggers on SQLite, a generated `tsvector` on
PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.db.models import Min

from ..domain import document_terms
from ..models import Category, Price, Product, ProductSearchDocument, SearchTerm, Variant
from ..selectors import lock_products_for_update

BATCH = 2000


def _category_paths() -> dict[int, str]:
    """Category id → its name and its parents' names ("Trail Running")."""
    rows = {
        pk: (name, parent)
        for pk, name, parent in Category.objects.values_list("pk", "name", "parent_id")
    }
    paths: dict[int, str] = {}
    for pk in rows:
        names, seen, current = [], set(), pk
        while current is not None and current not in seen:  # a cycle must not loop forever
            seen.add(current)
            name, current = rows[current]
            names.append(name)
        paths[pk] = " ".join(names)
    return paths


def _attributes(variants: list[tuple[str, str | None, str, str, dict]]) -> str:
    words: dict[str, None] = {}
    for sku, gtin, size, colour, attributes in variants:
        values = [size, colour, sku, gtin or ""]
        values += [str(value) for value in (attributes or {}).values()]
        words.update(dict.fromkeys(value for value in values if value))
    return " ".join(words)


def _documents(product_ids: list[int], paths: dict[int, str]) -> list[ProductSearchDocument]:
    variants: dict[int, list[tuple[str, str | None, str, str, dict]]] = {
        pk: [] for pk in product_ids
    }
    for product_id, *values in (
        Variant.objects.filter(product_id__in=product_ids)
        .order_by("pk")
        .values_list("product_id", "sku", "gtin", "size", "colour", "attributes")
    ):
        variants[product_id].append(tuple(values))  # type: ignore[arg-type]
    lowest = dict(
        Price.objects.filter(variant__product_id__in=product_ids, channel="", location__isnull=True)
        .values("variant__product_id")
        .annotate(lowest=Min("amount"))
        .values_list("variant__product_id", "lowest")
    )
    return [
        ProductSearchDocument(
            product_id=pk,
            price_from=lowest.get(pk),
            name=name,
            brand=brand,
            categories=paths.get(category_id, ""),
            attributes=_attributes(variants[pk]),
            sizes="\n".join(dict.fromkeys(v[2] for v in variants[pk] if v[2])),
            colours="\n".join(dict.fromkeys(v[3] for v in variants[pk] if v[3])),
            description=description,
        )
        for pk, name, brand, category_id, description in Product.objects.filter(
            pk__in=product_ids, is_active=True
        ).values_list("pk", "name", "brand", "category_id", "description")
    ]


def _remember_terms(documents: Iterable[ProductSearchDocument]) -> None:
    terms: set[str] = set()
    for document in documents:
        text = " ".join([document.name, document.brand, document.categories, document.description])
        terms |= document_terms(text)
    SearchTerm.objects.bulk_create(
        [SearchTerm(term=term[:60]) for term in sorted(terms)], ignore_conflicts=True
    )


def refresh_search_documents(*, product_ids: Iterable[int] | None = None) -> int:
    """Rewrite the search documents of these products (of every product when None).

    An inactive product loses its document, so no search finds it. Returns how many documents
    were written. Runs inside the caller's transaction when there is one.
    """
    ids = sorted(
        set(product_ids)
        if product_ids is not None
        else Product.objects.values_list("pk", flat=True)
    )
    paths = _category_paths()
    written = 0
    for start in range(0, len(ids), BATCH):
        chunk = ids[start : start + BATCH]
        with transaction.atomic():
            # Two writers of one product (two prices set at once) each rewrite its document:
            # the second waits here, then reads what the first committed.
            lock_products_for_update(chunk)
            documents = _documents(chunk, paths)
            ProductSearchDocument.objects.filter(product_id__in=chunk).delete()
            ProductSearchDocument.objects.bulk_create(documents)
            _remember_terms(documents)
        written += len(documents)
    return written


def refresh_search_documents_of_category(*, category_id: int) -> int:
    """A category was renamed or moved: its products' documents name it anew."""
    return refresh_search_documents(
        product_ids=Product.objects.filter(category_id=category_id).values_list("pk", flat=True)
    )
