from decimal import Decimal

from ninja import Field, Schema

from comptoir.core.pagination import Page


class LocationIn(Schema):
    code: str = Field(pattern=r"^[a-z0-9][a-z0-9-]{1,39}$", examples=["lyon-part-dieu"])
    name: str = Field(min_length=1, max_length=120)
    kind: str = Field("store", pattern="^(store|warehouse)$")
    street: str = Field("", max_length=200)
    postcode: str = Field("", max_length=10)
    city: str = Field(min_length=1, max_length=100)
    latitude: Decimal = Field(ge=-90, le=90, max_digits=8, decimal_places=5)
    longitude: Decimal = Field(ge=-180, le=180, max_digits=8, decimal_places=5)
    timezone: str = Field("Europe/Paris", max_length=50)


class LocationOut(Schema):
    id: int
    code: str
    name: str
    kind: str
    street: str
    postcode: str
    city: str
    latitude: Decimal
    longitude: Decimal
    timezone: str


LocationPage = Page[LocationOut]
