from datetime import datetime

from ninja import Field, Schema


class ShopperSignUpIn(Schema):
    email: str = Field(pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$", max_length=254)
    password: str = Field(min_length=8, max_length=128)
    first_name: str = Field(min_length=1, max_length=100)
    last_name: str = Field(min_length=1, max_length=100)
    language: str = Field("fr", pattern="^(fr|en)$")


class FavouriteStoreOut(Schema):
    code: str
    name: str
    city: str


class CustomerOut(Schema):
    id: int
    first_name: str
    last_name: str
    email: str | None
    phone: str | None
    language: str
    created_at: datetime
    favourite_store: FavouriteStoreOut | None

    @staticmethod
    def resolve_favourite_store(customer: object) -> object:
        return getattr(customer, "favourite_location", None)


class FavouriteStoreIn(Schema):
    location: str | None = Field(
        pattern=r"^[a-z0-9][a-z0-9-]{1,39}$",
        examples=["lyon-part-dieu"],
        description="a store's code; null: no favourite store",
    )


class TimelineEntryOut(Schema):
    kind: str
    channel: str
    summary: str
    occurred_at: datetime


class ConsentIn(Schema):
    granted: bool
    channel: str = Field("web", description="where it was given or withdrawn", examples=["store"])
    method: str = Field(
        "checkbox",
        description="how: checkbox, preference_centre, verbal, signed_form, unsubscribe_link, "
        "app_setting",
    )


class ConsentOut(Schema):
    purpose: str
    granted: bool
    channel: str
    method: str
    recorded_at: datetime
    recorded_by_staff: bool

    @staticmethod
    def resolve_recorded_by_staff(record: object) -> bool:
        return getattr(record, "recorded_by_id", None) is not None


class ConsentStateOut(Schema):
    purpose: str
    granted: bool
    since: datetime | None


class ConsentsOut(Schema):
    in_force: list[ConsentStateOut]
    history: list[ConsentOut]
