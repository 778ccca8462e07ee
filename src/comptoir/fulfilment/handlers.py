"""Reactions to order events (wired in comptoir.wiring). Idempotent: delivery is at least once."""

from comptoir.core.outbox import Event

from . import services


def give_the_store_its_task(event: Event) -> None:
    services.create_tasks_for_order(order_id=event.payload["order_id"])


def take_the_task_off_the_list(event: Event) -> None:
    services.close_tasks_of_cancelled_order(order_id=event.payload["order_id"])


def ask_the_store_to_check_its_shelf(event: Event) -> None:
    services.ask_for_a_shelf_check(
        order_id=event.payload["order_id"], location_id=event.payload["location_id"]
    )
