"""Reads about webhook subscriptions and their delivery log, and the feeds sent to Google."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import OuterRef, QuerySet, Subquery

from comptoir.catalog.models import Price
from comptoir.core.models import Delivery
from comptoir.inventory.domain import StockFigures
from comptoir.inventory.models import StockLevel
from comptoir.inventory.selectors import safety_by_location
from comptoir.locations.domain import WeeklyRange
from comptoir.locations.errors import LocationNotFound
from comptoir.locations.selectors import location_list

from .domain import subscribes_to
from .errors import WebhookDeliveryNotFound, WebhookSubscriptionNotFound
from .feeds import (
    LocalInventoryItem,
    PickupTerms,
    pickup_terms_for,
    price_at_store,
    same_day_window,
)
from .models import WebhookSubscription

TARGET_PREFIX = "webhook:"


def subscription_targets_for(events: list[tuple[str, datetime]]) -> list[list[str]]:
    """For each (event type, occurred at), the active subscriptions to that type that existed
    when it occurred: a new subscription gets the events from its creation on, not the history
    before it. One query for the whole list."""
    if not events:
        return []
    active = list(
        WebhookSubscription.objects.filter(is_active=True)
        .order_by("pk")
        .values_list("pk", "event_types", "created_at")
    )
    return [
        [
            f"{TARGET_PREFIX}{pk}"
            for pk, types, created_at in active
            if created_at <= occurred_at and subscribes_to(types, event_type)
        ]
        for event_type, occurred_at in events
    ]


def subscription_by_id(*, subscription_id: int) -> WebhookSubscription:
    try:
        return WebhookSubscription.objects.get(pk=subscription_id)
    except WebhookSubscription.DoesNotExist:
        raise WebhookSubscriptionNotFound("No such webhook subscription.") from None


def subscription_for_update(*, subscription_id: int) -> WebhookSubscription:
    """The subscription, locked until the transaction ends (inside transaction.atomic)."""
    try:
        return WebhookSubscription.objects.select_for_update().get(pk=subscription_id)
    except WebhookSubscription.DoesNotExist:
        raise WebhookSubscriptionNotFound("No such webhook subscription.") from None


def target_of(subscription_id: int) -> str:
    return f"{TARGET_PREFIX}{subscription_id}"


def subscription_id_of(target: str) -> int:
    """The subscription a delivery target names; an in-process handler's is no webhook's."""
    if not target.startswith(TARGET_PREFIX):
        raise WebhookDeliveryNotFound("This delivery goes to no webhook subscription.")
    return int(target.removeprefix(TARGET_PREFIX))


def webhook_delivery(*, delivery_id: int, subscription_id: int | None = None) -> Delivery:
    """A delivery to a webhook subscription (to this one if given). A delivery to an in-process
    handler is not a webhook's: it is not found here, whoever asks."""
    deliveries = Delivery.objects.filter(pk=delivery_id, target__startswith=TARGET_PREFIX)
    if subscription_id is not None:
        deliveries = deliveries.filter(target=target_of(subscription_id))
    delivery = deliveries.first()
    if delivery is None:
        raise WebhookDeliveryNotFound("No such delivery for this webhook subscription.")
    return delivery


def subscription_list() -> QuerySet[WebhookSubscription]:
    return WebhookSubscription.objects.order_by("pk")


def deliveries_of(*, subscription_id: int) -> QuerySet[Delivery]:
    return (
        Delivery.objects.filter(target=target_of(subscription_id))
        .select_related("event")
        .prefetch_related("log")
    )


# --- the Google local inventory feed -------------------------------------------------------

FEED_CHANNEL = "web"  # the quantities are what the web shop may promise
FEED_CHUNK_SIZE = 2000


@dataclass(frozen=True)
class FeedStore:
    location_id: int
    code: str
    safety: int  # units kept back from the web channel at this store
    pickup: PickupTerms


def _pickup_terms(location: Any) -> PickupTerms:
    window = same_day_window(
        WeeklyRange(hours.weekday, hours.opens, hours.closes)
        for hours in location.opening_hours.all()
    )
    leads = {offer.service: offer.pickup_lead_minutes for offer in location.services.all()}
    return pickup_terms_for(leads, same_day_window_minutes=window)


def local_inventory_stores(*, store: str | None = None) -> list[FeedStore]:
    """The active stores the feed covers (never a warehouse), in id order, each with the web
    channel's safety stock and its pickup terms; only the store with the code `store` if given.

    LocationNotFound (404) when no active store has that code. Four queries, however many
    stores there are.
    """
    locations = location_list(kind="store")
    if store is not None:
        locations = locations.filter(code=store)
    found = list(locations.order_by("pk").prefetch_related("services", "opening_hours"))
    if store is not None and not found:
        raise LocationNotFound(f"No active store has the code {store!r}.")
    safety = safety_by_location(location_ids=[x.pk for x in found], channel=FEED_CHANNEL)
    return [
        FeedStore(location.pk, location.code, safety.get(location.pk, 0), _pickup_terms(location))
        for location in found
    ]


def _levels_with_prices(*, location_ids: list[int]) -> QuerySet[Any]:
    """(location id, SKU, on hand, held, store price, base price) for every level at these
    locations, in (location, variant) order: the order of the unique index on levels.

    An exception to the house rule that another app's tables are read through its selectors:
    neither inventory nor catalog has a read that streams every level with its store price,
    and one query through a server-side cursor is what keeps a feed of 500 stores × 100,000
    SKUs flat in queries and memory. This is the only function here that touches their
    models, so that it can move to inventory.selectors without changing anything else.
    """
    prices = Price.objects.filter(variant_id=OuterRef("variant_id"), channel="")
    store_price = prices.filter(location_id=OuterRef("location_id"))
    base_price = prices.filter(location__isnull=True)
    return (
        StockLevel.objects.filter(location_id__in=location_ids)
        .order_by("location_id", "variant_id")
        .annotate(
            store_amount=Subquery(store_price.values("amount")[:1]),
            store_currency=Subquery(store_price.values("currency")[:1]),
            base_amount=Subquery(base_price.values("amount")[:1]),
            base_currency=Subquery(base_price.values("currency")[:1]),
        )
        .values_list(
            "location_id",
            "variant__sku",
            "on_hand",
            "held",
            "store_amount",
            "store_currency",
            "base_amount",
            "base_currency",
        )
    )


def local_inventory_items(
    *, stores: list[FeedStore], chunk_size: int = FEED_CHUNK_SIZE
) -> Iterator[LocalInventoryItem]:
    """Every SKU with a stock level at these stores, in (store, variant) order: what the web
    channel may promise there (on hand − held − safety stock) and the store's price.

    One query, read through a server-side cursor `chunk_size` rows at a time: the number of
    queries and the memory used stay the same whatever the number of stores and SKUs. Rows are
    read as the caller iterates, so a streamed response starts before the last row is read.
    """
    by_id = {store.location_id: store for store in stores}
    if not by_id:
        return
    levels = _levels_with_prices(location_ids=list(by_id)).iterator(chunk_size=chunk_size)
    for location_id, sku, on_hand, held, *prices in levels:
        store = by_id[location_id]
        store_amount, store_currency, base_amount, base_currency = prices
        yield LocalInventoryItem(
            store_code=store.code,
            sku=sku,
            quantity=StockFigures(on_hand, held, store.safety).available,
            price=price_at_store(
                store_price=None if store_amount is None else (store_amount, store_currency),
                base_price=None if base_amount is None else (base_amount, base_currency),
            ),
            pickup=store.pickup,
        )
