"""Reads about the catalogue, shaped for their callers and free of N+1 queries."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import Any

from django.db import connection
from django.db.models import F, Prefetch, Q, QuerySet

from comptoir.core.channels import CHANNEL_CODES
from comptoir.core.lookups import LookupCache
from comptoir.core.pagination import paginate

from .domain import PriceRule, ResolvedPrice, resolve_price
from .errors import (
    ImportJobNotFound,
    PriceNotFound,
    ProductNotFound,
    UnknownCategory,
    UnknownChannel,
    UnknownStore,
    VariantNotFound,
)
from .models import Category, ChannelListing, ImportJob, Price, Product, ProductRelation, Variant
from .pictures import pictures_of

# --- for other apps (inventory resolves SKUs through these) ---------------------------------


def variant_ids_for_skus(skus: list[str]) -> dict[str, int]:
    """SKU → variant id for the SKUs that exist (unknown ones are simply absent)."""
    return dict(Variant.objects.filter(sku__in=skus).values_list("sku", "pk"))


def product_names_of_skus(skus: Iterable[str]) -> dict[str, str]:
    """Each SKU's product name, in one query (a basket, a receipt); unknown SKUs are left out."""
    return dict(Variant.objects.filter(sku__in=list(skus)).values_list("sku", "product__name"))


def product_ids_of_variants(variant_ids: Iterable[int]) -> dict[int, int]:
    """Variant id → its product's id, for the variants that exist."""
    return dict(Variant.objects.filter(pk__in=list(variant_ids)).values_list("pk", "product_id"))


# A SKU names one variant for good: nothing renames a SKU or deletes a variant (its stock,
# prices and order lines protect it), so remembering the pair is safe; the time-to-live only
# bounds an edit made by hand in SQL.
_variant_ids = LookupCache("sku -> variant id", ttl_seconds=300.0)


def variant_ids_for_skus_remembered(skus: list[str]) -> dict[str, int]:
    """As `variant_ids_for_skus`, for the few SKUs of a hot request: per-process memory."""
    found = _variant_ids.get_many(skus)
    missing = [sku for sku in skus if sku not in found]
    if missing:
        fresh = variant_ids_for_skus(missing)
        _variant_ids.put_many(fresh)
        found |= fresh
    return found


def variants_of_product(slug: str) -> dict[str, int]:
    """SKU → variant id for every variant of a product (empty if there is no such product)."""
    return dict(Variant.objects.filter(product__slug=slug).values_list("sku", "pk"))


def other_variants_of(sku: str) -> list[Variant]:
    """The other sizes and colours of this SKU's product, in SKU order (an exchange's choice)."""
    return list(Variant.objects.filter(product__variants__sku=sku).exclude(sku=sku).order_by("sku"))


# --- stores and categories ------------------------------------------------------------------


def _stores() -> QuerySet[Any]:
    # A price names its store through its foreign key to locations.Location. catalog and
    # locations are siblings in the app DAG and do not import each other, so the store table
    # is reached through that key.
    location_model: Any = Price._meta.get_field("location").related_model
    return location_model.objects.filter(kind="store")


def store_id_for_code(code: str, *, field: str = "store") -> int:
    """The id of the store with this code; UnknownStore (422 on `field`) otherwise."""
    store_id = _stores().filter(code=code).values_list("pk", flat=True).first()
    if store_id is None:
        raise UnknownStore(
            f"No store has the code {code!r}.",
            errors=[{"field": field, "message": f"unknown store: {code}"}],
        )
    return int(store_id)


def category_list() -> QuerySet[Category]:
    return Category.objects.select_related("parent")


def category_by_slug(slug: str, *, field: str = "category") -> Category:
    try:
        return Category.objects.get(slug=slug)
    except Category.DoesNotExist:
        raise UnknownCategory(
            f"No category has the slug {slug!r}.",
            errors=[{"field": field, "message": f"unknown category: {slug}"}],
        ) from None


