"""`comptoir reconcile`: every check of every app that keeps money, stock or state, run at once.

Each check is a selector of its app returning the `Discrepancy`s it finds; an empty report
means every level adds up to its ledger and holds, and every order's lines, holds and money
agree with its state. The attack tests (tests/attack/) run it after every step.
"""

from __future__ import annotations

from collections.abc import Callable

from comptoir.core.reconciling import Discrepancy
from comptoir.fulfilment.selectors import capacity_discrepancies
from comptoir.inventory.selectors import stock_discrepancies
from comptoir.notifications.selectors import messages_in_doubt
from comptoir.orders.selectors import (
    money_discrepancies,
    order_state_discrepancies,
    terminal_discrepancies,
)
from comptoir.returns.selectors import return_discrepancies

Check = Callable[[], list[Discrepancy]]

CHECKS: list[Check] = [
    stock_discrepancies,
    order_state_discrepancies,
    money_discrepancies,
    terminal_discrepancies,
    return_discrepancies,
    messages_in_doubt,
    capacity_discrepancies,
]


def reconcile() -> list[Discrepancy]:
    """What does not add up, check after check, in a stable order."""
    return [discrepancy for check in CHECKS for discrepancy in check()]
