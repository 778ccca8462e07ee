"""The composition root: which events go to which handlers, and where webhooks come in.

This is the one module that may import every app. Handlers take the event (ids in its
payload) and must be idempotent: delivery is at least once.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from django.db import transaction

from comptoir.carts import events as cart_events
from comptoir.carts import handlers as cart_handlers
from comptoir.catalog import events as catalog_events
from comptoir.catalog import handlers as catalog_handlers
from comptoir.core.routes import Event, Outcome, Send
from comptoir.customers import events as customer_events
from comptoir.customers import handlers as customer_handlers
from comptoir.fulfilment import events as fulfilment_events
from comptoir.fulfilment import handlers as fulfilment_handlers
from comptoir.integrations.delivery import webhook_sends
from comptoir.integrations.events import publish_event_types
from comptoir.integrations.selectors import TARGET_PREFIX as WEBHOOK_PREFIX
from comptoir.integrations.selectors import subscription_targets_for
from comptoir.inventory import events as inventory_events
from comptoir.inventory import handlers as inventory_handlers
from comptoir.locations import events as location_events
from comptoir.notifications import events as notification_events
from comptoir.notifications import handlers as notification_handlers
from comptoir.orders import events as order_events
from comptoir.orders import handlers as order_handlers
from comptoir.orders.services.lines import record_parcel_arrival
from comptoir.returns import events as return_events
from comptoir.service import events as service_events
from comptoir.service import handlers as service_handlers
from comptoir.shipping import events as shipping_events
from comptoir.shipping import handlers as shipping_handlers
from comptoir.shipping.selectors import shipment_by_id

Handler = Callable[[Event], None]


def move_lines_of_arrived_parcel(event: Event) -> None:
    """The carrier delivered a parcel of an order: its lines, dispatched from the parcel's
    origin, are `delivered` (home) or `at_store` (the pickup store). A parcel left at a relay
    point for a home delivery has not reached the customer yet. Orders cannot import
    shipping, so the parcel's origin is read here."""
    payload = event.payload
    at_store = payload["destination_kind"] == "store"
    if payload.get("order_id") is None or (
        event.type == shipping_events.SHIPMENT_AVAILABLE_FOR_PICKUP and not at_store
    ):
        return
    shipment = shipment_by_id(shipment_id=payload["shipment_id"])
    arrived_at = payload.get("status_at")
    record_parcel_arrival(
        order_id=payload["order_id"],
        from_location_id=shipment.origin_id,
        at_store=at_store,
        now=datetime.fromisoformat(arrived_at) if arrived_at else event.occurred_at,
    )


