from datetime import datetime
from decimal import Decimal
from typing import Annotated

from ninja import Field, Schema

from comptoir.core.pagination import Page

from .domain import SLUG_PATTERN
from .models import Category, ImportJob

CHANNEL_PATTERN = "^(web|app|store|call_centre|marketplace)$"
STORE_PATTERN = r"^[a-z0-9][a-z0-9-]{1,39}$"
CURRENCY_PATTERN = "^[A-Z]{3}$"
SOURCE_DESCRIPTION = (
    "which rule of the price list gave this price: base, channel:<channel>, store:<store code>"
    " or channel+store:<channel>/<store code>"
)
Channel = Annotated[str, Field(pattern=CHANNEL_PATTERN)]


class CategoryIn(Schema):
    slug: str = Field(max_length=80, pattern=SLUG_PATTERN, examples=["running"])
    name: str = Field(min_length=1, max_length=120, examples=["Running"])
    parent: str | None = Field(None, max_length=80, description="the parent category's slug")


class CategoryOut(Schema):
    slug: str
    name: str
    parent: str | None = Field(None, description="the parent category's slug")

    @staticmethod
    def resolve_parent(category: Category) -> str | None:
        return category.parent.slug if category.parent else None


class VariantIn(Schema):
    sku: str = Field(min_length=1, max_length=40, examples=["JACKET-S"])
    gtin: str = Field(
        "",
        max_length=20,
        description="GTIN-8, -12, -13 or -14 with a valid check digit; kept as 14 digits",
        examples=["4006381333931"],
    )
    size: str = Field("", max_length=20, examples=["S"])
    colour: str = Field("", max_length=40, examples=["bleu"])
    price: Decimal = Field(
        ge=0, max_digits=12, decimal_places=2, description="the base price, in every channel"
    )
    currency: str = Field("EUR", pattern=CURRENCY_PATTERN)


class ProductIn(Schema):
    slug: str = Field(max_length=120, pattern=SLUG_PATTERN, examples=["veste-running-trail"])
    name: str = Field(min_length=1, max_length=200, examples=["Veste de running Trail"])
    brand: str = Field("", max_length=80)
    description: str = Field("", max_length=5000)
    category: str = Field(max_length=80, description="the category's slug")
    variants: list[VariantIn] = Field(min_length=1, max_length=200)
    channels: list[Channel] = Field(
        default_factory=lambda: ["web", "app", "store", "call_centre"],
        max_length=5,
        description="where it is offered; by default every channel but the marketplace",
    )


class PriceOut(Schema):
    amount: Decimal
    currency: str
    source: str = Field(description=SOURCE_DESCRIPTION)
    reason: str = Field(description="why an override differs from the base price")


class PriceFromOut(Schema):
    amount: Decimal
    currency: str


class VariantPriceOut(PriceOut):
    sku: str


class VariantOut(Schema):
    sku: str
    gtin: str | None
    size: str
    colour: str
    price: PriceOut | None = Field(description="null when no rule of the price list applies")


class ListingOut(Schema):
    channel: str
    title: str = Field(description="blank: the channel shows the product name")
    is_published: bool


class CategoryRef(Schema):
    slug: str
    name: str


class ImageOut(Schema):
    url: str = Field(description="the largest copy a browser can show, under /media/")
    src: str = Field(description="a 640-px copy (or the largest below): an <img> src")
    srcset: str = Field(description="every copy with its width, for <img srcset>")
    width: int = Field(description="the original's width, in pixels")
    height: int
    alt: str


class ProductOut(Schema):
    slug: str
    name: str
    title: str = Field(description="what the asked channel shows: its own title, or the name")
    brand: str
    description: str
    attributes: dict[str, str] = Field(description="what every variant shares, e.g. Matière")
    images: list[ImageOut] = Field(description="its pictures in order, the cover first")
    category: CategoryRef
    variants: list[VariantOut]
    listings: list[ListingOut]
    accessory_of: list[str] = Field(description="products this one is an accessory of")
    accessories: list[str] = Field(description="products that are accessories of this one")
    replacement_of: list[str] = Field(description="products this one replaces")
    replaced_by: list[str] = Field(description="products that replace this one")


class VariantSummaryOut(Schema):
    sku: str
    size: str
    colour: str


class ProductSummaryOut(Schema):
    slug: str
    name: str
    title: str
    brand: str
    category: str
    price_from: PriceFromOut | None = Field(description="the lowest variant price here")
    variants: list[VariantSummaryOut]


ProductPage = Page[ProductSummaryOut]


class FacetChoiceOut(Schema):
    value: str
    label: str = ""
    count: int


class PriceBandOut(Schema):
    value: str = Field(description="the band's code, as the `price` filter takes it")
    low: Decimal
    high: Decimal | None = Field(description="null: no upper bound")
    count: int


class SearchFacetsOut(Schema):
    category: list[FacetChoiceOut]
    brand: list[FacetChoiceOut]
    size: list[FacetChoiceOut]
    colour: list[FacetChoiceOut]
    price: list[PriceBandOut]


class ProductSearchOut(Schema):
    items: list[ProductSummaryOut] = Field(description="best match first")
    total: int
    page: int
    pages: int
    corrected: dict[str, str] = Field(
        description="a typed word that matched nothing → the catalogue word it was read as"
    )
    facets: SearchFacetsOut = Field(description="how many results each choice would keep")


CategoryPage = Page[CategoryOut]


class PriceIn(Schema):
    channel: str | None = Field(None, pattern=CHANNEL_PATTERN, description="null: every channel")
    store: str | None = Field(
        None, pattern=STORE_PATTERN, description="a store code; null: every store"
    )
    amount: Decimal = Field(ge=0, max_digits=12, decimal_places=2)
    currency: str = Field("EUR", pattern=CURRENCY_PATTERN)
    reason: str = Field("", max_length=200, description="required for an override")


class PriceRuleOut(Schema):
    sku: str
    channel: str | None
    store: str | None
    amount: Decimal
    currency: str
    reason: str
    source: str = Field(description=SOURCE_DESCRIPTION)


class ListingIn(Schema):
    title: str = Field("", max_length=200, description="blank: show the product name")
    is_published: bool = True


class RelationIn(Schema):
    kind: str = Field(pattern="^(accessory_of|replacement_of)$")
    related: str = Field(max_length=120, pattern=SLUG_PATTERN, description="the other product")


class RelationOut(Schema):
    product: str = Field(alias="product.slug")
    kind: str
    related: str = Field(alias="related.slug")


class ImportIn(Schema):
    csv: str = Field(
        min_length=1,
        max_length=2_000_000,
        description="columns: product_slug, product_name, brand, category_slug, sku, gtin, "
        "size, colour, price_eur; comma- or semicolon-separated, header first",
    )


class RejectedRowOut(Schema):
    line: int = Field(description="the line of the file (the header is line 1)")
    sku: str
    reason: str


class ImportJobOut(Schema):
    id: int
    status: str = Field(description="pending, running or finished")
    total_rows: int
    processed_rows: int
    progress_percent: int
    accepted: int
    rejected: int
    report: list[RejectedRowOut] = Field(description="rejected rows (the first 1,000)")
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None

    @staticmethod
    def resolve_progress_percent(job: ImportJob) -> int:
        if job.total_rows == 0:
            return 100 if job.status == ImportJob.Status.FINISHED else 0
        return job.processed_rows * 100 // job.total_rows
