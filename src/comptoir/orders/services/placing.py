"""Placing an order: price the lines, authorise the payment, hold the stock, record the event.

The PSP is asked first, outside any transaction: a declined card writes nothing, so it can
never leave a hold behind, and no stock row is locked while the PSP thinks. Then the order,
its holds, its lines, its payment and its outbox event are written all or nothing (one
statement on PostgreSQL: `recording.py`). If the stock is gone meanwhile, the authorisation
is voided.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any, Protocol

from django.db import transaction

from comptoir.catalog.errors import PriceNotFound, VariantNotFound
from comptoir.catalog.selectors import prices_for_skus
from comptoir.core import clock
from comptoir.customers.selectors import customer_may_order
from comptoir.inventory.services.holds import HoldRequestLine

from .. import events
from ..domain import (
    PAID_AT_PICKUP,
    FulfilmentMode,
    MixedCurrencies,
    OperationStatus,
    OrderStatus,
    PaymentKind,
    PricedLine,
    Tender,
    needs_address,
    needs_pickup_location,
    new_order_reference,
    order_total,
)
from ..errors import InvalidOrder, PaymentDeclined, PaymentProviderUnavailable
from ..models import Order, OrderLine, Payment, PaymentOperation
from ..payments import provider
from ..payments.adapter import PaymentProvider, PspStatus, PspUnreachable
from .recording import OrderRows, write_order

RESERVATION_WINDOW = timedelta(hours=48)  # reserve & collect: collect within two days
PAYMENT_WINDOW = timedelta(hours=24)  # a payment link or a pending authorisation
ADDRESS_FIELDS = ("name", "line1", "postcode", "city", "country")


@dataclass(frozen=True)
class LineRequest:
    sku: str
    quantity: int
    location_id: int | None = None  # where its units are held; the pickup store by default


@dataclass(frozen=True)
class PaymentRequest:
    method: str  # Payment.Method
    card_token: str = ""


@dataclass(frozen=True)
class OrderRequest:
    channel: str
    fulfilment_mode: str
    lines: list[LineRequest]
    payment: PaymentRequest
    customer_id: int | None = None
    pickup_location_id: int | None = None
    ordered_at_location_id: int | None = None
    delivery_address: dict[str, Any] = field(default_factory=dict)
    created_by: str = ""
    # The delivery option chosen (its code, by which fulfilment makes the promise,
    # docs/delivery-options.md) and its price in the lines' currency. None: priced here by the
    # registered `FeePricer` (the API never takes a client's amount); checkout passes the price
    # of the option it has just computed on the server.
    delivery_fee: Decimal | None = None
    delivery_option: str = ""
    # The delivery window chosen at checkout (starts, ends), for a home delivery in a slot.
    delivery_slot: tuple[datetime, datetime] | None = None


@dataclass(frozen=True)
class Piece:
    """Part of a line, held at one location: a line the sourcing engine splits has several."""

    sku: str
    quantity: int
    location_id: int


class LineSourcer(Protocol):
    """Picks locations for lines the caller left open. Implemented by the fulfilment app (its
    sourcing engine), which registers it at start-up: orders cannot import fulfilment."""

    def __call__(
        self, *, request: OrderRequest, lines: list[LineRequest], variant_ids: dict[str, int]
    ) -> tuple[list[Piece], list[str]]: ...


_sourcer: LineSourcer | None = None


def use_sourcer(sourcer: LineSourcer | None) -> None:
    global _sourcer  # noqa: PLW0603 - the one registration point, set once at start-up
    _sourcer = sourcer


class FeePricer(Protocol):
    """Prices the delivery option of a new order: (fee, option code). An empty `option` means
    the mode's usual one. Raises ValidationFailed (field `delivery_option`) for an option the
    mode does not offer. Implemented by fulfilment (its delivery offers), registered at
    start-up like the sourcer: orders cannot import fulfilment."""

    def __call__(
        self, *, fulfilment_mode: str, option: str, currency: str
    ) -> tuple[Decimal, str]: ...


_fee_pricer: FeePricer | None = None


def use_fee_pricer(pricer: FeePricer | None) -> None:
    global _fee_pricer  # noqa: PLW0603 - the one registration point, set once at start-up
    _fee_pricer = pricer


class CapacityTaker(Protocol):
    """Takes the capacity a new order needs (picking, same day, its delivery slot) at the
    locations of its lines, in the transaction that writes the order, after its rows: raises
    a Conflict when a location is full, which undoes the order. Implemented by fulfilment
    (capacity.py), registered at start-up like the sourcer."""

    def __call__(self, *, order: Order, lines: list[OrderLine], now: datetime) -> None: ...


_capacity_taker: CapacityTaker | None = None


def use_capacity_taker(taker: CapacityTaker | None) -> None:
    global _capacity_taker  # noqa: PLW0603 - the one registration point, set once at start-up
    _capacity_taker = taker


def _priced_delivery(request: OrderRequest, currency: str) -> OrderRequest:
    """The request with its delivery fee priced on the server."""
    if request.delivery_fee is not None:
        if request.delivery_fee < 0:
            raise _invalid("a delivery fee is never negative", "delivery_fee")
        return request
    if _fee_pricer is None:
        return replace(request, delivery_fee=Decimal("0"))
    fee, option = _fee_pricer(
        fulfilment_mode=request.fulfilment_mode, option=request.delivery_option, currency=currency
    )
    return replace(request, delivery_fee=fee, delivery_option=option)


@dataclass(frozen=True)
class PlacedOrder:
    order: Order
    lines: list[OrderLine]
    payment: Payment


@dataclass(frozen=True)
class _OpenedPayment:
    method: str
    status: str
    provider_reference: str = ""
    link: str = ""


def _invalid(message: str, field_name: str) -> InvalidOrder:
    return InvalidOrder(message, errors=[{"field": field_name, "message": message}])


def _check_shape(request: OrderRequest) -> None:
    mode = request.fulfilment_mode
    if mode not in FulfilmentMode.__members__.values():
        raise _invalid(f"one of {', '.join(FulfilmentMode)}", "fulfilment_mode")
    if not request.lines:
        raise _invalid("an order has at least one line", "lines")
    skus = [line.sku for line in request.lines]
    if len(set(skus)) != len(skus):
        raise _invalid("one line per SKU: add up the quantities", "lines")
    if needs_pickup_location(mode) and request.pickup_location_id is None:
        raise _invalid("a pickup order needs the store it is collected in", "pickup_location")
    if needs_address(mode):
        missing = [f for f in ADDRESS_FIELDS if not request.delivery_address.get(f)]
        if missing:
            raise _invalid(f"missing {', '.join(missing)}", "delivery_address")
    if mode == FulfilmentMode.ENDLESS_AISLE_HOME and (
        request.channel != "store" or request.ordered_at_location_id is None
    ):
        raise _invalid("an endless-aisle order is placed in a store", "ordered_at_location")
    paid_at_pickup = FulfilmentMode(mode) in PAID_AT_PICKUP
    if paid_at_pickup != (request.payment.method == Payment.Method.AT_PICKUP):
        expected = "at_pickup" if paid_at_pickup else "card or payment_link"
        raise _invalid(f"this mode is paid {expected}", "payment.method")
    if request.payment.method == Payment.Method.CARD and not request.payment.card_token:
        raise _invalid("a card payment needs the PSP's card token", "payment.card_token")
    for index, line in enumerate(request.lines):
        if line.location_id is None and request.pickup_location_id is None and _sourcer is None:
            raise _invalid("where are its units? give a location", f"lines[{index}].location")
    # Last, as it is the one check that reads the database; before the PSP and any hold.
    if request.customer_id is not None and not customer_may_order(customer_id=request.customer_id):
        raise _invalid("no such customer", "customer")


def _priced_lines(request: OrderRequest) -> tuple[list[PricedLine], dict[str, int]]:
    """The catalogue's price of each line on this channel (in the store, for a store sale)."""
    store = request.ordered_at_location_id if request.channel == "store" else None
    return priced_lines(
        lines=[(line.sku, line.quantity) for line in request.lines],
        channel=request.channel,
        location_id=store,
    )


