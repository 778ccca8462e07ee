"""A store's till sales through the API: the counter of a point-of-sale system that is not
comptoir's own pages (a tablet app, a fixed till) sells through the same `sell_basket` as the
associate's till page, with the same tenders, terminal and ledger rules."""

from decimal import Decimal

from django.http import HttpRequest, HttpResponse
from ninja import Field, Router, Schema
from ninja.decorators import decorate_view
from pydantic import StrictInt

from comptoir.core.access import Actor, authorize
from comptoir.core.answers import json_answer
from comptoir.core.errors import Conflict, NotFound
from comptoir.core.idempotency import idempotent
from comptoir.core.problem import problem_answer
from comptoir.core.schemas import RowId
from comptoir.locations.selectors import active_location_ids

from .models import Order
from .selectors import tenders_taken
from .services.till import BasketLine, sell_basket

router = Router(tags=["till"])


def _money(what: str):  # noqa: ANN202 (a pydantic FieldInfo)
    return Field("0", pattern=r"^\d{1,7}(\.\d{1,2})?$", description=f"{what}, e.g. 58.90")


class TillLineIn(Schema):
    sku: str = Field(min_length=1, max_length=40)
    quantity: StrictInt = Field(ge=1, le=100)


class TillSaleIn(Schema):
    ticket: str = Field(
        pattern="^[A-Za-z0-9][A-Za-z0-9-]{3,19}$",
        description="the till's own number for this sale, unique: the same ticket sells once",
    )
    lines: list[TillLineIn] = Field(min_length=1, max_length=50)
    card: str = _money("the card part, in the store's currency")
    cash_given: str = _money("the cash handed over, change included")
    card_token: str | None = Field(
        None, pattern="^(tok|pm)_[A-Za-z0-9_]{1,100}$", description="the terminal's card token"
    )
    customer: RowId | None = None


class TillSaleLineOut(Schema):
    sku: str
    quantity: int
    unit_price: str


class TillSaleOut(Schema):
    reference: str
    store: str
    total: str
    currency: str
    tenders: dict[str, str] = Field(description="what each tender took: cash, store_card")
    change: str
    replayed: bool = Field(description="true when this ticket had sold already")
    lines: list[TillSaleLineOut]


@router.post(
    "/stores/{code}/till-sales",
    response={200: TillSaleOut, 201: TillSaleOut},
    operation_id="sell_paid_basket_at_till",
    openapi_extra={
        "responses": {
            "402": problem_answer("The card was declined"),
            "409": problem_answer("Not enough free units here, or the ticket is another sale's"),
        }
    },
)
@decorate_view(idempotent)
def sell_at_till_endpoint(request: HttpRequest, code: str, payload: TillSaleIn) -> HttpResponse:
    """Sell a basket at this store's till, paid in full now: the card part through the
    terminal, the cash part with its change. Once per ticket: the same ticket again answers
    200 with the sale it made, and sells nothing more."""
    actor: Actor = request.auth
    store_id = active_location_ids({code}).get(code)
    if store_id is None:
        raise NotFound("No such store.")
    authorize(actor, "stock.sell", store_id=store_id)
    taken = Order.objects.filter(reference=payload.ticket).values_list(
        "pickup_location_id", "fulfilment_mode"
    )
    if any(found != (store_id, "till_sale") for found in taken):
        raise Conflict(
            "This ticket is already another sale's reference: number the sale again.",
            errors=[{"field": "ticket", "message": "already used"}],
        )
    sale = sell_basket(
        store_id=store_id,
        ticket=payload.ticket,
        lines=[BasketLine(line.sku, line.quantity) for line in payload.lines],
        card=Decimal(payload.card),
        cash_given=Decimal(payload.cash_given),
        card_token=payload.card_token or "",
        customer_id=payload.customer,
        actor=actor.caller_key,
    )
    order = sale.order
    return json_answer(
        200 if sale.replayed else 201,
        {
            "reference": order.reference,
            "store": code,
            "total": str(order.total),
            "currency": order.currency,
            "tenders": {tender: str(amount) for tender, amount in tenders_taken(order.pk).items()},
            "change": str(sale.split.change),
            "replayed": sale.replayed,
            "lines": [
                {"sku": line.sku, "quantity": line.quantity, "unit_price": str(line.unit_price)}
                for line in order.lines.order_by("line_number")
            ],
        },
    )
