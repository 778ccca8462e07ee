import re
from datetime import date, datetime, time
from typing import Annotated

from ninja import Field, Schema
from pydantic import BeforeValidator, PlainSerializer, StrictFloat, StrictInt, WithJsonSchema

from comptoir.core.pagination import Page

SERVICE_PATTERN = "^(click_and_collect|reserve_and_collect|ship_from_store|returns)$"
HOURS_AND_MINUTES = r"^([01][0-9]|2[0-3]):[0-5][0-9]$"


def _hours_and_minutes(value: object) -> object:
    if isinstance(value, str) and not re.fullmatch(HOURS_AND_MINUTES, value):
        raise ValueError("a local time as HH:MM, such as 10:00")
    return value


# Opening times are the store's wall clock, in its own zone: "10:00", never with an offset.
# (OpenAPI's format "time" is RFC 3339's, which requires an offset: not what these are.)
LocalTime = Annotated[
    time,
    BeforeValidator(_hours_and_minutes),
    PlainSerializer(lambda moment: moment.isoformat(timespec="minutes"), return_type=str),
    WithJsonSchema({"type": "string", "pattern": HOURS_AND_MINUTES, "examples": ["10:00"]}),
]


class LocationIn(Schema):
    code: str = Field(pattern=r"^[a-z0-9][a-z0-9-]{1,39}$", examples=["lyon-part-dieu"])
    name: str = Field(min_length=1, max_length=120)
    kind: str = Field("store", pattern="^(store|warehouse)$")
    street: str = Field("", max_length=200)
    phone: str = Field("", pattern=r"^(\+[1-9][0-9]{6,14})?$", examples=["+33472000000"])
    postcode: str = Field("", max_length=10)
    city: str = Field(min_length=1, max_length=100)
    # Coordinates travel as JSON numbers; they are stored as exact decimals (5 places ≈ 1 m).
    latitude: StrictFloat = Field(ge=-90, le=90)
    longitude: StrictFloat = Field(ge=-180, le=180)
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


class OpeningRange(Schema):
    """A weekly range in the store's local time; closes at or before opens: past midnight."""

    weekday: StrictInt = Field(ge=0, le=6, description="0 = Monday … 6 = Sunday")
    opens: LocalTime
    closes: LocalTime


class OpeningHoursIn(Schema):
    opening_hours: list[OpeningRange] = Field(max_length=100)


class OpeningHoursOut(Schema):
    opening_hours: list[OpeningRange]


class ClosureIn(Schema):
    date: date
    opens: LocalTime | None = Field(None, description="with closes: open only then; else closed")
    closes: LocalTime | None = None
    reason: str = Field("", max_length=200, examples=["1er mai"])


class ClosureOut(Schema):
    date: date
    opens: LocalTime | None
    closes: LocalTime | None
    reason: str


class ServiceOfferSchema(Schema):
    service: str = Field(pattern=SERVICE_PATTERN)
    pickup_lead_minutes: StrictInt = Field(0, ge=0, le=7 * 24 * 60)


class ServicesIn(Schema):
    services: list[ServiceOfferSchema] = Field(max_length=10)


class ServicesOut(Schema):
    services: list[ServiceOfferSchema]


class LocationDetailOut(LocationOut):
    opening_hours: list[OpeningRange]
    closures: list[ClosureOut] = Field(description="from the store's today on")
    services: list[ServiceOfferSchema]


class TodayRange(Schema):
    opens: LocalTime
    closes: LocalTime


class NearbyLocationOut(LocationOut):
    distance_km: float
    is_open_now: bool
    opens_next_at: datetime | None = Field(description="when closed: next opening, local time")
    hours_today: list[TodayRange]
    services: list[ServiceOfferSchema]

    @staticmethod
    def resolve_hours_today(obj: object) -> list[dict[str, time]]:
        return [{"opens": o, "closes": c} for o, c in getattr(obj, "hours_today", [])]


class SearchOriginOut(Schema):
    label: str
    latitude: float
    longitude: float

    @staticmethod
    def resolve_latitude(obj: object) -> float:
        return obj.point.latitude  # type: ignore[attr-defined]

    @staticmethod
    def resolve_longitude(obj: object) -> float:
        return obj.point.longitude  # type: ignore[attr-defined]


class NearbyLocationsOut(Schema):
    origin: SearchOriginOut
    items: list[NearbyLocationOut]