def _category_and_descendants(category: Category) -> list[int]:
    """The ids of a category and of every category below it ("running" holds "trail")."""
    found, frontier = [category.pk], [category.pk]
    while frontier:
        frontier = list(Category.objects.filter(parent__in=frontier).values_list("pk", flat=True))
        frontier = [pk for pk in frontier if pk not in found]  # a cycle must not loop forever
        found.extend(frontier)
    return found


def check_channel(channel: str | None, *, field: str = "channel") -> None:
    if channel is not None and channel not in CHANNEL_CODES:
        raise UnknownChannel(
            f"{channel!r} is not a sales channel.",
            errors=[{"field": field, "message": f"one of {', '.join(sorted(CHANNEL_CODES))}"}],
        )


# --- prices ---------------------------------------------------------------------------------


def _applicable_prices(*, channel: str | None, location_id: int | None) -> QuerySet[Price]:
    """Price rows that may apply on `channel` in the store `location_id`, with the store code."""
    channels = Q(channel="") | Q(channel=channel) if channel else Q(channel="")
    stores = (
        Q(location__isnull=True) | Q(location_id=location_id)
        if location_id
        else Q(location__isnull=True)
    )
    return Price.objects.filter(channels & stores).annotate(store_code=F("location__code"))


def _rule(price: Price) -> PriceRule:
    return PriceRule(
        amount=price.amount,
        currency=price.currency,
        channel=price.channel,
        store=getattr(price, "store_code", None) or "",
        reason=price.reason,
    )


def _resolve(
    prices: Iterable[Price], *, channel: str | None, store: str | None
) -> ResolvedPrice | None:
    return resolve_price([_rule(price) for price in prices], channel=channel, store=store)


def _store_code(location_id: int | None) -> str | None:
    if location_id is None:
        return None
    code = _stores().filter(pk=location_id).values_list("code", flat=True).first()
    if code is None:
        raise UnknownStore(
            f"No store has the id {location_id}.",
            errors=[{"field": "store", "message": f"unknown store: {location_id}"}],
        )
    return str(code)


def price_for(
    *, sku: str, channel: str | None = None, location_id: int | None = None
) -> ResolvedPrice:
    """What `sku` costs on `channel` in the store `location_id`, and which rule says so.

    Orders, carts and tills call this: one price everywhere unless an explicit override for the
    channel, the store or both applies (the most specific wins; see domain.resolve_price).
    """
    check_channel(channel)
    store = _store_code(location_id)
    variant_id = Variant.objects.filter(sku=sku).values_list("pk", flat=True).first()
    if variant_id is None:
        raise VariantNotFound(f"No variant has the SKU {sku!r}.")
    prices = _applicable_prices(channel=channel, location_id=location_id).filter(
        variant_id=variant_id
    )
    resolved = _resolve(prices, channel=channel, store=store)
    if resolved is None:
        raise PriceNotFound(f"{sku} has no price that applies here.")
    return resolved


# --- products -------------------------------------------------------------------------------


def product_list(
    *, category: str | None = None, channel: str | None = None, search: str | None = None
) -> QuerySet[Product]:
    """Active products, optionally of a category (and its subcategories), published on a
    channel, or matching a search on name, brand, slug, exact SKU or GTIN."""
    check_channel(channel, field="query.channel")
    products = Product.objects.filter(is_active=True)
    if category:
        category_ids = _category_and_descendants(category_by_slug(category, field="query.category"))
        products = products.filter(category_id__in=category_ids)
    if channel:
        listed = ChannelListing.objects.filter(channel=channel, is_published=True)
        products = products.filter(pk__in=listed.values("product_id"))
    if search:
        search = search.strip()
        by_variant = Variant.objects.filter(Q(sku__iexact=search) | Q(gtin=search.zfill(14)))
        products = products.filter(
            Q(name__icontains=search)
            | Q(brand__icontains=search)
            | Q(slug__icontains=search)
            | Q(pk__in=by_variant.values("product_id"))
        )
    return products


def _title(product: Product, listings: list[ChannelListing]) -> str:
    """The channel's own title (a short one for the app) when it has one, else the name."""
    return next((listing.title for listing in listings if listing.title), product.name)


