from datetime import datetime

from ninja import Field, Schema
from pydantic import StrictInt


class CartIn(Schema):
    channel: str = Field("web", description="web or app: where the cart starts")


class CartLineIn(Schema):
    sku: str = Field(min_length=1, max_length=40, examples=["RETRO-CLOCK"])
    quantity: StrictInt = Field(1, ge=1, le=999)
    channel: str = Field("web", description="web or app for shoppers; staff's channel is theirs")


class CartLineQuantityIn(Schema):
    quantity: StrictInt = Field(ge=0, le=999, description="0 removes the line")


class CartLineOut(Schema):
    sku: str
    product: str
    quantity: int
    channel: str = Field(description="where the line was added")
    available_at_store: int | None = Field(
        description="units the customer's favourite store can promise now; null: no favourite"
    )


class CartOut(Schema):
    id: int
    customer_id: int | None
    status: str
    channel: str
    store: str | None
    item_count: int
    lines: list[CartLineOut]
    handoff_code: str | None
    handoff_expires_at: datetime | None


class AnonymousCartOut(CartOut):
    token: str = Field(description="send it back as X-Cart-Token; the only key to this cart")


class HandoffOut(Schema):
    cart_id: int
    code: str
    expires_at: datetime
    qr_svg: str
