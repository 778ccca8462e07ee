"""An order paid at the counter when it is collected: reserve & collect, an endless-aisle
pickup "paid at the till".

The same till as a basket sale (ADR 0039), on an order that exists already: its total due is
split by the same rule (`split_at_till`: card + cash == due, only cash gives change), the card
part is asked of the store's terminal before anything is written and outside any transaction
(a decline, a cancel or a timeout writes nothing: the order stays ready and due), then ONE
transaction, under the order's lock, records each tender in the ledger (`take_tenders`) and
hands the units over (`hand_over_order`, the pickup code checked again). Two associates paying
the same order at once: the second waits on the lock, finds it collected, and its terminal
authorisation is voided. The ticket (one per screen) keys the terminal's authorisation; the
same ticket again finds the order paid and takes nothing more.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.db import transaction

from comptoir.core import clock
from comptoir.core.outbox import record_event
from comptoir.core.retrying import DatabaseUnavailable, transaction_retried

from .. import events
from ..domain import OrderStatus, PaymentKind, Tender, TenderSplit, check_transition
from ..errors import InvalidOrder, OrderStateConflict
from ..models import Order, Payment, PaymentOperation, TerminalRequest
from ..selectors import due_at_the_till, ensure_collectable, order_by_id
from .lifecycle import hand_over_order, locked_order
from .placing import placed_payload
from .terminal import ask_terminal, mark_sold, void_or_raise, void_terminal
from .till import split_at_till, take_tenders


@dataclass(frozen=True)
class PaidAtPickup:
    order: Order
    split: TenderSplit
    replayed: bool  # paid already (the same ticket again, or another till first): nothing taken


def pay_at_pickup(
    *,
    order_id: int,
    location_id: int,
    pickup_code: str,
    ticket: str,
    card: Decimal = Decimal("0"),
    cash_given: Decimal = Decimal("0"),
    card_token: str = "",
    actor: str = "",
    now: datetime | None = None,
) -> PaidAtPickup:
    """Take what the order owes at this store's till and hand it over, all or nothing, once:
    the ledger holds one capture per tender adding up to the amount due, the units leave the
    shelf, the order is collected. Refuses (nothing taken, nothing changed) an order not due
    at the till, not ready here, a wrong pickup code, tenders that do not cover the amount
    due, and a card the terminal declines, cancels or does not answer."""
    now = now or clock.now()
    order = order_by_id(order_id)
    if _paid_at_till(order):
        return _replayed(order, cash_given)
    due = _due(order)
    ensure_collectable(order, location_id=location_id, pickup_code=pickup_code)
    split = split_at_till(due, order.currency, card=card, cash_given=cash_given)
    return _pay_on_the_terminal(
        order,
        split,
        location_id=location_id,
        ticket=ticket,
        card_token=card_token,
        cash_given=cash_given,
        actor=actor,
        now=now,
        write=lambda terminal: _write_payment(
            order_id=order_id,
            location_id=location_id,
            pickup_code=pickup_code,
            split=split,
            terminal=terminal,
            actor=actor,
            now=now,
        ),
    )


def _pay_on_the_terminal(
    order: Order,
    split: TenderSplit,
    *,
    location_id: int,
    ticket: str,
    card_token: str,
    cash_given: Decimal,
    actor: str,
    now: datetime,
    write: Callable[[TerminalRequest | None], bool],
) -> PaidAtPickup:
    """The card part asked of the terminal (recorded first), then `write`, the transaction
    that records the tenders: its hold is given back if the write fails, and voided as a twin
    if another till paid the order first (`write` answers False)."""
    terminal = ask_terminal(
        store_id=location_id,
        ticket=ticket,
        amount=split.card,
        currency=order.currency,
        card_token=card_token,
        actor=actor,
        now=now,
    )
    try:
        first = write(terminal)
    except DatabaseUnavailable:
        # Whether it committed is unknown: voiding could unpay a payment that stands.
        raise
    except BaseException as error:
        void_or_raise(terminal, error)
        raise
    order = Order.objects.select_related("payment").get(pk=order.pk)
    if not first:
        void_terminal(terminal, "twin")  # another till paid it: a failure stays recorded
        return _replayed(order, cash_given)
    return PaidAtPickup(order, split, replayed=False)


def _due(order: Order) -> Decimal:
    payment = getattr(order, "payment", None)
    due = due_at_the_till(order.pk)
    if payment is None or payment.status != Payment.Status.DUE_AT_PICKUP or due is None:
        raise InvalidOrder(
            "This order is not paid at the till.",
            errors=[{"field": "order", "message": "not due at the till"}],
        )
    return due


def _paid_at_till(order: Order, *, placed: bool = False) -> bool:
    """Collected (or, for an order paid ahead, placed) and paid by the till's tenders: a
    payment made here already."""
    return (
        order.status != OrderStatus.CANCELLED
        and (placed or order.status == OrderStatus.COLLECTED)
        and PaymentOperation.objects.filter(
            payment__order=order,
            kind=PaymentKind.CAPTURE,
            status="succeeded",
            tender__in=[Tender.STORE_CARD, Tender.CASH],
        ).exists()
    )


@transaction_retried
def _write_payment(
    *,
    order_id: int,
    location_id: int,
    pickup_code: str,
    split: TenderSplit,
    terminal: TerminalRequest | None,
    actor: str,
    now: datetime,
) -> bool:
    """True when this call paid it; False when another till had (nothing written then)."""
    with transaction.atomic():
        order = locked_order(order_id)  # first: the second till waits here
        if order.status == OrderStatus.COLLECTED:
            return False
        payment = Payment.objects.select_for_update().get(order_id=order_id)
        if payment.status != Payment.Status.DUE_AT_PICKUP:
            raise OrderStateConflict(f"The payment is {payment.status}, not due at the till.")
        _card_on_the_terminal(payment, terminal, now=now)
        take_tenders(payment, split, actor=actor, now=now)
        hand_over_order(
            order_id=order_id,
            pickup_code=pickup_code,
            location_id=location_id,
            paid_at_till=True,
            actor=actor,
            now=now,
        )
    return True


def _card_on_the_terminal(
    payment: Payment, terminal: TerminalRequest | None, *, now: datetime
) -> None:
    """The card part's hold pays this order: a refund goes back to that card through the PSP
    (`payments.at_the_till`), and the request is sold with the payment's rows."""
    if terminal is not None:
        payment.provider_reference = terminal.provider_reference
        payment.save(update_fields=["provider_reference"])
    mark_sold(terminal, now=now)


