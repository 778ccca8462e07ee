"""Selling at a store's till: an order of the store channel, paid there and then, taken away.

A till sale is an order like any other (ADR 0039): on the customer's timeline, in the money
ledger, returnable at any counter, checked by reconcile. In this order, as the ledger's rule
asks (docs/money.md): price the basket with the one pricing function, split the tenders, ask
the card terminal (the PSP) outside any transaction (a decline, a cancel or a timeout writes
nothing and leaves the basket as it was), then in ONE transaction write the order, its lines
(already collected), its payment and its ledger rows (the card part on the store's terminal,
the cash part), take the units off the shelf with one conditional statement per level, and
record `order.sold_at_till`. If the shelf is empty meanwhile, the terminal's authorisation is
voided. The ticket is the order's reference: the same ticket again sells nothing more, and
asks the terminal under the same reference (`terminal.py`, ADR 0041): the card is held once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import IntegrityError, transaction

from comptoir.carts.services import mark_ordered, open_cart_for_update, take_bought_items_out
from comptoir.catalog.selectors import product_names_of_skus
from comptoir.core import clock
from comptoir.core.outbox import record_event
from comptoir.core.retrying import DatabaseUnavailable, transaction_retried
from comptoir.customers.selectors import customer_may_order
from comptoir.inventory.services.till import TillLine, sell_at_till
from comptoir.locations.selectors import location_list

from .. import events
from ..domain import (
    FulfilmentMode,
    LineStatus,
    OrderStatus,
    PaymentKind,
    PricedLine,
    Tender,
    TenderSplit,
    TerminalStatus,
    local_day_bounds,
    order_total,
    split_tenders,
)
from ..domain import TendersDoNotCover as TendersShort
from ..errors import (
    InvalidOrder,
    TendersDoNotCover,
)
from ..models import Order, OrderLine, Payment, PaymentOperation, TerminalRequest
from ..payments import provider
from ..selectors import TillTakings, till_takings
from .payments import request_operation
from .placing import priced_lines
from .terminal import ask_terminal, mark_sold, void_or_raise, void_terminal

CHANNEL = "store"


@dataclass(frozen=True)
class BasketLine:
    sku: str
    quantity: int


@dataclass(frozen=True)
class PricedBasket:
    lines: list[PricedLine]
    variant_ids: dict[str, int]
    names: dict[str, str]
    total: Decimal
    currency: str


@dataclass(frozen=True)
class TillSale:
    order: Order
    split: TenderSplit
    replayed: bool  # the ticket had sold already: nothing was sold again


def price_basket(*, store_id: int, lines: list[BasketLine]) -> PricedBasket:
    """The basket at this store's prices, as every channel prices an order (placing's
    `priced_lines`, then `order_total`). An empty basket is an InvalidOrder."""
    if not lines:
        raise InvalidOrder(
            "The basket is empty: scan or type an item first.",
            errors=[{"field": "lines", "message": "at least one line"}],
        )
    priced, variant_ids = priced_lines(
        lines=[(line.sku, line.quantity) for line in lines], channel=CHANNEL, location_id=store_id
    )
    total, currency = order_total(priced)
    return PricedBasket(priced, variant_ids, product_names_of_skus(variant_ids), total, currency)


def sell_basket(
    *,
    store_id: int,
    ticket: str,
    lines: list[BasketLine],
    card: Decimal = Decimal("0"),
    cash_given: Decimal = Decimal("0"),
    card_token: str = "",
    customer_id: int | None = None,
    basket_cart_id: int | None = None,
    take_out_of_online_cart: bool = False,
    actor: str = "",
    now: datetime | None = None,
) -> TillSale:
    """Sell the basket once per ticket: all of it, paid in full (card part + cash part ==
    total), its units taken from this store's free stock, or nothing at all. A declined,
    cancelled or unanswered card leaves no order, no ledger row, no stock movement, and the
    basket open. With `take_out_of_online_cart`, the units bought leave the customer's
    online cart in the same transaction."""
    now = now or clock.now()
    done = _sold(ticket, store_id)
    if done is not None:
        return _replayed(done, cash_given)
    basket = price_basket(store_id=store_id, lines=lines)
    split = split_at_till(basket.total, basket.currency, card=card, cash_given=cash_given)
    if customer_id is not None and not customer_may_order(customer_id=customer_id):
        raise InvalidOrder("No such customer.", errors=[{"field": "customer", "message": "?"}])
    terminal = ask_terminal(
        store_id=store_id,
        ticket=ticket,
        amount=split.card,
        currency=basket.currency,
        card_token=card_token,
        actor=actor,
        now=now,
    )
    if terminal is not None and terminal.status == TerminalStatus.SOLD:
        done = _sold(ticket, store_id)
        if done is not None:
            return _replayed(done, cash_given)
    try:
        order = write_sale(
            store_id=store_id,
            ticket=ticket,
            basket=basket,
            split=split,
            terminal=terminal,
            customer_id=customer_id,
            basket_cart_id=basket_cart_id,
            take_out_of_online_cart=take_out_of_online_cart,
            actor=actor,
            now=now,
        )
    except IntegrityError as error:
        # The same ticket sold a moment ago on another request: that sale stands. Its card
        # hold is this one when both asked the terminal under the same reference: keep it.
        done = _sold(ticket, store_id)
        if done is None:
            void_or_raise(terminal, error)
            raise
        if terminal is not None and terminal.provider_reference not in _terminal_references(done):
            void_terminal(terminal, "twin")  # a failure stays recorded: reconcile lists it
        return _replayed(done, cash_given)
    except DatabaseUnavailable:
        # Whether the sale committed is unknown: voiding could unpay a sale that stands. The
        # retry with the same ticket finds it, or sells it with this request's hold.
        raise
    except BaseException as error:
        void_or_raise(terminal, error)
        raise
    return TillSale(order, split, replayed=False)


def split_at_till(
    total: Decimal, currency: str, *, card: Decimal, cash_given: Decimal
) -> TenderSplit:
    """`domain.split_tenders` for a till's total, its refusal a TendersDoNotCover (422)."""
    try:
        return split_tenders(total=total, card=card, cash_given=cash_given)
    except TendersShort as error:
        raise TendersDoNotCover(
            f"The tenders do not pay {total} {currency}: {error}.",
            errors=[{"field": "cash_given", "message": str(error)}],
        ) from None


