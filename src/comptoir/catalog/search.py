"""Search the catalogue as a shopper types: one selector over both databases (ADR 0033).

A query's words are compared lower case, unaccented and singular (domain.search_words), each
as the start of a word, all of them required, in any order. PostgreSQL ranks them with full text
search (a French configuration with unaccent, weighted name > brand and categories > sizes,
colours and SKUs > description); SQLite with FTS5 (accents removed, bm25 with the same
weights). When nothing matches, each word that no catalogue word starts with is replaced by the
catalogue's words one typo away (trigram similarity on PostgreSQL), and the search runs again.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import connection
from django.db.models import Q, QuerySet
from django.db.models.expressions import RawSQL
from django.db.models.functions import Length

from comptoir.core.errors import ValidationFailed

from .domain import corrections, search_words
from .models import Category, ChannelListing, Product, SearchTerm, Variant
from .selectors import (
    _category_and_descendants,
    category_by_slug,
    check_channel,
    product_summaries,
)

MAX_PAGE = 50  # a shopper refines a search long before reaching the 50th page
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
    lowest = "search_document__price_from"
    for band, low, high in PRICE_BANDS:
        if band == code:
            kept = Q(**{f"{lowest}__gte": low})
            return kept & Q(**{f"{lowest}__lt": high}) if high is not None else kept
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


# The matched products with what the facets count, and their rank (higher is better), in one
# statement; the page, the total and every facet are then taken from these rows.
_MATCHES_SQL = {
    "postgresql": """
SELECT d.product_id, p.brand, p.category_id, d.price_from, d.sizes, d.colours,
       ts_rank_cd(d.vector, q)
  FROM catalog_productsearchdocument d JOIN catalog_product p ON p.id = d.product_id,
       to_tsquery('comptoir_search', %s) q
 WHERE d.vector @@ q AND d.product_id IN ({among})
""",
    "sqlite": """
SELECT d.product_id, p.brand, p.category_id, d.price_from, d.sizes, d.colours,
       -bm25(catalog_search_fts, 10.0, 4.0, 4.0, 2.0, 1.0)
  FROM catalog_search_fts
  JOIN catalog_productsearchdocument d ON d.product_id = catalog_search_fts.rowid
  JOIN catalog_product p ON p.id = d.product_id
 WHERE catalog_search_fts MATCH %s AND d.product_id IN ({among})
""",
}
_Match = tuple[int, str, int, Any, str | None, str | None, float]


def _matches(query: _Query | None, products: QuerySet[Product]) -> list[_Match]:
    """Every product of `products` the query matches (all of them without a query), best
    first, then by id, each with its brand, category, lowest base price, sizes and colours."""
    if query is None:
        rows = products.order_by("pk").values_list(
            "pk",
            "brand",
            "category_id",
            "search_document__price_from",
            "search_document__sizes",
            "search_document__colours",
        )
        return [(*row, 0.0) for row in rows]
    among_sql, among_params = products.values("pk").query.sql_with_params()
    expression = _tsquery_expression(query) if _postgresql() else _fts5_expression(query)
    with connection.cursor() as cursor:
        cursor.execute(
            _MATCHES_SQL[connection.vendor].format(among=among_sql), [expression, *among_params]
        )
        found = cursor.fetchall()
    return sorted(found, key=lambda row: (-row[6], row[0]))


def _band_of(price: Any) -> str | None:
    if price is None:
        return None
    amount = Decimal(str(price))
    return next(
        code for code, low, high in PRICE_BANDS if amount >= low and (high is None or amount < high)
    )


def _by_count(row: dict[str, Any]) -> tuple[int, str]:
    return (-row["count"], row["label"])


def _facets(
    matches: list[_Match], products: QuerySet[Product], counted_among: dict[str, QuerySet[Any]]
) -> dict[str, Any]:
    """How many of the matches each choice of each facet would keep."""
    brands, categories, sizes, colours, bands = (Counter[Any]() for _ in range(5))
    for _, brand, category_id, price, size_lines, colour_lines, _ in matches:
        brands[brand] += 1
        categories[category_id] += 1
        bands[_band_of(price)] += 1
        sizes.update((size_lines or "").splitlines())
        colours.update((colour_lines or "").splitlines())
    names = dict(
        (pk, (slug, name))
        for pk, slug, name in Category.objects.filter(pk__in=list(categories)).values_list(
            "pk", "slug", "name"
        )
    )

    def choices(counts: Counter[Any], key: Any) -> list[dict[str, Any]]:
        rows = [{"value": v, "label": v, "count": n} for v, n in counts.items() if v]
        return sorted(rows, key=key)

    category_rows = [
        {"value": names[pk][0], "label": names[pk][1], "count": n}
        for pk, n in categories.items()
        if pk in names
    ]
    return {
        "category": sorted(category_rows, key=_by_count),
        "brand": choices(brands, _by_count),
        "size": choices(sizes, lambda row: _size_key(row["value"])),
        "colour": choices(colours, lambda row: row["value"]),
        "price": [
            {"value": code, "low": low, "high": high, "count": bands[code]}
            for code, low, high in PRICE_BANDS
            if bands[code]
        ],
        "stores": {
            name: products.filter(pk__in=among).count() for name, among in counted_among.items()
        },
    }


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
    matches = _matches(parsed, products)
    if parsed and not matches and (retry := _corrected(parsed)):
        parsed = retry
        matches = _matches(parsed, products)
    total = len(matches)
    offset = (page - 1) * limit
    ids = [row[0] for row in matches[offset : offset + limit]]
    found = Product.objects.select_related("category").in_bulk(ids)
    matched = products.filter(pk__in=_matching(parsed)) if parsed else products
    facets = _facets(matches, matched, counted_among or {})
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
