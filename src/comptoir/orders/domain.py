"""Pure order rules: the fulfilment modes, the one state machine, totals and pickup codes.

No Django here. Every change of an order's status goes through `check_transition`, so the
allowed moves are written down once and tested without a database.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from enum import StrEnum
from zoneinfo import ZoneInfo


class FulfilmentMode(StrEnum):
    HOME_DELIVERY = "home_delivery"  # shipped from a warehouse or a store to the customer
    CLICK_AND_COLLECT = "click_and_collect"  # paid online, collected in a store
    RESERVE_AND_COLLECT = "reserve_and_collect"  # held in a store, paid at pickup
    SHIP_TO_STORE = "ship_to_store"  # shipped from elsewhere to a store, collected there
    SHIP_FROM_STORE = "ship_from_store"  # a store picks and ships to the customer's home
    ENDLESS_AISLE_HOME = "endless_aisle_home"  # ordered in a store, delivered home
    TILL_SALE = "till_sale"  # sold at a store's till, taken away there and then


PICKUP_MODES = frozenset(
    {
        FulfilmentMode.CLICK_AND_COLLECT,
        FulfilmentMode.RESERVE_AND_COLLECT,
        FulfilmentMode.SHIP_TO_STORE,
    }
)
# A till sale is neither collected later nor delivered: it leaves the store with its buyer.
COUNTER_MODES = frozenset({FulfilmentMode.TILL_SALE})
HOME_MODES = frozenset(FulfilmentMode) - PICKUP_MODES - COUNTER_MODES
# Reserve & collect is paid at the till when collected; every other mode is paid up front.
PAID_AT_PICKUP = frozenset({FulfilmentMode.RESERVE_AND_COLLECT})


class OrderStatus(StrEnum):
    AWAITING_PAYMENT = "awaiting_payment"  # a payment link or a pending authorisation
    PLACED = "placed"  # stock held, payment authorised (or due at pickup)
    READY_FOR_PICKUP = "ready_for_pickup"
    DISPATCHED = "dispatched"
    COLLECTED = "collected"
    CANCELLED = "cancelled"


ALLOWED_TRANSITIONS: dict[OrderStatus, frozenset[OrderStatus]] = {
    OrderStatus.AWAITING_PAYMENT: frozenset({OrderStatus.PLACED, OrderStatus.CANCELLED}),
    OrderStatus.PLACED: frozenset(
        {OrderStatus.READY_FOR_PICKUP, OrderStatus.DISPATCHED, OrderStatus.CANCELLED}
    ),
    OrderStatus.READY_FOR_PICKUP: frozenset({OrderStatus.COLLECTED, OrderStatus.CANCELLED}),
    # A ship-to-store parcel arrives at the store, is made ready, then collected.
    OrderStatus.DISPATCHED: frozenset({OrderStatus.READY_FOR_PICKUP}),
    OrderStatus.COLLECTED: frozenset(),
    OrderStatus.CANCELLED: frozenset(),
}
CANCELLABLE = frozenset(
    status for status, targets in ALLOWED_TRANSITIONS.items() if OrderStatus.CANCELLED in targets
)


class LineStatus(StrEnum):
    """Where an order line's units are. One line's units move together: a line the sourcing
    engine splits is several lines, one per location."""

    OPEN = "open"  # held at its location, not yet handed over or shipped
    DISPATCHED = "dispatched"  # in a parcel, on its way to the customer or to the pickup store
    AT_STORE = "at_store"  # ship to store: the parcel arrived at the pickup store
    DELIVERED = "delivered"  # the carrier delivered it to the customer
    COLLECTED = "collected"  # handed over at the counter
    CANCELLED = "cancelled"


LINE_TRANSITIONS: dict[LineStatus, frozenset[LineStatus]] = {
    LineStatus.OPEN: frozenset({LineStatus.DISPATCHED, LineStatus.COLLECTED, LineStatus.CANCELLED}),
    LineStatus.DISPATCHED: frozenset({LineStatus.AT_STORE, LineStatus.DELIVERED}),
    LineStatus.AT_STORE: frozenset({LineStatus.COLLECTED}),
    LineStatus.DELIVERED: frozenset(),
    LineStatus.COLLECTED: frozenset(),
    LineStatus.CANCELLED: frozenset(),
}
# Only what reached the customer can come back; the database refuses the rest too.
RETURNABLE_LINES = frozenset({LineStatus.DELIVERED, LineStatus.COLLECTED})
# What a pickup store may hand over: units held on its shelf, or a parcel that arrived there.
AT_THE_PICKUP_STORE = frozenset({LineStatus.OPEN, LineStatus.AT_STORE})


def check_line_transition(current: str, target: str) -> LineStatus:
    """The target status if a line in `current` may move to it; raise otherwise."""
    now, then = LineStatus(current), LineStatus(target)
    if then not in LINE_TRANSITIONS[now]:
        raise TransitionNotAllowed(now, then, thing="order line")
    return then


class TransitionNotAllowed(Exception):
    def __init__(self, current: StrEnum, target: StrEnum, *, thing: str = "order") -> None:
        super().__init__(f"An {thing} that is {current} cannot become {target}.")
        self.current = current
        self.target = target


def check_transition(current: str, target: str) -> OrderStatus:
    """The target status if an order in `current` may move to it; raise otherwise."""
    now, then = OrderStatus(current), OrderStatus(target)
    if then not in ALLOWED_TRANSITIONS[now]:
        raise TransitionNotAllowed(now, then)
    return then


def needs_pickup_location(mode: str) -> bool:
    return FulfilmentMode(mode) in PICKUP_MODES


def needs_address(mode: str) -> bool:
    return FulfilmentMode(mode) in HOME_MODES


@dataclass(frozen=True)
class PricedLine:
    sku: str
    quantity: int
    unit_price: Decimal
    currency: str

    @property
    def amount(self) -> Decimal:
        return self.unit_price * self.quantity


class MixedCurrencies(ValueError):
    pass


def order_total(
    lines: Iterable[PricedLine],
    *,
    delivery_fee: Decimal = Decimal("0"),
    discounts: Decimal = Decimal("0"),
) -> tuple[Decimal, str]:
    """What the customer owes, in the lines' one currency: lines + fees − discounts, never
    below zero. Every channel prices an order through this function (an order is never in two
    currencies)."""
    lines = list(lines)
    currencies = {line.currency for line in lines}
    if len(currencies) != 1:
        raise MixedCurrencies(f"lines in {sorted(currencies)}")
    total = sum((line.amount for line in lines), Decimal("0")) + delivery_fee - discounts
    return max(total, Decimal("0")), currencies.pop()


# Where a line's units are once they left the shelf: handed over or shipped, so paid for.
LEFT_THE_SHELF = frozenset(
    {LineStatus.DISPATCHED, LineStatus.AT_STORE, LineStatus.DELIVERED, LineStatus.COLLECTED}
)


def amount_to_capture(
    leaving: Iterable[PricedLine], *, delivery_fee: Decimal, first_to_leave: bool
) -> Decimal:
    """What may be captured when lines are handed over or shipped: those lines, plus the
    delivery fee with the FIRST of them to leave (a dispatch, or a handover when nothing was
    shipped before). Reconcile expects the sum of these over every line that left."""
    lines = sum((line.amount for line in leaving), Decimal("0"))
    return lines + (delivery_fee if first_to_leave else Decimal("0"))


class PaymentKind(StrEnum):
    AUTHORISE = "authorise"
    CAPTURE = "capture"
    REFUND = "refund"
    VOID = "void"


class Tender(StrEnum):
    """How the money moved: through the PSP (a card token, a payment link) or at the till."""

    CARD = "card"
    PAYMENT_LINK = "payment_link"
    CASH = "cash"
    STORE_CARD = "store_card"  # a card on the store's own terminal
    # The value of units brought back in an exchange at the till: refunded from their order,
    # captured by the sale of what replaces them (ADR 0042). No money moves.
    EXCHANGE = "exchange"


TILL_TENDERS = frozenset({Tender.CASH, Tender.STORE_CARD})
# Recorded succeeded at once, with no PSP to ask: the till's tenders and an exchange's credit.
SETTLED_AT_ONCE = TILL_TENDERS | {Tender.EXCHANGE}


class TendersDoNotCover(ValueError):
    """The tenders offered do not pay the total, or a card part is more than the total."""


@dataclass(frozen=True)
class TenderSplit:
    """How a till total is paid: a part on the card terminal, the rest in cash, and the change
    handed back. `card + cash == total` always; `change` is what the drawer gives back."""

    card: Decimal
    cash: Decimal
    change: Decimal

    @property
    def cash_given(self) -> Decimal:
        return self.cash + self.change


LARGEST_NOTE = Decimal("500")  # change is always less than one note of the largest kind


def split_tenders(*, total: Decimal, card: Decimal, cash_given: Decimal) -> TenderSplit:
    """The one rule for paying at the till: the card takes at most the total, the cash pays
    what the card does not, and only cash is given back (a card is never overcharged)."""
    if card < 0 or cash_given < 0:
        raise TendersDoNotCover("an amount offered is never negative")
    if card > total:
        raise TendersDoNotCover("the card part is more than the total")
    cash = total - card
    if cash_given < cash:
        raise TendersDoNotCover(f"{cash - cash_given} still to pay")
    if cash_given - cash >= LARGEST_NOTE:  # 5800 typed for 58.00: check it, don't pay it out
        raise TendersDoNotCover(f"the change would be {cash_given - cash}: check the cash given")
    return TenderSplit(card=card, cash=cash, change=cash_given - cash)


class RefundTooLarge(ValueError):
    """The tenders together have less left to give back than the refund asks."""


# The order refunds go back in: to a card first (the money returns where it came from, with
# the PSP's trace), cash last (the drawer gives out only what no card can take back).
REFUND_ORDER = (Tender.STORE_CARD, Tender.CARD, Tender.PAYMENT_LINK, Tender.CASH)


def split_refund(
    *, amount: Decimal, taken: Mapping[str, Decimal], refunded: Mapping[str, Decimal]
) -> list[tuple[Tender, Decimal]]:
    """The one rule for refunding a payment taken in several tenders: each tender gives back
    at most what it took less what it gave back already (`refunded` counts refunds still in
    flight), in REFUND_ORDER. Raises RefundTooLarge when the tenders have less left."""
    parts: list[tuple[Tender, Decimal]] = []
    rest = amount
    for tender in REFUND_ORDER:
        left = taken.get(tender, Decimal("0")) - refunded.get(tender, Decimal("0"))
        part = min(rest, left)
        if part > 0:
            parts.append((tender, part))
            rest -= part
    if rest > 0:
        raise RefundTooLarge(f"{rest} more than the tenders took")
    return parts


class OperationStatus(StrEnum):
    REQUESTED = "requested"  # recorded before the PSP is called: an intent
    SUCCEEDED = "succeeded"
    FAILED = "failed"


class TerminalStatus(StrEnum):
    """A request to a store's card terminal, recorded before it is asked (its own ledger: the
    sale it pays for is written only once the terminal approves)."""

    ASKED = "asked"  # asked; no answer yet (a timeout leaves it here: the card may be held)
    AUTHORISED = "authorised"  # the terminal approved: the card is held for this ticket
    DECLINED = "declined"  # declined or cancelled on the terminal: nothing held
    SOLD = "sold"  # the sale was written with this authorisation
    VOIDED = "voided"  # the sale was not written; the hold was given back
    VOID_FAILED = "void_failed"  # the sale was not written and the hold is still on the card


# A request still open may hold the card: the same ticket again reuses it, never asks anew.
TERMINAL_OPEN = frozenset({TerminalStatus.ASKED, TerminalStatus.AUTHORISED})


def terminal_reference(ticket: str, attempt: int) -> str:
    """What the terminal is asked under: the ticket, then `ticket/2`… after a definite no, so
    that a timeout's retry is the same request (the PSP answers it once) and a new card is not."""
    return ticket if attempt == 1 else f"{ticket}/{attempt}"