def _price_out(resolved: ResolvedPrice | None) -> dict[str, Any] | None:
    if resolved is None:
        return None
    return {
        "amount": resolved.amount,
        "currency": resolved.currency,
        "source": resolved.source,
        "reason": resolved.reason,
    }


def _price_from(prices: list[ResolvedPrice | None]) -> dict[str, Any] | None:
    """The lowest price among the variants (shown as "from 89.90 €")."""
    known = [price for price in prices if price is not None]
    if not known:
        return None
    lowest = min(known, key=lambda price: price.amount)
    if any(price.currency != lowest.currency for price in known):
        return None  # amounts in several currencies have no honest minimum
    return {"amount": lowest.amount, "currency": lowest.currency}


def product_summaries(products: list[Product], *, channel: str | None) -> list[dict[str, Any]]:
    """What a listing shows of each product: its channel title, its variants and the lowest
    price among them, and its cover picture. A page of 20 products has hundreds of variants
    and prices: they are read as plain rows, four queries whatever the page's size, which
    costs a fraction of building a model instance for each."""
    product_ids = [product.pk for product in products]
    variants: dict[int, list[tuple[int, str, str, str]]] = {pk: [] for pk in product_ids}
    for variant_id, product_id, sku, size, colour in (
        Variant.objects.filter(product_id__in=product_ids)
        .order_by("pk")
        .values_list("pk", "product_id", "sku", "size", "colour")
    ):
        variants[product_id].append((variant_id, sku, size, colour))
    rules: dict[int, list[PriceRule]] = {}
    for variant_id, amount, currency, price_channel, store_code, reason in (
        _applicable_prices(channel=channel, location_id=None)
        .filter(variant__product_id__in=product_ids)
        .values_list("variant_id", "amount", "currency", "channel", "store_code", "reason")
    ):
        rule = PriceRule(amount, currency, price_channel, store_code or "", reason)
        rules.setdefault(variant_id, []).append(rule)
    covers = pictures_of(product_ids, covers_only=True)
    titles = dict(  # one listing per (product, channel)
        ChannelListing.objects.filter(channel=channel or "", product_id__in=product_ids)
        .exclude(title="")
        .values_list("product_id", "title")
    )
    return [
        {
            "slug": product.slug,
            "name": product.name,
            "title": titles.get(product.pk) or product.name,
            "brand": product.brand,
            "category": product.category.slug,
            "cover": (covers.get(product.pk) or [None])[0],
            "price_from": _price_from(
                [
                    resolve_price(rules.get(variant[0], []), channel=channel, store=None)
                    for variant in variants[product.pk]
                ]
            ),
            "variants": [
                {"sku": sku, "size": size, "colour": colour}
                for _, sku, size, colour in variants[product.pk]
            ],
        }
        for product in products
    ]


def product_page(
    *,
    category: str | None = None,
    channel: str | None = None,
    search: str | None = None,
    cursor: str | None = None,
    limit: int = 50,
    among: QuerySet[Any] | None = None,
    with_total: bool = False,
    count_up_to: int | None = None,
    summarise: Callable[..., list[dict[str, Any]]] = product_summaries,
) -> dict[str, Any]:
    """One cursor page of product summaries, in a fixed number of queries whatever its size.

    `among` is a subquery of product ids that restricts the list; it is how another app
    filters the catalogue (stock: "available in store X") without the catalogue knowing why.
    `with_total` counts every match; `count_up_to` counts no further than that. `summarise`
    makes the cards (the storefront's remembers them: `memory.product_summaries_remembered`).
    """
    products = product_list(category=category, channel=channel, search=search)
    if among is not None:
        products = products.filter(pk__in=among)
    # A card shows these columns only: a description or attributes are not sent for 24 cards.
    columns = ("pk", "slug", "name", "brand", "category__slug")
    page = paginate(products.select_related("category").only(*columns), cursor=cursor, limit=limit)
    if with_total:
        page["total"] = products.count()
    elif count_up_to is not None:
        # A shopper reads "more than 100" as well as "4,449", and counting stops at the 101st
        # match instead of reading every one (76 ms for a store of the big demo, 1 ms so).
        counted = products.values("pk")[: count_up_to + 1].count()
        page["total"], page["more_than_total"] = min(counted, count_up_to), counted > count_up_to
    page["items"] = summarise(page["items"], channel=channel)
    return page


