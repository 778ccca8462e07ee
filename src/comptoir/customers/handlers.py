"""Reactions of the customers app to events (wired in comptoir.wiring)."""

from django.utils.translation import gettext_noop

from comptoir.core.outbox import Event

from . import events, selectors, services


def put_registration_on_timeline(event: Event) -> None:
    services.add_to_timeline(
        customer_id=event.payload["customer_id"],
        event_id=event.event_id,
        kind=event.type,
        channel=event.payload.get("channel", "web"),
        summary=ACCOUNT_CREATED,
        occurred_at=event.occurred_at,
    )


def _summary(event: Event) -> str:
    payload = event.payload
    if event.type == events.CONSENT_CHANGED:
        verb = "given" if payload["granted"] else "withdrawn"
        return f"Consent {verb}: {payload['purpose'].replace('_', ' ')} ({payload['method']})"
    if event.type == events.CUSTOMER_MERGED:
        return f"Profile {payload['merged_id']} merged into this one: {payload['reason']}"
    if event.type == events.CHECKED_IN:
        return f"Checked in at {payload['location_code']}"
    if event.type == events.WISHLIST_ITEM_ADDED:
        return f"Added {payload['sku']} to the wishlist"
    if event.type == events.WISHLIST_ITEM_REMOVED:
        return f"Removed {payload['sku']} from the wishlist"
    if event.type == events.IDENTITY_ADDED:
        state = "verified" if payload["verified"] else "unverified"
        return f"New {payload['kind'].replace('_', ' ')} ({state})"
    # Another app's event (carts, orders…): its type in words, with the SKU when there is one.
    words = event.type.replace(".", " ").replace("_", " ").capitalize()
    return f"{words}: {payload['sku']}" if "sku" in payload else words


# What of an event's payload the timeline keeps, for pages to say it in the reader's language
# (comptoir.web.associate.timeline). Never a pickup code, a contact or an address.
TIMELINE_DETAILS = frozenset(
    {
        "sku",
        "quantity",
        "purpose",
        "granted",
        "method",
        "location_code",
        "kind",
        "verified",
        "order_reference",
        "reason",
        "amount",
        "currency",
        "merged_id",
    }
)


def timeline_details(payload: dict[str, object]) -> dict[str, object]:
    return {key: value for key, value in payload.items() if key in TIMELINE_DETAILS}


def put_event_on_timeline(event: Event) -> None:
    """Any customer event with a `customer_id`, in its channel (store for staff-made ones)."""
    services.add_to_timeline(
        customer_id=event.payload["customer_id"],
        event_id=event.event_id,
        kind=event.type,
        channel=event.payload.get("channel") or "store",
        summary=_summary(event)[:200],
        occurred_at=event.occurred_at,
        details=timeline_details(event.payload),
    )


# Events of later apps (orders, returns) by type: their words on the timeline. The customers
# app cannot import those apps, so the types are the event contract's names (docs/api.md).
# Stored in English (the record); each is a catalogue entry, so pages say it in the reader's
# language (comptoir.web.templatetags.web_extras.timeline_words).
PURCHASE_SUMMARIES = {
    "order.placed": gettext_noop("Order {order_reference} placed"),
    "order.ready_for_pickup": gettext_noop("Order {order_reference} ready for pickup"),
    "order.collected": gettext_noop("Order {order_reference} collected"),
    "order.sold_at_till": gettext_noop("Bought in store: {total} {currency} ({order_reference})"),
    "order.cancelled": gettext_noop("Order {order_reference} cancelled: {reason}"),
    "return.received": gettext_noop("Return of order {order_reference} received"),
    "refund.issued": gettext_noop("Refund of {amount} {currency} for order {order_reference}"),
}
ACCOUNT_CREATED = gettext_noop("Account created")


def _purchase_channel(event: Event) -> str:
    payload = event.payload
    if payload.get("channel"):
        return str(payload["channel"])
    if event.type == "return.received" and payload.get("method") == "post":
        return "web"  # a return by post is arranged online
    return "store"  # collected, set aside, returned or refunded at a store's counter


def put_purchase_on_timeline(event: Event) -> None:
    """An order, a return or a refund of a known customer (a guest's order has none). Nothing
    lands on an erased profile: erasure emptied its timeline for good."""
    customer_id = event.payload.get("customer_id")
    if customer_id is None or not selectors.customer_may_get_timeline(customer_id=customer_id):
        return
    services.add_to_timeline(
        customer_id=customer_id,
        event_id=event.event_id,
        kind=event.type,
        channel=_purchase_channel(event),
        summary=PURCHASE_SUMMARIES[event.type].format_map(_Missing(event.payload))[:200],
        occurred_at=event.occurred_at,
        details=timeline_details(event.payload),
    )


class _Missing(dict):
    """A summary key an older event lacks reads as "?", never a KeyError in the worker."""

    def __missing__(self, key: str) -> str:
        return "?"


def infer_taste_from_wishlist(event: Event) -> None:
    services.infer_from_wished_sku(
        customer_id=event.payload["customer_id"], sku=event.payload["sku"]
    )
