from dataclasses import asdict

from django.http import HttpRequest
from ninja import Path, Query, Router, Status
from ninja.decorators import decorate_view

from comptoir.core.access import authorize
from comptoir.core.idempotency import idempotent
from comptoir.core.pagination import PageLimit, paginate

from . import search, selectors
from .schemas import (
    CHANNEL_PATTERN,
    STORE_PATTERN,
    CategoryIn,
    CategoryOut,
    CategoryPage,
    ImportIn,
    ImportJobOut,
    ListingIn,
    ListingOut,
    PriceIn,
    PriceRuleOut,
    ProductIn,
    ProductOut,
    ProductPage,
    ProductSearchOut,
    RelationIn,
    RelationOut,
    VariantPriceOut,
)
from .services import imports, prices, products

router = Router(tags=["catalog"])

ChannelQuery = Query(None, pattern=CHANNEL_PATTERN, description="web, app, store, call_centre…")
StoreQuery = Query(None, pattern=STORE_PATTERN, description="a store code, e.g. lyon-part-dieu")


@router.get("/categories", response=CategoryPage, operation_id="list_categories", auth=None)
def list_categories(request: HttpRequest, cursor: str | None = None, limit: PageLimit = 50) -> dict:
    return paginate(selectors.category_list(), cursor=cursor, limit=limit)


@router.post("/categories", response={201: CategoryOut}, operation_id="create_category")
@decorate_view(idempotent)
def create_category(request: HttpRequest, payload: CategoryIn) -> Status[object]:
    authorize(request.auth, "catalog.write")
    return Status(201, products.create_category(**payload.dict()))


@router.get("/products", response=ProductPage, operation_id="list_products", auth=None)
def list_products(
    request: HttpRequest,
    category: str | None = Query(None, max_length=80, description="a category slug"),  # noqa: B008
    channel: str | None = ChannelQuery,
    q: str | None = Query(None, max_length=100, description="name, brand, SKU or GTIN"),  # noqa: B008
    cursor: str | None = None,
    limit: PageLimit = 50,
) -> dict:
    """Active products, each with its channel title and its lowest price there; public."""
    return selectors.product_page(
        category=category, channel=channel, search=q, cursor=cursor, limit=limit
    )


@router.get(
    "/products/search", response=ProductSearchOut, operation_id="search_products", auth=None
)
def search_products(
    request: HttpRequest,
    q: str = Query("", max_length=100, description="words, in any order, accents optional"),  # noqa: B008
    channel: str | None = ChannelQuery,
    category: str = Query("", max_length=80, description="a category slug"),  # noqa: B008
    brand: str = Query("", max_length=80),  # noqa: B008
    size: str = Query("", max_length=20),  # noqa: B008
    colour: str = Query("", max_length=40),  # noqa: B008
    price: str = Query("", max_length=10, description="a price band: 0-25, 25-50…"),  # noqa: B008
    page: int = Query(1, ge=1, le=search.MAX_PAGE),  # noqa: B008
    limit: PageLimit = 24,
) -> dict:
    """Products matching every word of `q` (names, brands, categories, sizes, colours, SKUs,
    descriptions; accents, case and plurals ignored, one typo forgiven), best first, with the
    facets of all the results; public."""
    filters = search.SearchFilters(
        category=category, brand=brand, size=size, colour=colour, price=price
    )
    return search.search_products(query=q, channel=channel, filters=filters, page=page, limit=limit)


@router.get("/products/{slug}", response=ProductOut, operation_id="get_product", auth=None)
def get_product(
    request: HttpRequest,
    slug: str,
    channel: str | None = ChannelQuery,
    store: str | None = StoreQuery,
) -> dict:
    """A product with the price of each variant on `channel` in `store` and where it comes
    from (`source`): one price everywhere unless an override applies; public."""
    return selectors.product_detail(slug=slug, channel=channel, store=store)


@router.post("/products", response={201: ProductOut}, operation_id="create_product")
@decorate_view(idempotent)
def create_product(request: HttpRequest, payload: ProductIn) -> Status[dict]:
    authorize(request.auth, "catalog.write")
    fields = payload.dict()
    variants = [products.NewVariant(**variant) for variant in fields.pop("variants")]
    product = products.create_product(**fields, variants=variants)
    return Status(201, selectors.product_detail(slug=product.slug))


@router.put(
    "/products/{slug}/listings/{channel}",
    response=ListingOut,
    operation_id="list_product_on_channel",
)
def list_product_on_channel(
    request: HttpRequest,
    slug: str,
    payload: ListingIn,
    channel: str = Path(..., pattern=CHANNEL_PATTERN),  # noqa: B008 - Ninja's idiom
) -> object:
    """Offer a product on a channel (or withdraw it) with the title that channel shows."""
    authorize(request.auth, "catalog.write")
    return products.list_product_on_channel(slug=slug, channel=channel, **payload.dict())


@router.post(
    "/products/{slug}/relations", response={201: RelationOut}, operation_id="relate_products"
)
@decorate_view(idempotent)
def relate_products(request: HttpRequest, slug: str, payload: RelationIn) -> Status[object]:
    """`slug` is an accessory of (or a replacement of) the `related` product."""
    authorize(request.auth, "catalog.write")
    return Status(201, products.relate_products(slug=slug, **payload.dict()))


@router.get(
    "/variants/{sku}/price",
    response=VariantPriceOut,
    operation_id="get_variant_price",
    auth=None,
)
def get_variant_price(
    request: HttpRequest,
    sku: str,
    channel: str | None = ChannelQuery,
    store: str | None = StoreQuery,
) -> dict:
    """What one SKU costs on a channel in a store, and which rule of the price list says so."""
    location_id = selectors.store_id_for_code(store, field="query.store") if store else None
    resolved = selectors.price_for(sku=sku, channel=channel, location_id=location_id)
    return {"sku": sku, **asdict(resolved)}


@router.put(
    "/variants/{sku}/prices",
    response={200: PriceRuleOut, 201: PriceRuleOut},
    operation_id="set_variant_price",
)
def set_variant_price(request: HttpRequest, sku: str, payload: PriceIn) -> Status[dict]:
    """Set the base price (no channel, no store) or an override for a channel, a store or
    both, with its reason. 201 when the rule is new, 200 when it replaced one."""
    authorize(request.auth, "catalog.write")
    rule = prices.set_price(
        sku=sku,
        channel=payload.channel or "",
        store=payload.store or "",
        amount=payload.amount,
        currency=payload.currency,
        reason=payload.reason,
    )
    body = {**asdict(rule), "channel": rule.channel or None, "store": rule.store or None}
    return Status(201 if rule.created else 200, body)


@router.post("/catalog-imports", response={201: ImportJobOut}, operation_id="start_catalog_import")
@decorate_view(idempotent)
def start_catalog_import(request: HttpRequest, payload: ImportIn) -> Status[object]:
    """Import products and variants from CSV in the background; follow it with
    GET /catalog-imports/{job_id}. A header without the expected columns is a 422 at once."""
    authorize(request.auth, "catalog.write")
    return Status(201, imports.start_catalog_import(csv_text=payload.csv))


@router.get("/catalog-imports/{job_id}", response=ImportJobOut, operation_id="get_catalog_import")
def get_catalog_import(request: HttpRequest, job_id: int) -> object:
    """Progress (processed of total rows), counts, and the rejected rows with their reasons."""
    authorize(request.auth, "catalog.write")
    return selectors.import_job(job_id)