def product_detail(
    *, slug: str, channel: str | None = None, store: str | None = None
) -> dict[str, Any]:
    """A product with its variants, each with the price that applies on `channel` in `store`
    (a store code) and where it comes from; its listings; its accessories and replacements.

    A product not published on `channel` is not found there.
    """
    check_channel(channel, field="query.channel")
    location_id = store_id_for_code(store, field="query.store") if store else None
    prices = _applicable_prices(channel=channel, location_id=location_id)
    product = (
        Product.objects.filter(slug=slug, is_active=True)
        .select_related("category")
        .prefetch_related(
            Prefetch("variants", queryset=Variant.objects.order_by("pk")),
            Prefetch("variants__prices", queryset=prices, to_attr="applicable_prices"),
            Prefetch("listings", queryset=ChannelListing.objects.order_by("channel")),
            Prefetch(
                "relations",
                queryset=ProductRelation.objects.filter(related__is_active=True).annotate(
                    other=F("related__slug")
                ),
            ),
            Prefetch(
                "related_from",
                queryset=ProductRelation.objects.filter(product__is_active=True).annotate(
                    other=F("product__slug")
                ),
            ),
        )
        .first()
    )
    if product is None:
        raise ProductNotFound(f"No product has the slug {slug!r}.")
    listings = list(product.listings.all())
    if channel and not any(x.channel == channel and x.is_published for x in listings):
        raise ProductNotFound(f"{slug} is not offered on the {channel} channel.")
    outgoing = _related_slugs(product.relations.all())
    incoming = _related_slugs(product.related_from.all())
    return {
        "slug": product.slug,
        "name": product.name,
        "title": _title(product, [x for x in listings if x.channel == channel]),
        "brand": product.brand,
        "description": product.description,
        "attributes": product.attributes,
        "images": pictures_of([product.pk]).get(product.pk, []),
        "category": {"slug": product.category.slug, "name": product.category.name},
        "variants": [
            {
                "sku": variant.sku,
                "gtin": variant.gtin,
                "size": variant.size,
                "colour": variant.colour,
                "price": _price_out(
                    _resolve(variant.applicable_prices, channel=channel, store=store)
                ),
            }
            for variant in product.variants.all()
        ],
        "listings": [
            {"channel": x.channel, "title": x.title, "is_published": x.is_published}
            for x in listings
        ],
        "accessory_of": outgoing[ProductRelation.Kind.ACCESSORY_OF],
        "accessories": incoming[ProductRelation.Kind.ACCESSORY_OF],
        "replacement_of": outgoing[ProductRelation.Kind.REPLACEMENT_OF],
        "replaced_by": incoming[ProductRelation.Kind.REPLACEMENT_OF],
    }


def _related_slugs(relations: Iterable[ProductRelation]) -> dict[str, list[str]]:
    """Kind → sorted slugs of the products on the other end (annotated as `other`)."""
    slugs: dict[str, list[str]] = {kind: [] for kind in ProductRelation.Kind}
    for relation in relations:
        slugs[relation.kind].append(relation.other)
    return {kind: sorted(found) for kind, found in slugs.items()}