def local_day_bounds(day: date, zone: str) -> tuple[datetime, datetime]:
    """The instants a store's day starts and ends, in UTC: midnight to midnight in its own
    time zone (23 or 25 hours when the clocks change), whatever the server's zone."""
    local = ZoneInfo(zone)
    since = datetime.combine(day, time.min, tzinfo=local)
    until = datetime.combine(day + timedelta(days=1), time.min, tzinfo=local)
    return since.astimezone(UTC), until.astimezone(UTC)


PICKUP_CODE_DIGITS = 6


def new_pickup_code() -> str:
    """Six digits the customer shows at the counter; drawn by the OS's CSPRNG."""
    return f"{secrets.randbelow(10**PICKUP_CODE_DIGITS):0{PICKUP_CODE_DIGITS}d}"


def pickup_code_matches(expected: str, given: str) -> bool:
    return secrets.compare_digest(expected.encode(), given.strip().encode())


# Six digits are a million codes: five wrong ones, then none checked for a quarter of an hour,
# so that guessing an order's code at a counter or through the API takes years.
PICKUP_CODE_TRIES = 5
PICKUP_CODE_LOCKOUT = timedelta(minutes=15)


def pickup_code_tries_left(tries: int, last_try_at: datetime | None, now: datetime) -> int:
    """How many codes may still be tried for an order: wrong tries older than the lockout
    are forgotten."""
    if last_try_at is None or last_try_at <= now - PICKUP_CODE_LOCKOUT:
        return PICKUP_CODE_TRIES
    return max(PICKUP_CODE_TRIES - tries, 0)


def new_order_reference() -> str:
    """Short enough to read over the phone, long enough never to collide in practice."""
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I
    return "CO-" + "".join(secrets.choice(alphabet) for _ in range(8))
