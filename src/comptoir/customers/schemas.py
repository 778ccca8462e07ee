from datetime import datetime

from ninja import Field, Schema

from comptoir.core.schemas import RowId


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


class SignInIn(Schema):
    email: str = Field(max_length=254)
    password: str = Field(max_length=128)


class IdentityIn(Schema):
    kind: str = Field(description="email, phone, loyalty_card, app_device or store_record")
    value: str = Field(min_length=1, max_length=254)
    confirmed: bool = Field(
        False,
        description="staff only: the person proved they hold this email or phone (a code read "
        "back). A confirmed email or phone held by another profile merges the two.",
    )
    channel: str = "web"


class IdentityOut(Schema):
    kind: str
    value: str
    verified: bool
    channel: str
    added_at: datetime


class MergeIn(Schema):
    merged_id: RowId = Field(description="the profile that is folded into this one")
    reason: str = Field(min_length=1, max_length=200)


class MergeOut(Schema):
    survivor_id: int
    merged_id: int
    reason: str
    merged_by_id: int | None
    merged_at: datetime
    moved: dict[str, int]


class WishlistItemIn(Schema):
    sku: str = Field(min_length=1, max_length=40)
    channel: str = Field("web", description="web or app for shoppers; staff's channel is theirs")


class WishedItemOut(Schema):
    sku: str
    product: str
    channel: str
    added_at: datetime
    available_at_store: int | None


class WishlistOut(Schema):
    store: str | None = Field(description="the store whose stock is shown")
    items: list[WishedItemOut]


class PreferenceIn(Schema):
    kind: str = Field(description="size, sport, category or contact_channel")
    value: str = Field(min_length=1, max_length=80)


class PreferencesIn(Schema):
    preferences: list[PreferenceIn] = Field(max_length=50)
    channel: str = "web"


class PreferenceOut(Schema):
    kind: str
    value: str
    source: str = Field(description="declared by the person, or inferred by us")


class CheckInIn(Schema):
    store: str = Field(pattern=r"^[a-z0-9][a-z0-9-]{1,39}$", examples=["lyon-part-dieu"])


class LoyaltyCardCheckInIn(CheckInIn):
    loyalty_card: str = Field(min_length=1, max_length=64)


class CheckInOut(Schema):
    customer_id: int
    store: str
    method: str
    checked_in_at: datetime


class ShopperInStoreOut(Schema):
    customer_id: int
    first_name: str
    last_name: str
    checked_in_at: datetime
    favourite_categories: list[str]
    wishlist_in_stock: list[WishedItemOut]


class EntranceQrOut(Schema):
    store: str
    payload: str = Field(description="what the QR says; the app posts its store code")
    qr_svg: str
