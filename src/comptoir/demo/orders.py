"""The demo's orders: a few months of them in every channel and fulfilment mode.

Placed, set aside, collected, shipped, delivered and returned through the same services the
API uses, with the fake PSP and the carriers' scans. Jean has orders ready for pickup today at his favourite store, and one he
collected there and brought back to another store. Loading twice adds nothing.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from decimal import Decimal

from comptoir.core import clock
from comptoir.core.errors import DomainError
from comptoir.core.models import OutboxEvent
from comptoir.core.outbox import Event
from comptoir.customers.models import Customer
from comptoir.customers.services import choose_favourite_store
from comptoir.fulfilment import services as fulfilment
from comptoir.fulfilment.models import StoreTask
from comptoir.inventory.models import StockLevel
from comptoir.locations.models import Location
from comptoir.orders.domain import FulfilmentMode, OrderStatus
from comptoir.orders.models import Order
from comptoir.orders.payments.fake import TERMINAL_APPROVED
from comptoir.orders.services.lifecycle import cancel_order
from comptoir.orders.services.placing import (
    LineRequest,
    OrderRequest,
    PaymentRequest,
    place_order,
)
from comptoir.orders.services.till import BasketLine, price_basket, sell_basket
from comptoir.returns.services import ReturnLineRequest, receive_return
from comptoir.shipping.domain.tracking import TrackingStatus, TrackingUpdate
from comptoir.shipping.events import FULFILMENT_DISPATCHED
from comptoir.shipping.handlers import ship_dispatched_fulfilment
from comptoir.shipping.models import Shipment
from comptoir.shipping.services.tracking import ANNOUNCED, take_in
from comptoir.wiring import move_lines_of_arrived_parcel

DEMO_ACTOR = "demo"
JEANS_STORE = "lyon-part-dieu"  # unless Jean already chose one
CARD = "tok_visa_demo"
# (channel, mode, payment method): every channel, every fulfilment mode.
KINDS = [
    ("web", "click_and_collect", "card"),
    ("app", "reserve_and_collect", "at_pickup"),
    ("web", "home_delivery", "card"),
    ("app", "ship_from_store", "card"),
    ("web", "ship_to_store", "card"),
    ("store", "endless_aisle_home", "card"),
    ("call_centre", "home_delivery", "payment_link"),
    ("marketplace", "home_delivery", "card"),
]


def _address(customer: Customer) -> dict:
    return {
        "name": f"{customer.first_name} {customer.last_name}",
        "line1": "12 rue de la République",
        "postcode": "69002",
        "city": "Lyon",
        "country": "FR",
    }


def _skus_at(location: Location, rng: random.Random, count: int) -> list[str]:
    skus = list(
        StockLevel.objects.filter(location=location, on_hand__gte=3, held=0)
        .order_by("variant_id")
        .values_list("variant__sku", flat=True)[:200]
    )
    return rng.sample(skus, min(count, len(skus)))


def _place(
    customer: Customer,
    kind: tuple[str, str, str],
    *,
    stores: list[Location],
    warehouse: Location,
    rng: random.Random,
    at: datetime,
    pickup: Location | None = None,
) -> Order | None:
    channel, mode, method = kind
    pickup = pickup or rng.choice(stores)
    source = {
        FulfilmentMode.HOME_DELIVERY: warehouse,
        FulfilmentMode.SHIP_TO_STORE: warehouse,
        FulfilmentMode.ENDLESS_AISLE_HOME: warehouse,
        FulfilmentMode.SHIP_FROM_STORE: rng.choice(stores),
    }.get(FulfilmentMode(mode), pickup)
    skus = _skus_at(source, rng, rng.randint(1, 3))
    if not skus:
        return None
    placed = place_order(
        OrderRequest(
            channel=channel,
            fulfilment_mode=mode,
            lines=[LineRequest(sku, 1, source.pk) for sku in skus],
            payment=PaymentRequest(method, CARD if method == "card" else ""),
            customer_id=customer.pk,
            pickup_location_id=pickup.pk
            if mode in {"click_and_collect", "reserve_and_collect", "ship_to_store"}
            else None,
            ordered_at_location_id=pickup.pk if channel == "store" else None,
            delivery_address=_address(customer),
            created_by=DEMO_ACTOR,
        ),
        now=at,
    )
    fulfilment.create_tasks_for_order(order_id=placed.order.pk, now=at)  # as the worker would
    return placed.order


def _parcel_made(order: Order, *, from_location_id: int) -> Shipment | None:
    """The shipment shipping makes from `fulfilment.dispatched`, as the worker would (run
    later, it finds it made)."""
    dispatched = (
        OutboxEvent.objects.filter(
            type=FULFILMENT_DISPATCHED,
            aggregate=f"order:{order.pk}",
            payload__from_location_id=from_location_id,
        )
        .order_by("-id")
        .first()
    )
    if dispatched is None:
        return None
    ship_dispatched_fulfilment(Event.from_row(dispatched))
    return Shipment.objects.select_related("carrier").get(dispatch_event_id=dispatched.event_id)


def _scan(shipment: Shipment, update: TrackingUpdate) -> None:
    """The carrier's scan taken in, and the order's lines following an arrival as wired
    (`shipment.delivered` / `available_for_pickup`)."""
    take_in(carrier=shipment.carrier, updates=[update], now=update.occurred_at)
    if update.status not in {TrackingStatus.DELIVERED, TrackingStatus.AVAILABLE_FOR_PICKUP}:
        return
    arrived = (
        OutboxEvent.objects.filter(
            aggregate=f"shipment:{shipment.pk}", type=ANNOUNCED[update.status]
        )
        .order_by("-id")
        .first()
    )
    if arrived is not None:
        move_lines_of_arrived_parcel(Event.from_row(arrived))


def _parcel_arrives(order: Order, *, from_location_id: int, at: datetime) -> None:
    """The carrier scans the parcel delivered: at the customer's home, or at the pickup
    store (the store is the addressee: once it has the parcel, the carrier's journey is
    over, and the order's lines are at the store)."""
    shipment = _parcel_made(order, from_location_id=from_location_id)
    if shipment is None:
        return
    number = shipment.tracking_number
    status = TrackingStatus.DELIVERED
    _scan(shipment, TrackingUpdate(f"{number}-{status.value}", number, status, at))


def _carry_out(order: Order, *, at: datetime, collect: bool) -> None:
    """Move a past order on as its store would have: set aside and collected, or shipped."""
    if order.status == OrderStatus.AWAITING_PAYMENT:
        return  # a payment link never opened: the worker's sweep cancels it
    ready_at = at + timedelta(hours=1)
    for task in StoreTask.objects.filter(order=order).order_by("-kind", "pk"):  # ship first
        if task.kind == StoreTask.Kind.SHIP:
            fulfilment.dispatch(task_id=task.pk, actor=DEMO_ACTOR, now=at + timedelta(hours=5))
            arrived_at = at + timedelta(days=1)
            _parcel_arrives(order, from_location_id=task.location_id, at=arrived_at)
            ready_at = arrived_at + timedelta(hours=1)  # a parcel for the store: once there
        else:
            fulfilment.mark_ready(task_id=task.pk, now=ready_at)
            if collect:
                order.refresh_from_db()
                fulfilment.hand_over(
                    task_id=task.pk,
                    pickup_code=order.pickup_code,
                    # Reserve & collect is paid at the till (an order paid online ignores it).
                    tender="cash" if order.pk % 2 else "store_card",
                    actor=DEMO_ACTOR,
                    now=ready_at + timedelta(days=1),
                )


def load_orders(*, seed: int, months: int = 3, per_kind: int = 4) -> int:
    """Orders for the demo's shoppers. Returns how many it placed (0 if already there)."""
    if Order.objects.filter(created_by=DEMO_ACTOR).exists():
        return 0
    rng = random.Random(seed)
    stores = list(Location.objects.filter(kind="store", is_active=True).order_by("pk"))
    warehouse = Location.objects.filter(kind="warehouse").order_by("pk").first()
    customers = list(Customer.objects.order_by("pk")[:50])
    jean = Customer.objects.filter(email="jean.martin@example.fr").first()
    if not stores or warehouse is None or not customers or jean is None:
        return 0
    if jean.favourite_location_id is None and any(s.code == JEANS_STORE for s in stores):
        jean = choose_favourite_store(customer_id=jean.pk, location_code=JEANS_STORE)
    favourite = next((s for s in stores if s.pk == jean.favourite_location_id), stores[0])
    other_store = next(s for s in stores + [warehouse] if s.pk != favourite.pk)
    now = clock.now()
    placed = 0
    for kind in KINDS:
        for _ in range(per_kind):
            at = now - timedelta(days=rng.randint(3, 30 * months), hours=rng.randint(0, 10))
            order = _place(
                rng.choice(customers), kind, stores=stores, warehouse=warehouse, rng=rng, at=at
            )
            if order is None:
                continue
            placed += 1
            if rng.random() < 0.1:
                cancel_order(
                    order_id=order.pk, reason="changed my mind", now=at + timedelta(hours=1)
                )
            else:
                _carry_out(order, at=at, collect=True)
    placed += _jeans_orders(
        jean, favourite, other_store, stores=stores, warehouse=warehouse, rng=rng, now=now
    )
    return placed + _till_sales(stores, customers, rng=rng, now=now, per_store=per_kind)


def _till_sales(
    stores: list[Location],
    customers: list[Customer],
    *,
    rng: random.Random,
    now: datetime,
    per_store: int,
) -> int:
    """Sales at each store's till, the last of them this morning (the end-of-day report has a day to
    add up): by card on the terminal, in cash with change, or both."""
    sold = 0
    for store in stores:
        for number in range(per_store):
            at = now - (timedelta(hours=4) if number == 0 else timedelta(days=rng.randint(1, 60)))
            skus = _skus_at(store, rng, rng.randint(1, 2))
            if not skus:
                continue
            lines = [BasketLine(sku, 1) for sku in skus]
            try:
                total = price_basket(store_id=store.pk, lines=lines).total
                card = [total, Decimal("0"), (total / 2).quantize(Decimal("0.01"))][number % 3]
                sell_basket(
                    store_id=store.pk,
                    ticket=f"T-DEMO-{store.pk}-{number}",
                    lines=lines,
                    card=card,
                    cash_given=(total - card + Decimal("5")).quantize(Decimal("1")),
                    card_token=TERMINAL_APPROVED,
                    customer_id=rng.choice(customers).pk if rng.random() < 0.5 else None,
                    actor=DEMO_ACTOR,
                    now=at,
                )
            except DomainError:
                continue  # no price here, or sold out meanwhile: a till would say so
            sold += 1
    return sold


def _jeans_orders(
    jean: Customer,
    favourite: Location,
    other_store: Location,
    *,
    stores: list[Location],
    warehouse: Location,
    rng: random.Random,
    now: datetime,
) -> int:
    """Two orders ready for pickup today at his store; one collected there six weeks ago and
    returned in another store since; a parcel on its way home that the carrier delayed."""
    placed = 0
    for kind in (KINDS[0], KINDS[1]):
        order = _place(
            jean,
            kind,
            stores=stores,
            warehouse=warehouse,
            rng=rng,
            at=now - timedelta(hours=3),
            pickup=favourite,
        )
        if order is not None:
            _carry_out(order, at=now - timedelta(hours=3), collect=False)
            placed += 1
    at = now - timedelta(days=40)
    order = _place(
        jean, KINDS[0], stores=stores, warehouse=warehouse, rng=rng, at=at, pickup=favourite
    )
    if order is not None:
        _carry_out(order, at=at, collect=True)
        receive_return(
            order_id=order.pk,
            location_id=other_store.pk,
            method="store",
            lines=[ReturnLineRequest(1, 1, "too_small", sellable=True)],
            actor=DEMO_ACTOR,
            now=at + timedelta(days=5),
        )
        placed += 1
    placed += _delayed_parcel(jean, stores=stores, warehouse=warehouse, rng=rng, now=now)
    return placed


def _delayed_parcel(
    jean: Customer,
    *,
    stores: list[Location],
    warehouse: Location,
    rng: random.Random,
    now: datetime,
) -> int:
    """Ordered two days ago for home delivery and shipped that day; the carrier's hub closed
    this morning, and its scan puts the delivery two days after the promise, after today."""
    at = now - timedelta(days=2)
    order = _place(jean, KINDS[2], stores=stores, warehouse=warehouse, rng=rng, at=at)
    if order is None:
        return 0
    task = StoreTask.objects.filter(order=order, kind=StoreTask.Kind.SHIP).first()
    if task is None:
        return 1
    fulfilment.dispatch(task_id=task.pk, actor=DEMO_ACTOR, now=at + timedelta(hours=5))
    shipment = _parcel_made(order, from_location_id=task.location_id)
    if shipment is None:
        return 1
    number = shipment.tracking_number
    later = max(shipment.promised_by, now.date()) + timedelta(days=2)
    for status, scanned_at, estimated, reason in (
        (TrackingStatus.IN_TRANSIT, now - timedelta(days=1), None, ""),
        (TrackingStatus.EXCEPTION, now - timedelta(hours=2), later, "hub closed"),
    ):
        _scan(
            shipment,
            TrackingUpdate(
                f"{number}-{status.value}",
                number,
                status,
                scanned_at,
                place="Hub de Corbas",
                estimated_delivery=estimated,
                reason=reason,
            ),
        )
    return 1
