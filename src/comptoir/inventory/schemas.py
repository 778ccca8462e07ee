from datetime import datetime
from decimal import Decimal

from ninja import Field, Schema
from pydantic import StrictInt

from comptoir.catalog.schemas import ImageOut
from comptoir.core.schemas import RowId

CHANNEL_PATTERN = "^(web|app|store|call_centre|marketplace)$"


class FiguresOut(Schema):
    sku: str
    location: str
    on_hand: int
    held: int
    safety: int
    available: int = Field(description="what this channel may promise: on hand − held − safety")


class HoldLineIn(Schema):
    sku: str = Field(min_length=1, max_length=40)
    location: str = Field(min_length=1, max_length=40, description="store or warehouse code")
    quantity: StrictInt = Field(ge=1, le=1000)


class HoldIn(Schema):
    channel: str = Field(pattern=CHANNEL_PATTERN)
    reference: str = Field(min_length=1, max_length=80, description="the cart or order it is for")
    ttl_minutes: StrictInt = Field(30, ge=1, le=7 * 24 * 60)
    lines: list[HoldLineIn] = Field(min_length=1, max_length=100)


class HoldOut(Schema):
    id: int
    sku: str
    location: str
    quantity: int
    status: str
    channel: str
    reference: str
    expires_at: datetime | None = Field(description="none: kept for its order until it ends it")


class TillLineIn(Schema):
    sku: str = Field(min_length=1, max_length=40)
    quantity: StrictInt = Field(ge=1, le=1000)
    hold_id: RowId | None = Field(None, description="sell the units this hold set aside")


class TillSaleIn(Schema):
    store: str = Field(min_length=1, max_length=40)
    ticket: str = Field(min_length=1, max_length=80)
    lines: list[TillLineIn] = Field(min_length=1, max_length=200)


class TillSaleOut(Schema):
    ticket: str
    store: str
    lines: list[FiguresOut]


class ReceiptIn(Schema):
    location: str = Field(min_length=1, max_length=40)
    sku: str = Field(min_length=1, max_length=40)
    quantity: StrictInt = Field(ge=1, le=1_000_000)
    reference: str = Field("", max_length=80)


class AdjustmentIn(Schema):
    location: str = Field(min_length=1, max_length=40)
    sku: str = Field(min_length=1, max_length=40)
    delta: StrictInt = Field(ge=-1_000_000, le=1_000_000)
    reason: str = Field(min_length=1, max_length=200)


class SafetyStockIn(Schema):
    channel: str = Field(pattern=CHANNEL_PATTERN)
    quantity: StrictInt = Field(ge=0, le=1_000_000)


class SafetyStockOut(Schema):
    location: str
    channel: str
    quantity: int


class BackInStockIn(Schema):
    sku: str = Field(min_length=1, max_length=40)
    location: str = Field(min_length=1, max_length=40)
    email: str = Field("", pattern=r"^$|^[^@\s]+@[^@\s]+\.[^@\s]+$", max_length=254)


class BackInStockOut(Schema):
    id: int
    sku: str
    location: str


class MovementOut(Schema):
    id: int
    kind: str
    on_hand_delta: int
    held_delta: int
    hold_id: int | None
    reference: str
    reason: str
    actor: str
    created_at: datetime


class OriginOut(Schema):
    label: str
    latitude: float
    longitude: float


class StoreStockOut(Schema):
    code: str
    name: str
    city: str
    distance_km: float
    is_open_now: bool
    stock: list[FiguresOut]


class StockNearOut(Schema):
    origin: OriginOut
    items: list[StoreStockOut]


class PriceFromOut(Schema):
    amount: Decimal
    currency: str


class VariantSummaryOut(Schema):
    sku: str
    size: str
    colour: str


class AvailableProductOut(Schema):
    slug: str
    name: str
    title: str
    brand: str
    category: str
    cover: ImageOut | None = Field(description="its first picture, if it has one")
    price_from: PriceFromOut | None
    variants: list[VariantSummaryOut]


class AvailableProductsOut(Schema):
    items: list[AvailableProductOut]
    next_cursor: str | None = None
    total: int = Field(description="how many products match, over every page")
    stores: list[str] = Field(description="the stores the filter looked at")