def _sold(ticket: str, store_id: int) -> Order | None:
    """The sale this ticket made at this store's till, if it made one: a ticket is never
    another order's reference read back (an online order's lines, its customer)."""
    return Order.objects.filter(
        reference=ticket, fulfilment_mode=FulfilmentMode.TILL_SALE, pickup_location_id=store_id
    ).first()


def _terminal_references(order: Order) -> set[str]:
    return set(Payment.objects.filter(order=order).values_list("provider_reference", flat=True))


def _replayed(order: Order, cash_given: Decimal) -> TillSale:
    taken = {
        tender: amount
        for tender, amount in PaymentOperation.objects.filter(
            payment__order=order, kind=PaymentKind.CAPTURE
        ).values_list("tender", "amount")
    }
    card = taken.get(Tender.STORE_CARD, Decimal("0"))
    cash = taken.get(Tender.CASH, Decimal("0"))
    return TillSale(order, TenderSplit(card, cash, max(cash_given - cash, Decimal("0"))), True)


@transaction_retried
def write_sale(
    *,
    store_id: int,
    ticket: str,
    basket: PricedBasket,
    split: TenderSplit,
    terminal: TerminalRequest | None,
    customer_id: int | None,
    basket_cart_id: int | None = None,
    take_out_of_online_cart: bool = False,
    exchange_credit: Decimal = Decimal("0"),
    actor: str,
    now: datetime,
) -> Order:
    """The sale's order, lines, payment, ledger and shelf, in one transaction (the caller's,
    if it has one: an exchange at the till writes its return beside it). `exchange_credit`
    is the value of units brought back, paying part of the total (ADR 0042)."""
    with transaction.atomic():
        order = Order.objects.create(
            reference=ticket,
            channel=CHANNEL,
            fulfilment_mode=FulfilmentMode.TILL_SALE,
            status=OrderStatus.COLLECTED,
            customer_id=customer_id,
            pickup_location_id=store_id,
            ordered_at_location_id=store_id,
            total=basket.total,
            currency=basket.currency,
            created_by=actor,
            created_at=now,
            updated_at=now,
        )
        OrderLine.objects.bulk_create(
            OrderLine(
                order=order,
                line_number=number,
                variant_id=basket.variant_ids[line.sku],
                sku=line.sku,
                quantity=line.quantity,
                unit_price=line.unit_price,
                currency=line.currency,
                location_id=store_id,
                status=LineStatus.COLLECTED,
                delivered_at=now,
            )
            for number, line in enumerate(basket.lines, start=1)
        )
        terminal_reference = terminal.provider_reference if terminal else ""
        _take_payment(order, split, terminal_reference, exchange_credit, actor, now)
        mark_sold(terminal, now=now)
        if basket_cart_id is not None:
            mark_ordered(open_cart_for_update(cart_id=basket_cart_id))
        if take_out_of_online_cart and customer_id is not None:
            take_bought_items_out(
                customer_id=customer_id,
                bought={line.sku: line.quantity for line in basket.lines},
            )
        record_event(
            events.ORDER_SOLD_AT_TILL,
            aggregate=f"order:{order.pk}",
            payload=_sale_payload(order, basket, split),
            now=now,
        )
        # Last, just before COMMIT: the levels' rows are locked for one round trip.
        sell_at_till(
            location_id=store_id,
            lines=[
                TillLine(basket.variant_ids[line.sku], line.sku, line.quantity)
                for line in basket.lines
            ],
            ticket=ticket,
            actor=actor,
            now=now,
        )
    return order


