from datetime import datetime

from ninja import Field, Schema


class ShopperSignUpIn(Schema):
    email: str = Field(pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$", max_length=254)
    password: str = Field(min_length=8, max_length=128)
    first_name: str = Field(min_length=1, max_length=100)
    last_name: str = Field(min_length=1, max_length=100)
    language: str = Field("fr", pattern="^(fr|en)$")


class CustomerOut(Schema):
    id: int
    first_name: str
    last_name: str
    email: str | None
    language: str
    created_at: datetime


class TimelineEntryOut(Schema):
    kind: str
    channel: str
    summary: str
    occurred_at: datetime
