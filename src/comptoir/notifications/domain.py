"""Which message an event makes and through which channels (dates and money: core.words)."""

from __future__ import annotations

from typing import Any

EMAIL = "email"
SMS = "sms"
CONSENT_PURPOSE = {EMAIL: "order_updates_email", SMS: "order_updates_sms"}


def is_worth_sending(kind: str, payload: dict[str, Any]) -> str:
    """An empty string if the message should go, else why not."""
    if payload.get("customer_id") is None:
        return "no customer"
    if kind == "delivered" and payload.get("destination_kind") == "store":
        return "delivered to a store: 'ready for pickup' tells the customer"
    return ""
