"""Reactions of the carts app to customers' events (wired in comptoir.wiring)."""

from comptoir.core.outbox import Event

from . import services


def move_carts_of_merged_profile(event: Event) -> None:
    services.move_carts_to_survivor(
        survivor_id=event.payload["survivor_id"], merged_id=event.payload["merged_id"]
    )


def forget_carts_of_erased_customer(event: Event) -> None:
    services.forget_carts_of(customer_id=event.payload["customer_id"])
