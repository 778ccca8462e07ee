from datetime import datetime

from ninja import Field, Schema
from pydantic import StrictFloat, StrictInt

from comptoir.core.schemas import RowId

CHANNEL_PATTERN = "^(web|app|store|call_centre|marketplace)$"
MODE_PATTERN = (
    "^(home_delivery|click_and_collect|reserve_and_collect|ship_to_store|ship_from_store"
    "|endless_aisle_home)$"
)


class AddressIn(Schema):
    name: str = Field(min_length=1, max_length=120)
    line1: str = Field(min_length=1, max_length=200)
    postcode: str = Field(min_length=1, max_length=10)
    city: str = Field(min_length=1, max_length=100)
    country: str = Field("FR", pattern="^[A-Z]{2}$")
    lat: StrictFloat | None = Field(None, ge=-90, le=90)
    lon: StrictFloat | None = Field(None, ge=-180, le=180)


class OrderLineIn(Schema):
    sku: str = Field(min_length=1, max_length=40)
    quantity: StrictInt = Field(ge=1, le=100)
    location: str | None = Field(
        None, min_length=1, max_length=40, description="where its units are; default: pickup store"
    )


class PaymentIn(Schema):
    method: str = Field(pattern="^(card|payment_link|at_pickup)$")
    card_token: str | None = Field(
        None,
        pattern="^(tok|pm)_[A-Za-z0-9_]{1,100}$",
        description="the PSP's token from its hosted fields (Stripe's is a PaymentMethod, "
        "pm_…); a card number is refused",
    )


class OrderIn(Schema):
    channel: str = Field(pattern=CHANNEL_PATTERN)
    fulfilment_mode: str = Field(pattern=MODE_PATTERN)
    customer: RowId | None = Field(None, description="staff only; a shopper orders for themself")
    pickup_location: str | None = Field(None, min_length=1, max_length=40)
    ordered_at_location: str | None = Field(None, min_length=1, max_length=40)
    delivery_address: AddressIn | None = None
    lines: list[OrderLineIn] = Field(min_length=1, max_length=50)
    payment: PaymentIn
    delivery_option: str | None = Field(
        None,
        pattern="^[a-z_]{1,30}$",
        description="e.g. home_express; default: the mode's usual option. Priced by the server",
    )


class OrderLineOut(Schema):
    line_number: int
    sku: str
    quantity: int
    unit_price: str
    currency: str
    location: str
    status: str


class PaymentOut(Schema):
    method: str
    status: str
    amount: str
    authorised_amount: str  # what the PSP (or the till) has agreed to; 0 until it answers
    captured_amount: str
    refunded_amount: str
    currency: str
    payment_link: str | None


class OrderOut(Schema):
    reference: str
    channel: str
    fulfilment_mode: str
    status: str
    customer_id: int | None
    pickup_location: str | None
    ordered_at_location: str | None
    total: str
    delivery_fee: str
    currency: str
    collect_by: datetime | None
    pickup_code: str | None = Field(description="shown to the customer only")
    created_at: datetime
    sourcing_explanation: list[str] = Field(description="why each line comes from where it does")
    lines: list[OrderLineOut]
    payment: PaymentOut | None


class CancellationIn(Schema):
    reason: str = Field(min_length=1, max_length=200)
    lines: list[StrictInt] | None = Field(
        None, min_length=1, max_length=50, description="line numbers; none: the whole order"
    )


class PayLinkIn(Schema):
    card_token: str = Field(pattern="^tok_[A-Za-z0-9_]{1,100}$")


class NotificationOut(Schema):
    outcome: str