def priced_lines(
    *, lines: list[tuple[str, int]], channel: str, location_id: int | None
) -> tuple[list[PricedLine], dict[str, int]]:
    """(sku, quantity) lines at the catalogue's price on `channel` (at `location_id`, a store
    selling), and each SKU's variant id. Every order and the till's basket are priced here;
    an unknown SKU or one with no price is an InvalidOrder on `lines.sku`."""
    try:
        prices = prices_for_skus(
            skus=[sku for sku, _ in lines], channel=channel, location_id=location_id
        )
    except (VariantNotFound, PriceNotFound) as error:
        raise _invalid(error.detail, "lines.sku") from None
    priced = [
        PricedLine(sku, quantity, prices[sku][1].amount, prices[sku][1].currency)
        for sku, quantity in lines
    ]
    return priced, {sku: variant_id for sku, (variant_id, _) in prices.items()}


def _open_payment(
    psp: PaymentProvider, request: PaymentRequest, total: Decimal, currency: str, reference: str
) -> _OpenedPayment:
    try:
        return _ask_psp(psp, request, total, currency, reference)
    except PspUnreachable as error:
        raise PaymentProviderUnavailable(str(error)) from None


def _ask_psp(
    psp: PaymentProvider, request: PaymentRequest, total: Decimal, currency: str, reference: str
) -> _OpenedPayment:
    if request.method == Payment.Method.AT_PICKUP:
        return _OpenedPayment(request.method, Payment.Status.DUE_AT_PICKUP)
    if request.method == Payment.Method.PAYMENT_LINK:
        link = psp.create_payment_link(
            amount=total,
            currency=currency,
            reference=reference,
            expires_at=clock.now() + PAYMENT_WINDOW,
        )
        return _OpenedPayment(
            request.method, Payment.Status.PENDING, link.provider_reference, link.url
        )
    result = psp.authorise(
        amount=total, currency=currency, card_token=request.card_token, reference=reference
    )
    if result.status == PspStatus.DECLINED:
        raise PaymentDeclined(f"The payment was declined: {result.reason}.")
    status = (
        Payment.Status.PENDING if result.status == PspStatus.PENDING else Payment.Status.AUTHORISED
    )
    return _OpenedPayment(request.method, status, result.provider_reference)


