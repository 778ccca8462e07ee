"""Pure return rules: the return's state machine, and which units may come back.

No Django here. The moves a return may make are written once, with the guard each needs, in
`RETURN_TRANSITIONS`; the services check them with `check_return_transition`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum


class ReturnStatus(StrEnum):
    ANNOUNCED = "announced"  # the shopper said which units come back, where: not back yet
    RECEIVED = "received"  # units back; a refund is due (or the PSP refused it: retry)
    REFUNDING = "refunding"  # one caller claimed the refund and is asking the PSP
    REFUNDED = "refunded"  # refunded, or nothing to refund (a pure exchange)


# (from, to) → the guard that must hold for the move, in the retailer's words.
RETURN_TRANSITIONS: dict[ReturnStatus, dict[ReturnStatus, str]] = {
    # Receiving an announced return at the counter or the warehouse is the next step (open):
    # until then the store receives the units as any return, and the announcement stays.
    ReturnStatus.ANNOUNCED: {},
    ReturnStatus.RECEIVED: {
        ReturnStatus.REFUNDING: "the return is received and its refund not yet claimed",
    },
    ReturnStatus.REFUNDING: {
        ReturnStatus.REFUNDED: "the PSP refunded the amount of the received lines",
        ReturnStatus.RECEIVED: "the PSP refused the refund: it is due again, to retry",
    },
    ReturnStatus.REFUNDED: {},
}
# A return is received only with units of lines that reached the customer (delivered or
# collected: orders.domain.RETURNABLE_LINES) and are not yet returned; see `units_refused`.


class ReturnTransitionNotAllowed(Exception):
    pass


def check_return_transition(current: str, target: str) -> ReturnStatus:
    """The target status if a return in `current` may move to it; raise otherwise."""
    now, then = ReturnStatus(current), ReturnStatus(target)
    if then not in RETURN_TRANSITIONS[now]:
        raise ReturnTransitionNotAllowed(f"A return that is {now} cannot become {then}.")
    return then


def status_on_receipt(refund: Decimal) -> ReturnStatus:
    """A return with money to give back waits for its refund; a pure exchange is settled."""
    return ReturnStatus.RECEIVED if refund > 0 else ReturnStatus.REFUNDED


@dataclass(frozen=True)
class ReceivedLine:
    """An order line that reached the customer, as the return sees it."""

    line_number: int
    quantity: int
    returned_quantity: int
    unit_price: Decimal

    @property
    def units_left(self) -> int:
        return self.quantity - self.returned_quantity


@dataclass(frozen=True)
class ReturnedUnits:
    line_number: int
    quantity: int
    refunded: bool  # False: exchanged for another size, nothing to refund


def units_refused(
    wanted: Iterable[ReturnedUnits], received: dict[int, ReceivedLine]
) -> list[tuple[int, str]]:
    """(index of the wanted line, why) for each one that cannot come back: not a line that
    reached the customer, or more units than are left to return (counting the same line
    asked twice in one return)."""
    refused: list[tuple[int, str]] = []
    asked: dict[int, int] = {}
    for index, units in enumerate(wanted):
        line = received.get(units.line_number)
        if line is None:
            refused.append((index, "not a delivered or collected line of this order"))
            continue
        asked[units.line_number] = asked.get(units.line_number, 0) + units.quantity
        if asked[units.line_number] > line.units_left:
            refused.append((index, f"at most {line.units_left} left to return"))
    return refused


def refund_due(wanted: Iterable[ReturnedUnits], received: dict[int, ReceivedLine]) -> Decimal:
    """What the customer gets back: the price paid for each unit returned and not exchanged."""
    return sum(
        (
            received[units.line_number].unit_price * units.quantity
            for units in wanted
            if units.refunded
        ),
        Decimal("0"),
    )


@dataclass(frozen=True)
class LineProgress:
    """An order line as the shopper follows it: where its units are, and how many came back."""

    status: str  # orders.domain.LineStatus
    quantity: int
    returned_quantity: int


def line_progress_word(line: LineProgress) -> str:
    """The line's status in the shopper's words: its own status until units come back."""
    if line.returned_quantity and line.returned_quantity >= line.quantity:
        return "returned"
    if line.returned_quantity:
        return "partly_returned"
    return line.status


def order_progress_word(
    order_status: str, lines: Iterable[LineProgress], *, refunds_pending: bool
) -> str:
    """The order's status in the shopper's words, derived from what is stored (the order's
    status, its lines' statuses and returned units, its returns' refunds), never stored
    itself. A shipped order whose every live line the carrier delivered is "delivered"; an
    order whose every unit came back is "returned" until each refund is paid, then
    "refunded"; some units back: "partly_returned"."""
    live = [line for line in lines if line.status != "cancelled"]
    if not live or order_status in {"cancelled", "awaiting_payment"}:
        return order_status
    returned = sum(line.returned_quantity for line in live)
    if returned and returned >= sum(line.quantity for line in live):
        return "returned" if refunds_pending else "refunded"
    if returned:
        return "partly_returned"
    if order_status == "dispatched" and all(line.status == "delivered" for line in live):
        return "delivered"
    return order_status