def _take_payment(
    order: Order,
    split: TenderSplit,
    terminal_reference: str,
    exchange_credit: Decimal,
    actor: str,
    now: datetime,
) -> None:
    """The payment and its ledger: each tender a till capture, succeeded as it is recorded."""
    payment = Payment.objects.create(
        order=order,
        method=Payment.Method.AT_PICKUP,
        provider=provider().name if terminal_reference else "till",
        provider_reference=terminal_reference,
        status=Payment.Status.DUE_AT_PICKUP,
        amount=order.total,
        currency=order.currency,
        created_at=now,
        updated_at=now,
    )
    take_tenders(payment, split, exchange_credit=exchange_credit, actor=actor, now=now)


def take_tenders(
    payment: Payment,
    split: TenderSplit,
    *,
    exchange_credit: Decimal = Decimal("0"),
    actor: str,
    now: datetime,
) -> None:
    """The till's tenders in the ledger: an exchange's credit, the card part on the store's
    terminal and the cash kept, each a capture succeeded as it is recorded, once per order and
    tender (a basket sale's, or an order paid at the counter: `till_pickup`). In the caller's
    transaction."""
    for tender, amount in (
        (Tender.EXCHANGE, exchange_credit),
        (Tender.STORE_CARD, split.card),
        (Tender.CASH, split.cash),
    ):
        if amount > 0:
            request_operation(
                payment=payment,
                kind=PaymentKind.CAPTURE,
                amount=amount,
                idempotency_key=f"capture:{payment.order_id}:till:{tender}",
                tender=tender,
                actor=actor,
                now=now,
            )


def _sale_payload(order: Order, basket: PricedBasket, split: TenderSplit) -> dict[str, object]:
    return {
        "order_id": order.pk,
        "order_reference": order.reference,
        "customer_id": order.customer_id,
        "channel": CHANNEL,
        "location_id": order.pickup_location_id,
        "total": str(order.total),
        "currency": order.currency,
        "lines": [
            {
                "sku": line.sku,
                "name": basket.names.get(line.sku, ""),
                "quantity": line.quantity,
                "unit_price": str(line.unit_price),
                "amount": str(line.amount),
            }
            for line in basket.lines
        ],
        "card": str(split.card),
        "cash": str(split.cash),
        "cash_given": str(split.cash_given),
        "change": str(split.change),
    }


@dataclass(frozen=True)
class EndOfDay:
    day: date  # the store's own calendar day
    rows: list[TillTakings]

    @property
    def total(self) -> Decimal:
        return sum((row.net for row in self.rows), Decimal("0"))


def end_of_day(*, store_id: int, day: date | None, now: datetime | None = None) -> EndOfDay:
    """A store's takings by till and tender over ONE of its days, midnight to midnight in its
    own time zone (`local_day_bounds`), read from the ledger; without a day, its today."""
    zone = _zone_of(store_id)
    if day is None:
        day = (now or clock.now()).astimezone(ZoneInfo(zone)).date()
    since, until = local_day_bounds(day, zone)
    return EndOfDay(day, till_takings(location_id=store_id, since=since, until=until))


def _zone_of(store_id: int) -> str:
    """The store's time zone; the retailer's (settings) for a location without one."""
    zone = location_list().filter(pk=store_id).values_list("timezone", flat=True).first()
    return zone or settings.TIME_ZONE