def lock_products_for_update(product_ids: Iterable[int]) -> list[int]:
    """Lock these products' rows, in id order, until the transaction ends; their ids.

    What a product's search document is built from (its variants, its prices) is then read
    after any concurrent writer of that product has committed (READ COMMITTED)."""
    return list(
        Product.objects.select_for_update()
        .filter(pk__in=list(product_ids))
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def product_by_slug(slug: str) -> Product:
    try:
        return Product.objects.get(slug=slug)
    except Product.DoesNotExist:
        raise ProductNotFound(f"No product has the slug {slug!r}.") from None


def variant_by_sku(sku: str) -> Variant:
    try:
        return Variant.objects.get(sku=sku)
    except Variant.DoesNotExist:
        raise VariantNotFound(f"No variant has the SKU {sku!r}.") from None


def variant_by_scan(code: str) -> Variant:
    """The variant a scanned or typed code names: its SKU (any case) or its GTIN (a barcode's
    8 to 14 digits, padded to GTIN-14)."""
    code = code.strip()
    by_gtin = Q(gtin=code.zfill(14)) if code.isdigit() and 8 <= len(code) <= 14 else Q(pk=None)
    variant = (
        Variant.objects.filter(Q(sku__iexact=code) | by_gtin).select_related("product").first()
    )
    if variant is None:
        raise VariantNotFound(f"No product has the code {code!r} (neither a SKU nor a barcode).")
    return variant


# --- imports --------------------------------------------------------------------------------


def import_job(job_id: int) -> ImportJob:
    job = ImportJob.objects.defer("csv_text").filter(pk=job_id).first()
    if job is None:
        raise ImportJobNotFound(f"No catalogue import has the id {job_id}.")
    return job


# The read every order makes, written out: compiling its ORM twin (`_applicable_prices`)
# cost as much Python as the rest of placing the order. The amount is read as text so that
# both databases give the same Decimal (SQLite returns 129.00 as the integer 129).
_PRICES_OF_SKUS = """
SELECT v.sku, p.variant_id, CAST(p.amount AS TEXT), p.currency, p.channel, l.code, p.reason
  FROM catalog_price p
  JOIN catalog_variant v ON v.id = p.variant_id
  LEFT JOIN locations_location l ON l.id = p.location_id
 WHERE v.sku IN ({skus}) AND p.channel IN ('', %s)
   AND (p.location_id IS NULL OR p.location_id = %s)
"""
CENTS = Decimal("0.01")


def prices_for_skus(
    *, skus: list[str], channel: str | None = None, location_id: int | None = None
) -> dict[str, tuple[int, ResolvedPrice]]:
    """`price_for` for several SKUs in one query (plus one for the store): an order's lines.

    Maps each SKU to (variant id, resolved price); raises on an unknown SKU or one with no price.
    """
    check_channel(channel)
    store = _store_code(location_id)
    rules: dict[str, tuple[int, list[PriceRule]]] = {}
    if skus:
        with connection.cursor() as cursor:
            cursor.execute(
                _PRICES_OF_SKUS.format(skus=", ".join(["%s"] * len(skus))),
                [*skus, channel, location_id or None],
            )
            for sku, variant_id, amount, currency, price_channel, code, reason in cursor:
                rule = PriceRule(
                    Decimal(amount).quantize(CENTS), currency, price_channel, code or "", reason
                )
                rules.setdefault(sku, (variant_id, []))[1].append(rule)
    found: dict[str, tuple[int, ResolvedPrice]] = {}
    for sku in skus:
        variant_id, applicable = rules.get(sku, (0, []))
        resolved = resolve_price(applicable, channel=channel, store=store)
        if resolved is None:
            if not Variant.objects.filter(sku=sku).exists():
                raise VariantNotFound(f"No variant has the SKU {sku!r}.")
            raise PriceNotFound(f"{sku} has no price that applies here.")
        found[sku] = (variant_id, resolved)
    return found


def price_rules_of_product(product_id: int) -> list[dict[str, Any]]:
    """Every rule of a product's price lists, by SKU then from the base price to the most
    specific override, each with its provenance (`source`) and the reason it was set."""
    rows = (
        Price.objects.filter(variant__product_id=product_id)
        .annotate(store_code=F("location__code"), sku=F("variant__sku"))
        .order_by("variant_id", "channel", "store_code")
    )
    rules = [(row.sku, _rule(row)) for row in rows]
    rules.sort(key=lambda found: (found[0], found[1].specificity, found[1].source))
    return [
        {
            "sku": sku,
            "source": rule.source,
            "channel": rule.channel,
            "store": rule.store,
            "amount": rule.amount,
            "currency": rule.currency,
            "reason": rule.reason,
        }
        for sku, rule in rules
    ]
