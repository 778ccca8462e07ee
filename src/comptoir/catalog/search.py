"""Search the catalogue as a shopper types: one selector over both databases (ADR 0033).

A query's words are compared lower case, unaccented and singular (domain.search_words), each
as the start of a word, all of them required, in any order. PostgreSQL ranks them with full text
search (a French configuration with unaccent, weighted name > brand and categories > sizes,
colours and SKUs > description); SQLite with FTS5 (accents removed, bm25 with the same
weights). When nothing matches, each word that no catalogue word starts with is replaced by the
catalogue's words one typo away (trigram similarity on PostgreSQL), and the search runs again.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import connection
from django.db.models import Q, QuerySet
from django.db.models.expressions import RawSQL
from django.db.models.functions import Length

from comptoir.core.errors import ValidationFailed

from .domain import corrections, search_words
from .models import ChannelListing, Product, SearchTerm, Variant
from .selectors import (
    _category_and_descendants,
    category_by_slug,
    check_channel,
    product_summaries,
)

MAX_PAGE = 50  # a shopper refines a search long before; deeper pages cost OFFSET scans
# (code, lowest, highest) in euros: the "price" facet, on a product's lowest base price.
PRICE_BANDS = (
    ("0-25", Decimal(0), Decimal(25)),
    ("25-50", Decimal(25), Decimal(50)),
    ("50-100", Decimal(50), Decimal(100)),
    ("100-200", Decimal(100), Decimal(200)),
    ("200-", Decimal(200), None),
)
SIZE_ORDER = {size: index for index, size in enumerate(["XXS", "XS", "S", "M", "L", "XL", "XXL"])}


@dataclass(frozen=True)
class SearchFilters:
    """The facets a shopper chose; blank means "any"."""

    category: str = ""
    brand: str = ""
    size: str = ""
    colour: str = ""
    price: str = ""  # a PRICE_BANDS code


@dataclass
class _Query:
    words: list[str]
    alternatives: list[list[str]] = field(default_factory=list)  # per word, after a typo

    @property
    def corrected(self) -> dict[str, str]:
        return {
            word: options[0]
            for word, options in zip(self.words, self.alternatives, strict=False)
            if options and options != [word]
        }


# --- the two databases ----------------------------------------------------------------------


def _fts5_expression(query: _Query) -> str:
    """`"veste"* "trail"*`: every word the start of a word; a corrected word by its options."""

    def term(word: str) -> str:
        return f'"{word}"*' if len(word) > 1 else f'"{word}"'

    parts = []
    for index, word in enumerate(query.words):
        options = query.alternatives[index] if query.alternatives else [word]
        parts.append("(" + " OR ".join(term(option) for option in options) + ")")
    return " AND ".join(parts)


def _tsquery_expression(query: _Query) -> str:
    """`vest:* & trail:*` for to_tsquery with the comptoir_search configuration."""

    def term(word: str) -> str:
        return f"{word}:*" if len(word) > 1 else word

    parts = []
    for index, word in enumerate(query.words):
        options = query.alternatives[index] if query.alternatives else [word]
        parts.append("(" + " | ".join(term(option) for option in options) + ")")
    return " & ".join(parts)


def _postgresql() -> bool:
    return connection.vendor == "postgresql"


def _matching(query: _Query) -> RawSQL:
    """The ids of the products whose document has every word: a subquery for filters."""
    if _postgresql():
        return RawSQL(
            "SELECT product_id FROM catalog_productsearchdocument"
            " WHERE vector @@ to_tsquery('comptoir_search', %s)",
            [_tsquery_expression(query)],
        )
    return RawSQL(
        "SELECT rowid FROM catalog_search_fts WHERE catalog_search_fts MATCH %s",
        [_fts5_expression(query)],
    )


def _ranked_ids(query: _Query, among: QuerySet[Any], *, offset: int, limit: int) -> list[int]:
    """The ids of `among` that match, best first, then by id: one page of them."""
    among_sql, among_params = among.values("pk").query.sql_with_params()
    if _postgresql():
        # `among_sql` is the ORM's own SQL; every value in it and here is a parameter.
        sql = (
            "SELECT d.product_id FROM catalog_productsearchdocument d,"  # noqa: S608
            " to_tsquery('comptoir_search', %s) q"
            f" WHERE d.vector @@ q AND d.product_id IN ({among_sql})"
            " ORDER BY ts_rank_cd(d.vector, q) DESC, d.product_id LIMIT %s OFFSET %s"
        )
        params = [_tsquery_expression(query), *among_params, limit, offset]
    else:
        sql = (
            "SELECT rowid FROM catalog_search_fts WHERE catalog_search_fts MATCH %s"  # noqa: S608
            f" AND rowid IN ({among_sql})"
            " ORDER BY bm25(catalog_search_fts, 10.0, 4.0, 4.0, 2.0, 1.0), rowid"
            " LIMIT %s OFFSET %s"
        )
        params = [_fts5_expression(query), *among_params, limit, offset]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [row[0] for row in cursor.fetchall()]


def _candidate_terms(word: str) -> list[str]:
    """Catalogue words that may be one typo from `word`: similar trigrams on PostgreSQL, and
    the words of about its length (on SQLite, all of them: a catalogue's vocabulary is small)."""
    if _postgresql():
        with connection.cursor() as cursor:
            # Trigrams miss a swap in a short word ("camrea" shares 3 of 11 with "camera"):
            # words of about its length with the same first letter are candidates too.
            cursor.execute(
                "SELECT term FROM catalog_searchterm"
                " WHERE term %% %s OR (term LIKE %s AND length(term) BETWEEN %s AND %s)"
                " ORDER BY similarity(term, %s) DESC LIMIT 50",
                [word, f"{word[0]}%", len(word) - 1, len(word) + 1, word],
            )
            return [row[0] for row in cursor.fetchall()]
    terms = SearchTerm.objects.annotate(length=Length("term")).filter(
        length__range=(len(word) - 1, len(word) + 1)
    )
    return list(terms.values_list("term", flat=True))


def _corrected(query: _Query) -> _Query | None:
    """The query with each unknown word replaced by its spellings one typo away, or None when
    no word has one."""
    alternatives, changed = [], False
    for word in query.words:
        options = [word]
        if not SearchTerm.objects.filter(term__startswith=word).exists():
            found = corrections(word, _candidate_terms(word))
            if found:
                options, changed = found, True
        alternatives.append(options)
    return _Query(query.words, alternatives) if changed else None


# --- the selector ---------------------------------------------------------------------------


def _listed(channel: str | None) -> QuerySet[Product]:
    products = Product.objects.filter(is_active=True)
    if channel:
        listed = ChannelListing.objects.filter(channel=channel, is_published=True)
        products = products.filter(pk__in=listed.values("product_id"))
    return products


def _price_band(code: str) -> Q:
    for band, low, high in PRICE_BANDS:
        if band == code:
            lowest = "search_document__price_from"
            band = Q(**{f"{lowest}__gte": low})
            return band & Q(**{f"{lowest}__lt": high}) if high is not None else band
    raise ValidationFailed(
        f"{code!r} is not a price band.",
        errors=[{"field": "query.price", "message": ", ".join(b for b, _, _ in PRICE_BANDS)}],
    )


def _filtered(products: QuerySet[Product], filters: SearchFilters) -> QuerySet[Product]:
    if filters.category:
        category = category_by_slug(filters.category, field="query.category")
        products = products.filter(category_id__in=_category_and_descendants(category))
    if filters.brand:
        products = products.filter(brand=filters.brand)
    variants = Variant.objects.all()
    if filters.size:
        variants = variants.filter(size=filters.size)
    if filters.colour:
        variants = variants.filter(colour=filters.colour)
    if filters.size or filters.colour:
        products = products.filter(pk__in=variants.values("product_id"))
    if filters.price:
        products = products.filter(_price_band(filters.price))
    return products


def _size_key(size: str) -> tuple[int, float, str]:
    if size in SIZE_ORDER:
        return (0, SIZE_ORDER[size], size)
    try:
        return (1, float(size.replace(",", ".")), size)
    except ValueError:
        return (2, 0.0, size)


def _band_case() -> str:
    """SQL that names the price band of `price_from`; the bounds are our own constants."""
    whens = " ".join(
        f"WHEN price_from < {high} THEN '{code}'"
        for code, _, high in PRICE_BANDS
        if high is not None
    )
    return f"CASE {whens} ELSE '{PRICE_BANDS[-1][0]}' END"


# Every facet's counts and the total in one statement over the matched products, read once
# (MATERIALIZED: PostgreSQL 12+, SQLite 3.35+) with their brand, category and lowest base
# price; sizes and colours from their variants, read once too.
_FACETS_SQL = """
WITH m(id, brand, category_id, price_from) AS MATERIALIZED ({matched}),
v AS MATERIALIZED (
  SELECT v.product_id, v.size, v.colour FROM m JOIN catalog_variant v ON v.product_id = m.id
)
SELECT 'total', '', '', COUNT(*) FROM m
UNION ALL
SELECT 'category', c.slug, c.name, COUNT(*)
  FROM m JOIN catalog_category c ON c.id = m.category_id GROUP BY c.slug, c.name
UNION ALL
SELECT 'brand', brand, brand, COUNT(*) FROM m WHERE brand <> '' GROUP BY brand
UNION ALL
SELECT 'size', size, size, COUNT(DISTINCT product_id) FROM v WHERE size <> '' GROUP BY size
UNION ALL
SELECT 'colour', colour, colour, COUNT(DISTINCT product_id)
  FROM v WHERE colour <> '' GROUP BY colour
UNION ALL
SELECT 'price', band, band, COUNT(*)
  FROM (SELECT {band_case} AS band FROM m WHERE price_from IS NOT NULL) bands GROUP BY band
"""


def _facets(
    products: QuerySet[Product], counted_among: dict[str, QuerySet[Any]]
) -> tuple[int, dict[str, Any]]:
    """How many `products` there are, and how many each choice of each facet would keep."""
    matched_sql, params = products.values(
        "pk", "brand", "category_id", "search_document__price_from"
    ).query.sql_with_params()
    rows: dict[str, list[tuple[str, str, int]]] = {
        kind: [] for kind in ("total", "category", "brand", "size", "colour", "price")
    }
    with connection.cursor() as cursor:
        cursor.execute(_FACETS_SQL.format(matched=matched_sql, band_case=_band_case()), params)
        for kind, value, label, count in cursor.fetchall():
            rows[kind].append((value, label, int(count)))
    bands = {value: count for value, _, count in rows["price"]}

    def choices(kind: str, key: Any) -> list[dict[str, Any]]:
        return [
            {"value": value, "label": label, "count": count}
            for value, label, count in sorted(rows[kind], key=key)
        ]

    facets = {
        "category": choices("category", lambda row: (-row[2], row[1])),
        "brand": choices("brand", lambda row: (-row[2], row[1])),
        "size": choices("size", lambda row: _size_key(row[0])),
        "colour": choices("colour", lambda row: row[0]),
        "price": [
            {"value": code, "low": low, "high": high, "count": bands[code]}
            for code, low, high in PRICE_BANDS
            if bands.get(code)
        ],
        "stores": {
            name: products.filter(pk__in=among).count() for name, among in counted_among.items()
        },
    }
    return rows["total"][0][2], facets


def _page_ids(
    query: _Query | None, products: QuerySet[Product], *, page: int, limit: int
) -> list[int]:
    offset = (page - 1) * limit
    if query is None:
        return list(products.order_by("pk").values_list("pk", flat=True)[offset : offset + limit])
    return _ranked_ids(query, products, offset=offset, limit=limit)


def search_products(
    *,
    query: str = "",
    channel: str | None = None,
    filters: SearchFilters | None = None,
    among: QuerySet[Any] | None = None,
    counted_among: dict[str, QuerySet[Any]] | None = None,
    page: int = 1,
    limit: int = 24,
) -> dict[str, Any]:
    """One page of the products that match `query`, best first, with the facets of all of them.

    Every word must match a name, brand, category, size, colour, attribute, SKU or description,
    whatever its accents, case or plural; a word that matches nothing is read with one typo
    corrected (`corrected` says which). `among` (a subquery of product ids) restricts the
    results, as in `product_page`; `counted_among` names subqueries whose overlap with the
    results is counted ("available in my store", "pickup near me") without restricting them.
    """
    check_channel(channel, field="query.channel")
    if not 1 <= page <= MAX_PAGE:
        raise ValidationFailed(
            f"page must be between 1 and {MAX_PAGE}.",
            errors=[{"field": "query.page", "message": f"between 1 and {MAX_PAGE}"}],
        )
    products = _filtered(_listed(channel), filters or SearchFilters())
    if among is not None:
        products = products.filter(pk__in=among)
    words = search_words(query)
    parsed = _Query(words) if words else None
    ids = _page_ids(parsed, products, page=page, limit=limit)
    if parsed and not ids and page == 1 and (retry := _corrected(parsed)):
        parsed = retry
        ids = _page_ids(parsed, products, page=page, limit=limit)
    matched = products.filter(pk__in=_matching(parsed)) if parsed else products
    total, facets = _facets(matched, counted_among or {})
    found = Product.objects.select_related("category").in_bulk(ids)
    return {
        "items": product_summaries([found[pk] for pk in ids if pk in found], channel=channel),
        "total": total,
        "page": page,
        "pages": min(MAX_PAGE, -(-total // limit)),
        "words": words,
        "corrected": parsed.corrected if parsed else {},
        "facets": facets,
    }


def search_suggestions(*, query: str, channel: str | None = None, limit: int = 6) -> list[dict]:
    """The few products a shopper probably means while typing `query`, best first: the same
    matching and typo rule as `search_products`, without counts or facets."""
    check_channel(channel, field="query.channel")
    words = search_words(query)
    if not words:
        return []
    parsed, products = _Query(words), _listed(channel)
    ids = _ranked_ids(parsed, products, offset=0, limit=limit)
    if not ids and (retry := _corrected(parsed)):
        ids = _ranked_ids(retry, products, offset=0, limit=limit)
    found = Product.objects.select_related("category").in_bulk(ids)
    return [
        {
            "slug": found[pk].slug,
            "name": found[pk].name,
            "brand": found[pk].brand,
            "category": found[pk].category.name,
        }
        for pk in ids
        if pk in found
    ]