HANDLERS: dict[str, list[Handler]] = {
    customer_events.CUSTOMER_REGISTERED: [customer_handlers.put_registration_on_timeline],
    customer_events.CONSENT_CHANGED: [customer_handlers.put_event_on_timeline],
    customer_events.CUSTOMER_MERGED: [
        customer_handlers.put_event_on_timeline,
        # The hook later apps join: orders move the merged profile's orders here too.
        cart_handlers.move_carts_of_merged_profile,
        order_handlers.move_orders_of_merged_profile,
        shipping_handlers.move_shipments_of_merged_profile,
        notification_handlers.move_messages_of_merged_profile,
        service_handlers.move_conversations_of_merged_profile,
    ],
    customer_events.CUSTOMER_ERASED: [
        cart_handlers.forget_carts_of_erased_customer,
        order_handlers.forget_orders_of_erased_customer,
        shipping_handlers.forget_shipments_of_erased_customer,
        service_handlers.forget_conversations_of_erased_customer,
    ],
    cart_events.CART_LINE_ADDED: [customer_handlers.put_event_on_timeline],
    cart_events.CART_MERGED: [customer_handlers.put_event_on_timeline],
    customer_events.CHECKED_IN: [customer_handlers.put_event_on_timeline],
    customer_events.WISHLIST_ITEM_ADDED: [
        customer_handlers.put_event_on_timeline,
        customer_handlers.infer_taste_from_wishlist,
    ],
    customer_events.WISHLIST_ITEM_REMOVED: [customer_handlers.put_event_on_timeline],
    customer_events.IDENTITY_ADDED: [customer_handlers.put_event_on_timeline],
    catalog_events.IMPORT_REQUESTED: [catalog_handlers.run_requested_import],
    inventory_events.SNAPSHOT_REQUESTED: [inventory_handlers.load_requested_snapshot],
    order_events.ORDER_PLACED: [
        fulfilment_handlers.give_the_store_its_task,
        customer_handlers.put_purchase_on_timeline,
    ],
    order_events.ORDER_CANCELLED: [
        fulfilment_handlers.take_the_task_off_the_list,
        customer_handlers.put_purchase_on_timeline,
    ],
    order_events.ORDER_READY_FOR_PICKUP: [customer_handlers.put_purchase_on_timeline],
    order_events.ORDER_COLLECTED: [customer_handlers.put_purchase_on_timeline],
    order_events.ORDER_SOLD_AT_TILL: [customer_handlers.put_purchase_on_timeline],
    order_events.ORDER_SOLD_OFFLINE_SHORT: [fulfilment_handlers.ask_the_store_to_check_its_shelf],
    return_events.RETURN_RECEIVED: [customer_handlers.put_purchase_on_timeline],
    return_events.REFUND_ISSUED: [customer_handlers.put_purchase_on_timeline],
    shipping_events.FULFILMENT_DISPATCHED: [shipping_handlers.ship_dispatched_fulfilment],
    shipping_events.SHIPMENT_DELIVERED: [move_lines_of_arrived_parcel],
    shipping_events.SHIPMENT_AVAILABLE_FOR_PICKUP: [move_lines_of_arrived_parcel],
    # The agent's answer goes out by email after its commit (outside any transaction).
    service_events.REPLY_WRITTEN: [service_handlers.send_written_reply],
}
# Customers hear of their order, parcel and refund: each event once per channel.
for _event_type in notification_events.MESSAGE_KIND_FOR:
    HANDLERS.setdefault(_event_type, []).extend(
        [notification_handlers.send_email_for, notification_handlers.send_sms_for]
    )

EVENT_MODULES = (
    cart_events,
    catalog_events,
    customer_events,
    fulfilment_events,
    inventory_events,
    location_events,
    notification_events,
    order_events,
    return_events,
    service_events,
    shipping_events,
)


def event_types_in(module: object) -> set[str]:
    """The event type constants of an app's events module (UPPER_CASE names of strings)."""
    return {
        value for name, value in vars(module).items() if name.isupper() and isinstance(value, str)
    }


# Webhook subscriptions may ask for these, and only these (or "*").
publish_event_types(set().union(*(event_types_in(module) for module in EVENT_MODULES)))

HANDLER_PREFIX = "handler:"


def _handler_name(handler: Handler) -> str:
    return f"{HANDLER_PREFIX}{handler.__module__}.{handler.__qualname__}"


_HANDLERS_BY_NAME = {
    _handler_name(handler): handler for handlers in HANDLERS.values() for handler in handlers
}


class ProjectRoutes:
    """Implements `comptoir.core.routes.Routes` for this project: handlers run in the worker,
    webhooks are sent by the integrations app."""

    def targets_for(self, events: list[tuple[str, datetime]]) -> list[list[str]]:
        webhooks = subscription_targets_for(events)
        return [
            [_handler_name(h) for h in HANDLERS.get(event_type, [])] + its_webhooks
            for (event_type, _), its_webhooks in zip(events, webhooks, strict=True)
        ]

    def deliver(self, target: str, event: Event) -> Outcome:
        handler = _HANDLERS_BY_NAME.get(target)
        if handler is None:
            return Outcome(False, error=f"no handler named {target}")
        if getattr(handler, "outside_transaction", False):
            # It calls a mail server or a gateway between transactions of its own: one
            # around it would hold the database (on SQLite, the write lock) meanwhile.
            handler(event)
        else:
            with transaction.atomic():
                handler(event)
        return Outcome(True)

    def remote_sends(self, work: list[tuple[str, Event]]) -> dict[int, Send]:
        webhooks = {
            index: (int(target.removeprefix(WEBHOOK_PREFIX)), event)
            for index, (target, event) in enumerate(work)
            if target.startswith(WEBHOOK_PREFIX)
        }
        return webhook_sends(webhooks) if webhooks else {}


ROUTES = ProjectRoutes()
