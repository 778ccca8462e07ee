"""Selling while the store's network is down: the sales the till queued, recorded once.

The till page keeps a price book of its store (each price sealed by the server when it was
read, so a price cannot be typed in on the phone), sells from it while offline, for cash only,
and queues each sale under the ticket it drew. When the network is back it sends them here
(ADR 0043). A queued sale is a fact, not a request: the customer paid and left with the goods.
So it is recorded as it happened, at the price the till showed, on the day it was sold; the
units are taken from what is free on the shelf now, and what was not free (sold online or
held for a customer meanwhile) is never forced below zero or taken from a hold: the sale says
so (`order.sold_offline_short`) and the store gets a task to check its shelf. The ticket is the
order's reference: the same queued sale sent twice, from two tabs at once or after a lost
answer, records one order and one ledger entry.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.db import IntegrityError, transaction

from comptoir.catalog.selectors import (
    product_names_of_skus,
    variant_ids_for_skus,
)
from comptoir.core import clock
from comptoir.core.outbox import record_event
from comptoir.core.retrying import transaction_retried
from comptoir.inventory.errors import OutOfStock
from comptoir.inventory.selectors import free_units, units_sold_at_till
from comptoir.inventory.services.till import TillLine, sell_at_till

from .. import events
from ..domain import (
    FulfilmentMode,
    LineStatus,
    OrderStatus,
    PaymentKind,
    Tender,
    TenderSplit,
    split_tenders,
)
from ..domain import TendersDoNotCover as TendersShort
from ..errors import InvalidOrder, TendersDoNotCover
from ..models import Order, OrderLine, Payment
from .payments import request_operation
from .till_price_book import CLOCK_SKEW, queued_sale_refused, unseal

CHANNEL = "store"
# A queued sale older than this is not sent by a phone any more but typed by someone.
QUEUE_KEPT_FOR = timedelta(days=30)


@dataclass(frozen=True)
class OfflineLine:
    seal: str  # the price book's entry the till sold from
    quantity: int


@dataclass(frozen=True)
class OfflineSale:
    order: Order
    split: TenderSplit
    short: dict[str, int]  # units sold that were not free on the shelf, by SKU
    replayed: bool


def record_offline_sale(
    *,
    store_id: int,
    ticket: str,
    lines: list[OfflineLine],
    cash_given: Decimal,
    sold_at: datetime,
    actor: str = "",
    now: datetime | None = None,
) -> OfflineSale:
    """Record a sale the till made offline, once per ticket: its order (collected), its cash in
    the ledger on the day it was sold, at the sealed prices, and its units off the shelf as far
    as they are free; the rest is `short` and the store is told (`order.sold_offline_short`).
    Refused (nothing written) only when the sale is not one this till could have made: a price
    it was not given, a sale from the future, tenders that do not pay it."""
    now = now or clock.now()
    done = _sold(ticket, store_id)
    if done is not None:
        return _replayed(done, cash_given)
    if not now - QUEUE_KEPT_FOR <= sold_at <= now + CLOCK_SKEW:
        raise queued_sale_refused("sold_at", "not a time this till could have sold at")
    sold_at = min(sold_at, now)
    priced = _priced(lines, store_id=store_id, sold_at=sold_at)
    total = sum((price * quantity for _, quantity, price, _ in priced), Decimal("0"))
    currencies = {currency for *_, currency in priced}
    if len(currencies) != 1:
        raise queued_sale_refused("lines.seal", "prices in several currencies")
    try:
        split = split_tenders(total=total, card=Decimal("0"), cash_given=cash_given)
    except TendersShort as error:
        raise TendersDoNotCover(
            f"The cash given does not pay {total}: {error}.",
            errors=[{"field": "cash_given", "message": str(error)}],
        ) from None
    try:
        order, short = _write_sale(
            store_id=store_id,
            ticket=ticket,
            priced=priced,
            total=total,
            currency=currencies.pop(),
            split=split,
            actor=actor,
            sold_at=sold_at,
            now=now,
        )
    except IntegrityError:
        done = _sold(ticket, store_id)  # the same queued sale, sent from another tab
        if done is not None:
            return _replayed(done, cash_given)
        if Order.objects.filter(reference=ticket).exists():
            raise queued_sale_refused("ticket", "another order's reference") from None
        raise
    return OfflineSale(order, split, short, replayed=False)


def _priced(
    lines: list[OfflineLine], *, store_id: int, sold_at: datetime
) -> list[tuple[str, int, Decimal, str]]:
    if not lines:
        raise InvalidOrder(
            "The sale has no line.", errors=[{"field": "lines", "message": "at least one line"}]
        )
    priced: dict[str, tuple[int, Decimal, str]] = {}
    for line in lines:
        if not 1 <= line.quantity <= 99:
            raise queued_sale_refused("lines.quantity", "1 to 99 units")
        sku, price, currency = unseal(line.seal, store_id=store_id, sold_at=sold_at)
        if sku in priced and priced[sku][1] != price:
            raise queued_sale_refused("lines.seal", f"{sku} at two prices")
        quantity = priced[sku][0] + line.quantity if sku in priced else line.quantity
        priced[sku] = (quantity, price, currency)
    return [(sku, quantity, price, currency) for sku, (quantity, price, currency) in priced.items()]


def _sold(ticket: str, store_id: int) -> Order | None:
    return Order.objects.filter(
        reference=ticket, fulfilment_mode=FulfilmentMode.TILL_SALE, pickup_location_id=store_id
    ).first()


def _replayed(order: Order, cash_given: Decimal) -> OfflineSale:
    cash = order.total
    split = TenderSplit(Decimal("0"), cash, max(cash_given - cash, Decimal("0")))
    return OfflineSale(order, split, short_of_sale(order), replayed=True)


@transaction_retried
def _write_sale(
    *,
    store_id: int,
    ticket: str,
    priced: list[tuple[str, int, Decimal, str]],
    total: Decimal,
    currency: str,
    split: TenderSplit,
    actor: str,
    sold_at: datetime,
    now: datetime,
) -> tuple[Order, dict[str, int]]:
    with transaction.atomic():
        order = Order.objects.create(
            reference=ticket,
            channel=CHANNEL,
            fulfilment_mode=FulfilmentMode.TILL_SALE,
            status=OrderStatus.COLLECTED,
            pickup_location_id=store_id,
            ordered_at_location_id=store_id,
            total=total,
            currency=currency,
            created_by=actor,
            created_at=sold_at,
            updated_at=now,
        )
        variant_ids = _variant_ids(priced)
        OrderLine.objects.bulk_create(
            OrderLine(
                order=order,
                line_number=number,
                variant_id=variant_ids[sku],
                sku=sku,
                quantity=quantity,
                unit_price=price,
                currency=currency,
                location_id=store_id,
                status=LineStatus.COLLECTED,
                delivered_at=sold_at,
            )
            for number, (sku, quantity, price, currency) in enumerate(priced, start=1)
        )
        payment = Payment.objects.create(
            order=order,
            method=Payment.Method.AT_PICKUP,
            provider="till",
            status=Payment.Status.DUE_AT_PICKUP,
            amount=total,
            currency=currency,
            created_at=sold_at,
            updated_at=now,
        )
        request_operation(
            payment=payment,
            kind=PaymentKind.CAPTURE,
            amount=split.cash,
            idempotency_key=f"capture:{order.pk}:till:{Tender.CASH}",
            tender=Tender.CASH,
            actor=actor,
            now=sold_at,
        )
        names = product_names_of_skus(list(variant_ids))
        record_event(
            events.ORDER_SOLD_AT_TILL,
            aggregate=f"order:{order.pk}",
            payload=_sale_payload(order, priced, names, split),
            now=now,
        )
        short = _take_off_the_shelf(store_id, priced, variant_ids, ticket, actor, sold_at)
        if short:
            record_event(
                events.ORDER_SOLD_OFFLINE_SHORT,
                aggregate=f"order:{order.pk}",
                payload={
                    "order_id": order.pk,
                    "order_reference": order.reference,
                    "customer_id": None,
                    "location_id": store_id,
                    "lines": [{"sku": sku, "quantity": n} for sku, n in short.items()],
                },
                now=now,
            )
    return order, short


def _variant_ids(priced: list[tuple[str, int, Decimal, str]]) -> dict[str, int]:
    ids = variant_ids_for_skus([sku for sku, *_ in priced])
    missing = [sku for sku, *_ in priced if sku not in ids]
    if missing:
        raise queued_sale_refused("lines.seal", f"{missing[0]} is no longer in the catalogue")
    return ids


def _take_off_the_shelf(
    store_id: int,
    priced: list[tuple[str, int, Decimal, str]],
    variant_ids: dict[str, int],
    ticket: str,
    actor: str,
    now: datetime,
) -> dict[str, int]:
    """Each line's units off the shelf as far as they are free now (a savepoint per try, one
    conditional statement each); what is not free is left as it is and returned."""
    short: dict[str, int] = {}
    for sku, quantity, *_ in sorted(priced, key=lambda line: variant_ids[line[0]]):
        want = quantity
        taken = 0
        for _attempt in range(3):
            if want <= 0:
                break
            try:
                with transaction.atomic():
                    sell_at_till(
                        location_id=store_id,
                        lines=[TillLine(variant_ids[sku], sku, want)],
                        ticket=ticket,
                        actor=actor,
                        now=now,
                    )
            except OutOfStock:
                want = min(quantity, free_units(location_id=store_id, variant_id=variant_ids[sku]))
            else:
                taken = want
                break
        if taken < quantity:
            short[sku] = quantity - taken
    return short


def short_of_sale(order: Order) -> dict[str, int]:
    """The units a till sale sold that did not leave the shelf's count: its lines less its
    ticket's till-sale movements at the store. Empty for every sale made online."""
    sold: dict[str, int] = {}
    for sku, quantity in order.lines.values_list("sku", "quantity"):
        sold[sku] = sold.get(sku, 0) + quantity
    taken = units_sold_at_till(location_id=order.pickup_location_id, ticket=order.reference)
    return {
        sku: quantity - taken.get(sku, 0)
        for sku, quantity in sold.items()
        if quantity > taken.get(sku, 0)
    }


def _sale_payload(
    order: Order,
    priced: list[tuple[str, int, Decimal, str]],
    names: dict[str, str],
    split: TenderSplit,
) -> dict[str, object]:
    return {
        "order_id": order.pk,
        "order_reference": order.reference,
        "customer_id": None,
        "channel": CHANNEL,
        "location_id": order.pickup_location_id,
        "total": str(order.total),
        "currency": order.currency,
        "lines": [
            {
                "sku": sku,
                "name": names.get(sku, ""),
                "quantity": quantity,
                "unit_price": str(price),
                "amount": str(price * quantity),
            }
            for sku, quantity, price, _ in priced
        ],
        "card": "0",
        "cash": str(split.cash),
        "cash_given": str(split.cash_given),
        "change": str(split.change),
        "offline": True,
    }
