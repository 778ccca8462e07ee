"""Reactions of the orders app to customers' events (wired in comptoir.wiring). Idempotent."""

from comptoir.core.outbox import Event

from .services import personal_data


def move_orders_of_merged_profile(event: Event) -> None:
    personal_data.move_orders_to_survivor(
        survivor_id=event.payload["survivor_id"], merged_id=event.payload["merged_id"]
    )


def forget_orders_of_erased_customer(event: Event) -> None:
    personal_data.forget_orders_of(customer_id=event.payload["customer_id"])
