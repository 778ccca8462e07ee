"""Shapes of GET /delivery-options and POST /checkouts."""

from datetime import date, datetime

from ninja import Field, Schema

from comptoir.orders.schemas import AddressIn, OrderOut, PaymentIn

OPTION_PATTERN = (
    "^(home_standard|home_express|home_time_slot|same_day|ship_from_store"
    "|click_and_collect|reserve_and_collect|ship_to_store)$"
)


class DestinationOut(Schema):
    kind: str = Field(description="home or store")
    label: str = Field(description="the postcode and town, the point, or the store's name")
    store: str | None = Field(description="the pickup store's code")
    lat: float
    lon: float


class LineOut(Schema):
    sku: str
    quantity: int


class SlotOut(Schema):
    starts_at: datetime
    ends_at: datetime


class DeliveryOptionOut(Schema):
    code: str = Field(description="send it back as `option` to POST /checkouts")
    label: str
    fulfilment_mode: str = Field(description="the order's mode if chosen")
    available: bool
    reason: str | None = Field(description="why it is not possible now, in plain words")
    price: str = Field(description="decimal, in `currency`")
    currency: str
    paid: str = Field(description="online, or at_pickup (reserve & collect)")
    promised_date: date | None = Field(description="home delivery: the day it arrives")
    ready_by: datetime | None = Field(description="collect: ready from; same day: delivered by")
    held_until: datetime | None = Field(description="reserve & collect: collect before")
    promise: str | None = Field(description='e.g. "ready today at 15:00 in Élan Lyon Part-Dieu"')
    store: str | None = Field(description="the pickup store's code")
    from_locations: list[str] = Field(description="codes of the locations the units leave")
    slots: list[SlotOut]


class DeliveryOptionsOut(Schema):
    destination: DestinationOut
    lines: list[LineOut]
    options: list[DeliveryOptionOut]


class CheckoutIn(Schema):
    option: str = Field(pattern=OPTION_PATTERN, description="a code from GET /delivery-options")
    channel: str = Field("web", pattern="^(web|app)$")
    store: str | None = Field(None, min_length=1, max_length=40, description="collect options")
    delivery_address: AddressIn | None = Field(None, description="home options")
    slot_starts_at: datetime | None = Field(None, description="home_time_slot: a slot's start")
    payment: PaymentIn


class CheckoutOut(Schema):
    order: OrderOut
    option: DeliveryOptionOut
    slot: SlotOut | None