def place_order(request: OrderRequest, *, now: datetime | None = None) -> PlacedOrder:
    """Place an order from any channel. All or nothing: the order exists with every line held
    and its payment authorised (or due at pickup, or awaiting its link/confirmation), or nothing
    was written and nothing is held."""
    now = now or clock.now()
    _check_shape(request)
    priced, variant_ids = _priced_lines(request)
    currencies = {line.currency for line in priced}
    if len(currencies) != 1:
        raise _invalid("an order is in one currency", "lines")
    request = _priced_delivery(request, currencies.pop())
    try:
        total, currency = order_total(priced, delivery_fee=_fee(request))
    except MixedCurrencies:
        raise _invalid("an order is in one currency", "lines") from None
    pieces, explanation = _where_from(request, variant_ids)
    reference = new_order_reference()
    psp = provider()
    payment = _open_payment(psp, request.payment, total, currency, reference)
    try:
        return _record(
            request,
            _Lines(pieces, {line.sku: line for line in priced}, variant_ids, explanation),
            total,
            currency,
            reference,
            payment,
            psp,
            now,
        )
    except BaseException:
        if payment.provider_reference:
            # Nothing was written, so there is no ledger row: the key still makes a retry safe.
            psp.void(
                provider_reference=payment.provider_reference,
                idempotency_key=f"void:authorise:{reference}",
            )
        raise


def _fee(request: OrderRequest) -> Decimal:
    return (request.delivery_fee or Decimal("0")).quantize(Decimal("0.01"))


@dataclass(frozen=True)
class _Lines:
    pieces: list[Piece]
    prices: dict[str, PricedLine]
    variant_ids: dict[str, int]
    explanation: list[str]


def _where_from(
    request: OrderRequest, variant_ids: dict[str, int]
) -> tuple[list[Piece], list[str]]:
    """Each line's location: as given; the pickup store for the collect modes; else the
    sourcing engine's choice, with its explanation."""
    collect_here = FulfilmentMode(request.fulfilment_mode) in {
        FulfilmentMode.CLICK_AND_COLLECT,
        FulfilmentMode.RESERVE_AND_COLLECT,
    }
    pieces: list[Piece] = []
    open_lines: list[LineRequest] = []
    for line in request.lines:
        location_id = line.location_id or (request.pickup_location_id if collect_here else None)
        if location_id is None:
            open_lines.append(line)
        else:
            pieces.append(Piece(line.sku, line.quantity, location_id))
    if not open_lines:
        return pieces, []
    if _sourcer is None:
        raise _invalid("where are its units? give a location", "lines.location")
    sourced, explanation = _sourcer(request=request, lines=open_lines, variant_ids=variant_ids)
    return pieces + sourced, explanation


def _hold_batches(pieces: list[Piece]) -> list[list[Piece]]:
    """Pieces in batches of distinct SKUs: one SKU held at two locations needs two hold
    references (a reference holds a SKU once)."""
    batches: list[list[Piece]] = []
    for piece in pieces:
        batch = next((b for b in batches if all(p.sku != piece.sku for p in b)), None)
        if batch is None:
            batches.append([piece])
        else:
            batch.append(piece)
    return batches


