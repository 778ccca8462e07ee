from ninja import Field, Schema

from comptoir.core.pagination import Page


class LocationIn(Schema):
    code: str = Field(pattern=r"^[a-z0-9][a-z0-9-]{1,39}$", examples=["lyon-part-dieu"])
    name: str = Field(min_length=1, max_length=120)
    kind: str = Field("store", pattern="^(store|warehouse)$")
    street: str = Field("", max_length=200)
    postcode: str = Field("", max_length=10)
    city: str = Field(min_length=1, max_length=100)
    # Coordinates travel as JSON numbers; they are stored as exact decimals (5 places ≈ 1 m).
    latitude: float = Field(ge=-90, le=90)
    longitude: float = Field(ge=-180, le=180)
    timezone: str = Field("Europe/Paris", max_length=50)


class LocationOut(Schema):
    id: int
    code: str
    name: str
    kind: str
    street: str
    postcode: str
    city: str
    latitude: float
    longitude: float
    timezone: str


LocationPage = Page[LocationOut]
