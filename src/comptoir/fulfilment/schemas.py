from datetime import datetime

from ninja import Field, Schema
from pydantic import StrictInt

from comptoir.customers.schemas import ShopperInStoreOut


class TaskLineOut(Schema):
    line_number: int
    sku: str
    quantity: int


class StoreTaskOut(Schema):
    id: int
    kind: str
    status: str
    location: str
    order_reference: str
    fulfilment_mode: str
    deadline: datetime
    collect_by: datetime | None
    slot_starts_at: datetime | None = None
    slot_ends_at: datetime | None = None
    lines: list[TaskLineOut]


class HandOverIn(Schema):
    pickup_code: str = Field(min_length=1, max_length=12)
    tender: str | None = Field(
        None,
        pattern="^(cash|store_card)$",
        description="paid at pickup: how the customer paid at the till (cash, or a card on "
        "the store's terminal); ignored for an order paid online",
    )


class NotFoundIn(Schema):
    lines: list[StrictInt] = Field(min_length=1, max_length=50, description="order line numbers")


class ReadyPickupOut(Schema):
    task_id: int = Field(description="hand it over with POST /store-tasks/{task_id}/handover")
    order_reference: str
    collect_by: datetime | None
    lines: list[TaskLineOut]


class ShopperWithPickupsOut(ShopperInStoreOut):
    orders_ready_here: list[ReadyPickupOut]


LIMIT = Field(None, ge=0, le=1_000_000, description="None: no limit")


class CapacityIn(Schema):
    """A location's limits; each left out or null means no limit (PUT replaces them all)."""

    picking_units_per_day: StrictInt | None = LIMIT
    picking_units_per_cut_off: StrictInt | None = Field(
        None, ge=0, le=1_000_000, description="units for one carrier collection; None: no limit"
    )
    same_day_orders_per_day: StrictInt | None = LIMIT
    deliveries_per_slot: StrictInt | None = LIMIT


class CapacityOut(Schema):
    location: str
    picking_units_per_day: int | None
    picking_units_per_cut_off: int | None
    same_day_orders_per_day: int | None
    deliveries_per_slot: int | None
    picking_units_today: int = Field(description="units taken to pick today, local day")
    picking_units_next_collection: int | None = Field(
        description="units taken for the carrier collection an order placed now leaves with;"
        " null: no limit per cut-off, not counted"
    )
    same_day_orders_today: int
