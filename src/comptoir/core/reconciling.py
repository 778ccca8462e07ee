"""What `comptoir reconcile` reports: one thing that does not add up, and where.

Each app that keeps money, stock or state writes its own check as a selector returning a list
of `Discrepancy` (orders: payments and lines; inventory: the stock ledger; returns: received
and refunded units). `comptoir.reconciliation` runs them all; an empty report means every
order's money, stock and state add up.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Discrepancy:
    check: str  # which rule, e.g. "captured-within-authorised"
    subject: str  # what it is about, e.g. "order:CO-7K2M9QXA" or "level:RETRO-CLOCK@LYON"
    detail: str  # what was found, with the figures, for a person to act on

    def __str__(self) -> str:
        return f"{self.check}: {self.subject}: {self.detail}"