def _replayed(order: Order, cash_given: Decimal) -> PaidAtPickup:
    taken = {
        tender: amount
        for tender, amount in PaymentOperation.objects.filter(
            payment__order=order, kind=PaymentKind.CAPTURE, status="succeeded"
        ).values_list("tender", "amount")
    }
    card = taken.get(Tender.STORE_CARD, Decimal("0"))
    cash = taken.get(Tender.CASH, Decimal("0"))
    change = max(cash_given - cash, Decimal("0"))
    return PaidAtPickup(order, TenderSplit(card, cash, change), replayed=True)


def pay_ordered_here(
    *,
    order_id: int,
    location_id: int,
    ticket: str,
    card: Decimal = Decimal("0"),
    cash_given: Decimal = Decimal("0"),
    card_token: str = "",
    actor: str = "",
    now: datetime | None = None,
) -> PaidAtPickup:
    """An endless-aisle order placed at this counter "paid at the till" (awaiting payment, its
    link unused): its whole total taken now, as a basket sale takes it, and the order placed
    (`order.placed`, as a paid link places it). Once: a second till waits on the order's lock,
    finds it placed, and voids its own authorisation. Its parcels capture nothing more later
    (`lifecycle._capture_for_leaving`: a payment captured in full has nothing left to take)."""
    now = now or clock.now()
    order = order_by_id(order_id)
    if order.status != OrderStatus.AWAITING_PAYMENT and _paid_at_till(order, placed=True):
        return _replayed(order, cash_given)
    if order.status != OrderStatus.AWAITING_PAYMENT or order.ordered_at_location_id != location_id:
        raise InvalidOrder(
            "This order is not waiting for a payment at this counter.",
            errors=[{"field": "order", "message": "not awaiting payment here"}],
        )
    split = split_at_till(order.total, order.currency, card=card, cash_given=cash_given)
    return _pay_on_the_terminal(
        order,
        split,
        location_id=location_id,
        ticket=ticket,
        card_token=card_token,
        cash_given=cash_given,
        actor=actor,
        now=now,
        write=lambda terminal: _write_prepayment(
            order_id=order_id, split=split, terminal=terminal, actor=actor, now=now
        ),
    )


@transaction_retried
def _write_prepayment(
    *,
    order_id: int,
    split: TenderSplit,
    terminal: TerminalRequest | None,
    actor: str,
    now: datetime,
) -> bool:
    with transaction.atomic():
        order = locked_order(order_id)
        if order.status != OrderStatus.AWAITING_PAYMENT:
            return False
        payment = Payment.objects.select_for_update().get(order_id=order_id)
        if payment.status != Payment.Status.PENDING:
            raise OrderStateConflict(f"The payment is {payment.status}, not waiting.")
        _card_on_the_terminal(payment, terminal, now=now)
        take_tenders(payment, split, actor=actor, now=now)
        check_transition(order.status, OrderStatus.PLACED)
        order.status = OrderStatus.PLACED
        order.updated_at = now
        order.save(update_fields=["status", "updated_at"])
        record_event(
            events.ORDER_PLACED,
            aggregate=f"order:{order.pk}",
            payload=placed_payload(order),
            now=now,
        )
    return True
