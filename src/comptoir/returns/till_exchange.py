"""An exchange at the till, with a price difference: units of any order (any channel) come
back, another size or colour leaves the shelf, and only the difference moves (ADR 0042).

The units brought back are a return (`record_received`) whose value pays, as an `exchange`
credit, the till sale of what replaces them (`write_sale`): the old order refunds the credit
and the new order captures it, two ledger rows with no money behind them. When the new item
costs more, the till takes the difference as a basket sale does (`split_at_till`, the card on
the terminal asked before anything is written); when it costs less, the return refunds the
difference to the order's original payment after COMMIT, as any return does. One transaction
writes the return, the restock, the credit, the sale and its shelf; the ticket is the sale's
reference, so the same ticket again exchanges nothing more. Two exchanges of the same units
at once: the second waits on the order's lock and finds them returned (422).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction

from comptoir.catalog.selectors import variant_by_sku
from comptoir.core import clock
from comptoir.core.retrying import DatabaseUnavailable, transaction_retried
from comptoir.orders.domain import PaymentKind, Tender, TenderSplit
from comptoir.orders.selectors import order_by_id, returnable_lines, till_sale_of_ticket
from comptoir.orders.services.payments import request_operation
from comptoir.orders.services.terminal import ask_terminal, void_or_raise, void_terminal
from comptoir.orders.services.till import (
    BasketLine,
    PricedBasket,
    price_basket,
    split_at_till,
    write_sale,
)

from .errors import InvalidReturn
from .models import Return
from .services import ReturnLineRequest, record_received, refund_after_receipt

if TYPE_CHECKING:
    from comptoir.orders.models import Order, TerminalRequest


@dataclass(frozen=True)
class ExchangeRequest:
    order_id: int
    line_number: int
    quantity: int
    new_sku: str
    reason: str = "too_small"
    sellable: bool = True


@dataclass(frozen=True)
class TillExchange:
    sale: Order  # what replaces the units: a till sale, its reference the ticket
    returned: Return | None  # None when replayed
    difference: Decimal  # > 0 taken at the till, < 0 refunded to the original payment
    split: TenderSplit
    replayed: bool


@dataclass(frozen=True)
class ExchangeQuote:
    """What the till shows before anything is taken."""

    returned_value: Decimal
    basket: PricedBasket

    @property
    def difference(self) -> Decimal:
        return self.basket.total - self.returned_value

    @property
    def credit(self) -> Decimal:
        return min(self.returned_value, self.basket.total)


def quote_exchange(*, store_id: int, request: ExchangeRequest) -> ExchangeQuote:
    """The units' value, the new item at this store's price, and the difference. Refuses an
    exchange the rules do not allow: units not received or returned already, a quantity out
    of range, another product (an exchange is another size or colour of the same product)."""
    if request.quantity < 1:
        raise _invalid("at least 1", "quantity")
    line = returnable_lines(request.order_id).get(request.line_number)
    if line is None:
        raise _invalid("this line has not reached the customer", "line_number")
    if request.quantity > line.quantity - line.returned_quantity:
        raise _invalid(
            f"at most {line.quantity - line.returned_quantity} unit(s) left to exchange",
            "quantity",
        )
    wanted, original = variant_by_sku(request.new_sku), variant_by_sku(line.sku)
    if wanted.product_id != original.product_id or wanted.pk == original.pk:
        raise _invalid("an exchange is another size or colour of the same product", "new_sku")
    basket = price_basket(store_id=store_id, lines=[BasketLine(wanted.sku, request.quantity)])
    return ExchangeQuote(line.unit_price * request.quantity, basket)


def exchange_at_till(
    *,
    store_id: int,
    ticket: str,
    request: ExchangeRequest,
    card: Decimal = Decimal("0"),
    cash_given: Decimal = Decimal("0"),
    card_token: str = "",
    customer_id: int | None = None,
    actor: str = "",
    now: datetime | None = None,
) -> TillExchange:
    """Exchange once per ticket: the units back on this store's shelf (or recorded unsellable),
    the new ones off it, the difference taken at the till (card + cash == difference) or
    refunded to the original payment; or nothing at all. The money adds up both ways: the
    old order refunds the units' value (credit + refund), the new one captures its total
    (credit + tenders)."""
    now = now or clock.now()
    done = _exchanged(ticket, store_id)
    if done is not None:
        return _replayed(done)
    quote = quote_exchange(store_id=store_id, request=request)
    if customer_id is None:  # the new item goes on the timeline of whoever bought the old
        customer_id = order_by_id(request.order_id).customer_id
    split = split_at_till(
        max(quote.difference, Decimal("0")), quote.basket.currency, card=card, cash_given=cash_given
    )
    terminal = ask_terminal(
        store_id=store_id,
        ticket=ticket,
        amount=split.card,
        currency=quote.basket.currency,
        card_token=card_token,
        actor=actor,
        now=now,
    )
    try:
        sale, returned = _write_exchange(
            store_id=store_id,
            ticket=ticket,
            request=request,
            quote=quote,
            split=split,
            terminal=terminal,
            customer_id=customer_id,
            actor=actor,
            now=now,
        )
    except IntegrityError as error:
        done = _exchanged(ticket, store_id)  # the same ticket a moment ago: that one stands
        if done is None:
            void_or_raise(terminal, error)
            raise
        if terminal is not None and terminal.provider_reference != done.payment.provider_reference:
            void_terminal(terminal, "twin")  # a failure stays recorded: reconcile lists it
        return _replayed(done)
    except DatabaseUnavailable:
        raise  # committed or not: the retry with this ticket finds out
    except BaseException as error:
        void_or_raise(terminal, error)
        raise
    if returned.status == Return.Status.RECEIVED:
        returned = refund_after_receipt(returned, now=now)  # after COMMIT, as any return
    return TillExchange(sale, returned, quote.difference, split, replayed=False)


@transaction_retried
def _write_exchange(
    *,
    store_id: int,
    ticket: str,
    request: ExchangeRequest,
    quote: ExchangeQuote,
    split: TenderSplit,
    terminal: TerminalRequest | None,
    customer_id: int | None,
    actor: str,
    now: datetime,
) -> tuple[Order, Return]:
    with transaction.atomic():
        returned = record_received(  # the old order's lock first, then its payment's
            order_id=request.order_id,
            location_id=store_id,
            method=Return.Method.STORE,
            lines=[
                ReturnLineRequest(
                    request.line_number, request.quantity, request.reason, request.sellable
                )
            ],
            credit=quote.credit,
            actor=actor,
            now=now,
        )
        if quote.credit > 0:
            request_operation(
                payment=order_by_id(request.order_id).payment,
                kind=PaymentKind.REFUND,
                amount=quote.credit,
                idempotency_key=f"refund:{request.order_id}:exchange:{returned.reference}",
                tender=Tender.EXCHANGE,
                actor=actor,
                now=now,
            )
        sale = write_sale(
            store_id=store_id,
            ticket=ticket,
            basket=quote.basket,
            split=split,
            terminal=terminal,
            customer_id=customer_id,
            exchange_credit=quote.credit,
            actor=actor,
            now=now,
        )
    return sale, returned


def _exchanged(ticket: str, store_id: int) -> Order | None:
    return till_sale_of_ticket(ticket=ticket, location_id=store_id)


def _replayed(sale: Order) -> TillExchange:
    taken = dict(
        sale.payment.operations.filter(kind=PaymentKind.CAPTURE).values_list("tender", "amount")
    )
    card = taken.get(Tender.STORE_CARD, Decimal("0"))
    cash = taken.get(Tender.CASH, Decimal("0"))
    return TillExchange(sale, None, card + cash, TenderSplit(card, cash, Decimal("0")), True)


def _invalid(message: str, field: str) -> InvalidReturn:
    return InvalidReturn(message, errors=[{"field": field, "message": message}])
