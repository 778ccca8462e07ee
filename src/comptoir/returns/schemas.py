from datetime import datetime

from ninja import Field, Schema
from pydantic import StrictInt

REASONS = "^(too_small|too_big|not_as_described|damaged|changed_mind|other)$"


class ReturnLineIn(Schema):
    line_number: StrictInt = Field(ge=1)
    quantity: StrictInt = Field(ge=1, le=100)
    reason: str = Field(pattern=REASONS)
    sellable: bool = True
    exchange_sku: str | None = Field(None, min_length=1, max_length=40)


class ReturnIn(Schema):
    order: str = Field(min_length=1, max_length=20, description="the order's reference")
    location: str = Field(min_length=1, max_length=40, description="where the units came back")
    method: str = Field("store", pattern="^(store|post)$")
    lines: list[ReturnLineIn] = Field(min_length=1, max_length=50)


class ReturnLineOut(Schema):
    line_number: int
    sku: str
    quantity: int
    reason: str
    sellable: bool
    exchange_sku: str | None


class ReturnOut(Schema):
    reference: str
    order_reference: str
    method: str
    location: str
    status: str
    refund_amount: str
    currency: str
    created_at: datetime
    lines: list[ReturnLineOut]