def _record(
    request: OrderRequest,
    lines_in: _Lines,
    total: Decimal,
    currency: str,
    reference: str,
    payment: _OpenedPayment,
    psp: PaymentProvider,
    now: datetime,
) -> PlacedOrder:
    placed = payment.status in {Payment.Status.AUTHORISED, Payment.Status.DUE_AT_PICKUP}
    mode = FulfilmentMode(request.fulfilment_mode)
    order = Order(
        reference=reference,
        channel=request.channel,
        fulfilment_mode=mode,
        status=OrderStatus.PLACED if placed else OrderStatus.AWAITING_PAYMENT,
        customer_id=request.customer_id,
        pickup_location_id=request.pickup_location_id,
        ordered_at_location_id=request.ordered_at_location_id,
        total=total,
        delivery_fee=_fee(request),  # as the row reads back
        delivery_option=request.delivery_option,
        delivery_slot_starts_at=request.delivery_slot[0] if request.delivery_slot else None,
        delivery_slot_ends_at=request.delivery_slot[1] if request.delivery_slot else None,
        currency=currency,
        delivery_address=request.delivery_address,
        collect_by=now + RESERVATION_WINDOW if mode in PAID_AT_PICKUP else None,
        created_by=request.created_by,
        sourcing_explanation=lines_in.explanation,
        created_at=now,
        updated_at=now,
    )
    variant_ids, prices = lines_in.variant_ids, lines_in.prices
    authorised = payment.status == Payment.Status.AUTHORISED
    rows = OrderRows(
        order=order,
        lines=[
            OrderLine(
                line_number=number,
                variant_id=variant_ids[piece.sku],
                sku=piece.sku,
                quantity=piece.quantity,
                unit_price=prices[piece.sku].unit_price,
                currency=prices[piece.sku].currency,
                location_id=piece.location_id,
            )
            for number, piece in enumerate(lines_in.pieces, start=1)
        ],
        payment=Payment(
            method=payment.method,
            provider=psp.name if payment.provider_reference else "till",
            provider_reference=payment.provider_reference,
            status=payment.status,
            amount=total,
            currency=currency,
            authorised_amount=total if authorised else Decimal("0.00"),
            captured_amount=Decimal("0.00"),  # as the row reads back: the answer says "0.00"
            refunded_amount=Decimal("0.00"),
            payment_link=payment.link,
            created_at=now,
            updated_at=now,
        ),
        operations=_authorisation(payment, total, currency, reference, now),
        event_type=events.ORDER_PLACED if placed else events.ORDER_AWAITING_PAYMENT,
        event_payload=placed_payload(order),
    )
    holds = [
        (
            reference if index == 0 else f"{reference}/{index + 1}",
            [HoldRequestLine(p.location_id, variant_ids[p.sku], p.sku, p.quantity) for p in batch],
        )
        for index, batch in enumerate(_hold_batches(lines_in.pieces))
    ]
    if _capacity_taker is None:
        write_order(rows, holds=holds, now=now)
    else:
        # The capacity's rows are locked last, just before COMMIT (docs/locking.md); a full
        # location undoes the order and its holds with them (this block's rollback: the
        # order's statement needs no savepoint of its own).
        with transaction.atomic():
            write_order(rows, holds=holds, now=now, savepoint=False)
            _capacity_taker(order=order, lines=rows.lines, now=now)
    return PlacedOrder(order, rows.lines, rows.payment)


def _authorisation(
    payment: _OpenedPayment, total: Decimal, currency: str, reference: str, now: datetime
) -> list[PaymentOperation]:
    """The ledger's first row: the authorisation the PSP gave (succeeded), or the one it will
    confirm by webhook (requested: 3-D Secure, a payment link). None for a till payment."""
    if not payment.provider_reference:
        return []
    authorised = payment.status == Payment.Status.AUTHORISED
    return [
        PaymentOperation(
            kind=PaymentKind.AUTHORISE,
            tender=Tender(payment.method),
            amount=total,
            currency=currency,
            status=OperationStatus.SUCCEEDED if authorised else OperationStatus.REQUESTED,
            idempotency_key=f"authorise:{reference}",
            provider_reference=payment.provider_reference,
            failure_reason="",
            actor="",
            requested_at=now,
            finished_at=now if authorised else None,
        )
    ]


def placed_payload(order: Order) -> dict[str, Any]:
    return {
        **order_keys(order),
        "channel": order.channel,
        "fulfilment_mode": order.fulfilment_mode,
        "total": str(order.total),
        "currency": order.currency,
        "location_id": order.pickup_location_id,
    }


def order_keys(order: Order) -> dict[str, Any]:
    """The keys every order event carries."""
    return {
        "order_id": order.pk,
        "order_reference": order.reference,
        "customer_id": order.customer_id,
    }
