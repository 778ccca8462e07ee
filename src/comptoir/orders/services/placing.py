"""Placing an order: price the lines, authorise the payment, hold the stock, record the event.

The PSP is asked first, outside any transaction: a declined card writes nothing, so it can
never leave a hold behind, and no stock row is locked while the PSP thinks. Then one
transaction writes the order, its holds, its lines, its payment and its outbox event.
If the stock is gone meanwhile, the authorisation is voided.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction

from comptoir.catalog.errors import PriceNotFound, VariantNotFound
from comptoir.catalog.selectors import prices_for_skus
from comptoir.core import clock
from comptoir.core.outbox import record_event
from comptoir.inventory.services.holds import HoldRequestLine, place_hold

from .. import events
from ..domain import (
    PAID_AT_PICKUP,
    FulfilmentMode,
    MixedCurrencies,
    OrderStatus,
    PricedLine,
    needs_address,
    needs_pickup_location,
    new_order_reference,
    order_total,
)
from ..errors import InvalidOrder, PaymentDeclined
from ..models import Order, OrderLine, Payment
from ..payments import provider
from ..payments.adapter import PaymentProvider, PspStatus

# The holds of an order outlive its deadlines; the order's own sweeps (payment window,
# collection window) release them first. Inventory's expiry is only the safety net.
ORDER_HOLD_TTL = timedelta(days=14)
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
        if line.location_id is None and request.pickup_location_id is None:
            raise _invalid("where are its units? give a location", f"lines[{index}].location")


def _priced_lines(request: OrderRequest) -> tuple[list[PricedLine], dict[str, int]]:
    """The catalogue's price of each line on this channel (in the store, for a store sale)."""
    store = request.ordered_at_location_id if request.channel == "store" else None
    try:
        prices = prices_for_skus(
            skus=[line.sku for line in request.lines], channel=request.channel, location_id=store
        )
    except (VariantNotFound, PriceNotFound) as error:
        raise _invalid(error.detail, "lines.sku") from None
    priced = [
        PricedLine(
            line.sku, line.quantity, prices[line.sku][1].amount, prices[line.sku][1].currency
        )
        for line in request.lines
    ]
    return priced, {sku: variant_id for sku, (variant_id, _) in prices.items()}


def _open_payment(
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
    try:
        total, currency = order_total(priced)
    except MixedCurrencies:
        raise _invalid("an order is in one currency", "lines") from None
    reference = new_order_reference()
    psp = provider()
    payment = _open_payment(psp, request.payment, total, currency, reference)
    try:
        return _record(request, priced, variant_ids, total, currency, reference, payment, psp, now)
    except BaseException:
        if payment.provider_reference:
            psp.void(provider_reference=payment.provider_reference)
        raise


def _record(
    request: OrderRequest,
    priced: list[PricedLine],
    variant_ids: dict[str, int],
    total: Decimal,
    currency: str,
    reference: str,
    payment: _OpenedPayment,
    psp: PaymentProvider,
    now: datetime,
) -> PlacedOrder:
    placed = payment.status in {Payment.Status.AUTHORISED, Payment.Status.DUE_AT_PICKUP}
    mode = FulfilmentMode(request.fulfilment_mode)
    with transaction.atomic():
        order = Order.objects.create(
            reference=reference,
            channel=request.channel,
            fulfilment_mode=mode,
            status=OrderStatus.PLACED if placed else OrderStatus.AWAITING_PAYMENT,
            customer_id=request.customer_id,
            pickup_location_id=request.pickup_location_id,
            ordered_at_location_id=request.ordered_at_location_id,
            total=total,
            currency=currency,
            delivery_address=request.delivery_address,
            collect_by=now + RESERVATION_WINDOW if mode in PAID_AT_PICKUP else None,
            created_by=request.created_by,
            created_at=now,
            updated_at=now,
        )
        locations = [line.location_id or request.pickup_location_id for line in request.lines]
        holds = place_hold(
            lines=[
                HoldRequestLine(location_id, variant_ids[line.sku], line.sku, line.quantity)
                for line, location_id in zip(request.lines, locations, strict=True)
            ],
            channel=request.channel,
            reference=reference,
            customer_id=request.customer_id,
            ttl=ORDER_HOLD_TTL,
            now=now,
        )
        hold_ids = {(hold.location_id, hold.variant_id): hold.pk for hold in holds}
        lines = OrderLine.objects.bulk_create(
            [
                OrderLine(
                    order=order,
                    line_number=number,
                    variant_id=variant_ids[line.sku],
                    sku=line.sku,
                    quantity=line.quantity,
                    unit_price=price.unit_price,
                    currency=price.currency,
                    location_id=location_id,
                    hold_id=hold_ids[(location_id, variant_ids[line.sku])],
                )
                for number, (line, price, location_id) in enumerate(
                    zip(request.lines, priced, locations, strict=True), start=1
                )
            ]
        )
        payment_row = Payment.objects.create(
            order=order,
            method=payment.method,
            provider=psp.name if payment.provider_reference else "till",
            provider_reference=payment.provider_reference,
            status=payment.status,
            amount=total,
            currency=currency,
            payment_link=payment.link,
            created_at=now,
            updated_at=now,
        )
        event = events.ORDER_PLACED if placed else events.ORDER_AWAITING_PAYMENT
        record_event(event, aggregate=f"order:{order.pk}", payload=placed_payload(order), now=now)
    return PlacedOrder(order, lines, payment_row)


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
