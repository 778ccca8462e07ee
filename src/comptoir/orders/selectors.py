"""Reads of orders, shaped for the API, the store tasks and the returns."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import (
    Count,
    DecimalField,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce

from comptoir.core import clock
from comptoir.core.access import Actor, authorize
from comptoir.core.errors import NotAuthenticated, PermissionDenied
from comptoir.core.reconciling import Discrepancy
from comptoir.inventory.selectors import active_hold_ids, kept_hold_ids
from comptoir.locations.selectors import location_list

from .domain import (
    AT_THE_PICKUP_STORE,
    LEFT_THE_SHELF,
    RETURNABLE_LINES,
    SETTLED_AT_ONCE,
    TERMINAL_OPEN,
    TILL_TENDERS,
    FulfilmentMode,
    LineStatus,
    OperationStatus,
    OrderStatus,
    PaymentKind,
    PricedLine,
    TerminalStatus,
    amount_to_capture,
    pickup_code_matches,
)
from .errors import OrderNotFound, OrderStateConflict, WrongPickupCode
from .models import Order, OrderLine, Payment, PaymentOperation, TerminalRequest


def order_by_reference(reference: str) -> Order:
    order = (
        Order.objects.select_related("payment", "pickup_location", "ordered_at_location")
        .prefetch_related("lines")
        .filter(reference=reference)
        .first()
    )
    if order is None:
        raise OrderNotFound("No such order.")
    return order


def tenders_taken(order_id: int) -> dict[str, Decimal]:
    """What the order's succeeded captures took, by tender (a till receipt's payment lines)."""
    taken: dict[str, Decimal] = {}
    for tender, amount in PaymentOperation.objects.filter(
        payment__order_id=order_id, kind=PaymentKind.CAPTURE, status=OperationStatus.SUCCEEDED
    ).values_list("tender", "amount"):
        taken[tender] = taken.get(tender, Decimal("0")) + amount
    return taken


@dataclass(frozen=True)
class TillTakings:
    """One till's takings in one tender over a day: who took it, how, how much, how often."""

    actor: str  # the associate whose till took it ("user:12")
    tender: str  # cash | store_card
    taken: Decimal  # captures
    given_back: Decimal  # refunds at the till
    operations: int

    @property
    def net(self) -> Decimal:
        return self.taken - self.given_back


def till_takings(*, location_id: int, since: datetime, until: datetime) -> list[TillTakings]:
    """The end-of-day report of a store: succeeded till operations (cash, the store's card
    terminal) of the orders sold or collected there, finished in [since, until), by till (the
    associate who took them) and tender. Read from the ledger, so it adds up to it."""
    rows = (
        PaymentOperation.objects.filter(
            tender__in=[tender.value for tender in TILL_TENDERS],
            kind__in=[PaymentKind.CAPTURE, PaymentKind.REFUND],
            status=OperationStatus.SUCCEEDED,
            finished_at__gte=since,
            finished_at__lt=until,
            payment__order__pickup_location_id=location_id,
        )
        .values("actor", "tender")
        .annotate(
            taken=Coalesce(Sum("amount", filter=Q(kind=PaymentKind.CAPTURE)), Value(Decimal("0"))),
            given_back=Coalesce(
                Sum("amount", filter=Q(kind=PaymentKind.REFUND)), Value(Decimal("0"))
            ),
            operations=Count("pk"),
        )
        .order_by("actor", "tender")
    )
    return [
        TillTakings(
            row["actor"],
            row["tender"],
            Decimal(row["taken"]).quantize(Decimal("0.01")),
            Decimal(row["given_back"]).quantize(Decimal("0.01")),
            row["operations"],
        )
        for row in rows
    ]


def order_by_id(order_id: int) -> Order:
    order = Order.objects.select_related("payment").filter(pk=order_id).first()
    if order is None:
        raise OrderNotFound("No such order.")
    return order


# Returns are taken in any store (the customer brings the goods wherever suits them): the
# store taking it is checked by the caller (`authorize(..., store_id=where)`), not the order's.
_ANY_STORE_PERMISSIONS = frozenset({"returns.read", "returns.write"})


def of_stores(store_ids: Collection[int]) -> Q:
    """THE rule of which orders belong to a store, for every read and write that scopes by
    store: an order belongs to its pickup store, to the store it was ordered at, and to every
    location holding or shipping one of its lines. (A line's location is where its units are
    held, and the place its parcel leaves from.) An associate of any of these stores is part of
    the order's life: they set it aside, hand it over, sell it or ship it."""
    ids = list(store_ids)
    return (
        Q(pickup_location_id__in=ids)
        | Q(ordered_at_location_id__in=ids)
        | Q(Exists(OrderLine.objects.filter(order_id=OuterRef("pk"), location_id__in=ids)))
    )


def access_order_by_reference(
    actor: Actor, reference: str, *, permission: str = "orders.read"
) -> Order:
    """The one way any caller reaches an order, for `permission` ("orders.read",
    "orders.cancel", "returns.write"...).

    A shopper sees only theirs: another's order, or one that does not exist, is the same 404.
    Staff need the permission, and a store-scoped member (an associate) reaches only the
    orders of their stores (`of_stores`): another store's order is a 403, as stores are public
    knowledge. Returns are the exception: any store takes them (`_ANY_STORE_PERMISSIONS`).
    Nothing is written here: a refusal has no side effect."""
    if not actor.is_authenticated:
        raise NotAuthenticated("Sign in or send an API token to use this.")
    order = (
        Order.objects.select_related("payment", "pickup_location", "ordered_at_location")
        .filter(reference=reference)
        .first()
    )
    is_theirs = (
        order is not None
        and actor.customer_id is not None
        and (order.customer_id == actor.customer_id)
    )
    if order is None or (not actor.is_staff_member and not is_theirs):
        raise OrderNotFound("No such order.")
    if is_theirs and actor.has(f"{permission}_own"):
        return order
    authorize(actor, permission, customer_id=order.customer_id)
    scoped = actor.store_ids is not None and permission not in _ANY_STORE_PERMISSIONS
    if scoped and not Order.objects.filter(of_stores(actor.store_ids or ()), pk=order.pk).exists():
        raise PermissionDenied("This order belongs to a store you are not assigned to.")
    return order


def authorize_order_placement(actor: Actor, *, location_ids: Collection[int]) -> None:
    """Raise unless `actor` may place an order naming these locations (its pickup store, the
    store it is ordered at, where its lines are held). A store-scoped staff member commits
    only their own stores' units and counters: every store named must be theirs, so that
    the order they place is one they can read and cancel (`of_stores`). Warehouses are no
    store's: an associate orders from them (the endless aisle), as the sourcing engine may
    from any location."""
    if actor.store_ids is None or not location_ids:
        return
    stores = set(
        location_list(kind="store").filter(pk__in=location_ids).values_list("pk", flat=True)
    )
    if stores - actor.store_ids:
        raise PermissionDenied(
            "This order holds or hands over units of a store you are not assigned to."
        )


def orders_of_customer(customer_id: int) -> QuerySet[Order]:
    return (
        Order.objects.filter(customer_id=customer_id)
        .select_related("payment", "pickup_location", "ordered_at_location")
        .prefetch_related("lines")
        .order_by("-created_at", "-id")
    )


def last_purchases_of(customer_id: int, *, limit: int = 5) -> list[Order]:
    """The person's latest orders that reached them: collected, or sent home (a parcel on its
    way to a store is still waiting there: orders_waiting_at)."""
    bought = Q(status=OrderStatus.COLLECTED) | Q(
        status=OrderStatus.DISPATCHED, pickup_location__isnull=True
    )
    return list(orders_of_customer(customer_id).filter(bought)[:limit])


def open_orders_of_customer(customer_id: int) -> QuerySet[Order]:
    """Orders still under way: awaiting payment, placed, ready for pickup, or on their way to
    the store they will be collected in. A parcel gone home is shipping's to follow."""
    under_way = Q(status__in=["awaiting_payment", "placed", "ready_for_pickup"]) | Q(
        status="dispatched", pickup_location__isnull=False
    )
    return orders_of_customer(customer_id).filter(under_way)


# An order on its way to the counter it will be collected at, not collected yet.
WAITING_FOR_PICKUP = (OrderStatus.READY_FOR_PICKUP, OrderStatus.PLACED, OrderStatus.DISPATCHED)


def orders_waiting_at(*, location_id: int, customer_ids: Collection[int]) -> dict[int, list[Order]]:
    """Per customer, the orders they will collect at this store (click & collect, reserve &
    collect, ship to store): ready ones first, soonest deadline first, then those still being
    prepared or on their way. One query with their lines, whatever the number of customers."""
    waiting: dict[int, list[Order]] = defaultdict(list)
    orders = (
        Order.objects.filter(
            customer_id__in=list(customer_ids),
            pickup_location_id=location_id,
            status__in=[status.value for status in WAITING_FOR_PICKUP],
        )
        .select_related("payment")
        .prefetch_related("lines")
        .order_by("customer_id", "-status", "collect_by", "created_at", "id")
    )
    for order in orders:  # "-status": ready_for_pickup sorts before placed and dispatched
        waiting[order.customer_id].append(order)
    return dict(waiting)


def ensure_collectable(order: Order, *, location_id: int, pickup_code: str) -> None:
    """The one check before a pickup order leaves a counter: ready, collected at this store,
    and the code the customer shows is its pickup code (compared in constant time).

    Raises OrderStateConflict (409) or WrongPickupCode (422); the handover calls it under the
    order's lock, the associate's "check the code" page without one (nothing changes)."""
    if order.status != OrderStatus.READY_FOR_PICKUP:
        raise OrderStateConflict(f"The order is {order.status}, not ready for pickup.")
    if order.pickup_location_id != location_id:
        raise OrderStateConflict("This order is collected in another store.")
    if not pickup_code_matches(order.pickup_code, pickup_code):
        raise WrongPickupCode(
            "This is not the order's pickup code; ask the customer for the code in their message.",
            errors=[{"field": "pickup_code", "message": "does not match this order"}],
        )


def open_lines(order_id: int, *, location_id: int | None = None) -> list[OrderLine]:
    lines = OrderLine.objects.filter(order_id=order_id, status=OrderLine.Status.OPEN)
    if location_id is not None:
        lines = lines.filter(location_id=location_id)
    return list(lines.order_by("line_number"))


def payment_by_provider_reference(provider: str, reference: str) -> Payment | None:
    return (
        Payment.objects.select_related("order")
        .filter(provider=provider, provider_reference=reference)
        .first()
    )


def returnable_lines(order_id: int) -> dict[int, OrderLine]:
    """The lines that reached the customer (collected, or delivered by the carrier), by line
    number; `quantity - returned_quantity` of each is left to return. Read under the order's
    lock when a return is recorded against them."""
    return {
        line.line_number: line
        for line in OrderLine.objects.filter(
            order_id=order_id, status__in=sorted(RETURNABLE_LINES)
        ).order_by("line_number")
    }


def lines_with_returned_units() -> QuerySet[OrderLine]:
    """Every line with units taken back, with its order (reconciling returns)."""
    return OrderLine.objects.filter(returned_quantity__gt=0).select_related("order").order_by("pk")


def lines_not_at_pickup_store(order_id: int, *, pickup_location_id: int) -> list[OrderLine]:
    """The order's lines whose units are not yet at its pickup store: neither held on that
    store's shelf nor in a parcel that arrived there (`domain.AT_THE_PICKUP_STORE`). An
    order is ready for pickup only when this is empty; cancelled lines do not count."""
    return [
        line
        for line in OrderLine.objects.filter(order_id=order_id)
        .exclude(status=LineStatus.CANCELLED)
        .order_by("line_number")
        if not (
            line.status in AT_THE_PICKUP_STORE
            and (line.status != LineStatus.OPEN or line.location_id == pickup_location_id)
        )
    ]


def orders_export(customer_id: int) -> list[dict[str, Any]]:
    """The person's orders for the GDPR export: what, where, how much, and to which address."""
    return [
        {
            "reference": order.reference,
            "channel": order.channel,
            "fulfilment_mode": order.fulfilment_mode,
            "status": order.status,
            "total": str(order.total),
            "delivery_fee": str(order.delivery_fee),
            "currency": order.currency,
            "delivery_address": order.delivery_address,
            "created_at": order.created_at.isoformat(),
            "lines": [
                {"sku": line.sku, "quantity": line.quantity, "unit_price": str(line.unit_price)}
                for line in sorted(order.lines.all(), key=lambda line: line.line_number)
            ],
        }
        for order in orders_of_customer(customer_id).order_by("id")
    ]


def order_counts(*, since: datetime, by: str) -> list[tuple[str, int]]:
    """Orders placed since `since`, counted by `channel` or `fulfilment_mode`, largest first
    (the back office's charts). One aggregate query."""
    field = {"channel": "channel", "fulfilment_mode": "fulfilment_mode"}[by]
    rows = (
        Order.objects.filter(created_at__gte=since)
        .values_list(field)
        .annotate(count=Count("pk"))
        .order_by("-count", field)
    )
    return [(key, count) for key, count in rows]


def order_list(
    *,
    status: str | None = None,
    mode: str | None = None,
    reference: str | None = None,
    store_ids: Collection[int] | None = None,
) -> QuerySet[Order]:
    """Every order, newest first, optionally in one status or fulfilment mode, or the one with
    `reference`; those of `store_ids` only (`of_stores`) for a store-scoped caller (None: every
    store)."""
    orders = Order.objects.select_related("payment", "pickup_location")
    if store_ids is not None:
        orders = orders.filter(of_stores(store_ids))
    if status:
        orders = orders.filter(status=status)
    if mode:
        orders = orders.filter(fulfilment_mode=mode)
    if reference:
        orders = orders.filter(reference=reference)
    return orders.order_by("-created_at", "-id")


def capture_due(order: Order, leaving: Iterable[OrderLine]) -> Decimal:
    """What handing over or shipping `leaving` now may capture: those lines, plus the delivery
    fee if nothing of the order has left before (`domain.amount_to_capture`)."""
    first = not order.lines.filter(status__in=LEFT_THE_SHELF).exists()
    return amount_to_capture(
        [PricedLine(line.sku, line.quantity, line.unit_price, line.currency) for line in leaving],
        delivery_fee=order.delivery_fee,
        first_to_leave=first,
    )


def due_at_the_till(order_id: int) -> Decimal | None:
    """What the till takes when a paid-at-pickup order is handed over now (its open lines, and
    the fee if nothing left before); None for an order paid online."""
    order = Order.objects.select_related("payment").filter(pk=order_id).first()
    if order is None or getattr(order, "payment", None) is None:
        return None
    if order.payment.method != Payment.Method.AT_PICKUP:
        return None
    return capture_due(order, order.lines.filter(status=OrderLine.Status.OPEN))


# How long a capture, refund or void may wait for the PSP's answer before reconcile reports
# it. A pending authorisation (3-D Secure, a payment link) waits for the customer, not for a
# PSP call of ours: the payment-window sweep cancels its order and voids it.
STALE_OPERATION = timedelta(minutes=5)


def _ledger_sum(kind: PaymentKind, *, till: bool | None = None) -> Coalesce:
    condition = Q(operations__kind=kind, operations__status=OperationStatus.SUCCEEDED)
    if till is not None:
        in_till = Q(operations__tender__in=sorted(SETTLED_AT_ONCE))
        condition &= in_till if till else ~in_till
    return Coalesce(
        Sum("operations__amount", filter=condition),
        Value(Decimal("0")),
        output_field=DecimalField(max_digits=12, decimal_places=2),
    )


def refund_asked(*, idempotency_key: str) -> bool:
    """Whether a refund under this key was recorded (and so may have reached the PSP)."""
    return PaymentOperation.objects.filter(idempotency_key=idempotency_key).exists()


def money_discrepancies(*, now: datetime | None = None) -> list[Discrepancy]:
    """Every order whose money does not add up (docs/money.md): its payment's sums against its
    ledger rows, captured > authorised, refunded > captured, a capture that differs from what
    was handed over or shipped (+ the fee), an operation left `requested`, a cancelled order
    whose authorisation is still open. Empty when all is well. A handful of queries."""
    now = now or clock.now()
    found: list[Discrepancy] = []
    payments = Payment.objects.select_related("order").annotate(
        ledger_authorised=_ledger_sum(PaymentKind.AUTHORISE)
        + _ledger_sum(PaymentKind.CAPTURE, till=True),
        ledger_captured=_ledger_sum(PaymentKind.CAPTURE),
        ledger_refunded=_ledger_sum(PaymentKind.REFUND),
        voided=Exists(
            PaymentOperation.objects.filter(
                payment=OuterRef("pk"), kind=PaymentKind.VOID, status=OperationStatus.SUCCEEDED
            )
        ),
        late_void_failed=Exists(
            PaymentOperation.objects.filter(
                payment=OuterRef("pk"),
                kind=PaymentKind.VOID,
                status=OperationStatus.FAILED,
                idempotency_key__startswith="void:late:",
            )
        ),
    )
    in_flight = _captures_in_flight()
    handed_over = _handed_over()
    for payment in payments.order_by("order_id"):
        subject = f"order:{payment.order.reference}"
        found += _sums_of(payment, subject)
        expected = handed_over.get(payment.order_id)
        taken = payment.captured_amount + in_flight.get(payment.pk, Decimal("0"))
        if expected is not None and taken != expected:
            found.append(
                Discrepancy(
                    "captured-as-handed-over",
                    subject,
                    f"captured {payment.captured_amount:.2f} of {expected:.2f} handed over or "
                    "shipped (with the delivery fee)",
                )
            )
        if payment.order.status == OrderStatus.CANCELLED and _authorisation_open(payment):
            found.append(
                Discrepancy(
                    "cancelled-with-open-authorisation",
                    subject,
                    f"cancelled, its payment still {payment.status}: void it at the PSP",
                )
            )
    return found + _left_requested(now)


def _authorisation_open(payment: Any) -> bool:
    """Still authorised at the PSP, beyond what was captured, with no void that succeeded; or
    authorised after its order was cancelled and the void of that late one refused."""
    if payment.status == Payment.Status.PENDING or payment.late_void_failed:
        return True
    if payment.status not in {Payment.Status.AUTHORISED, Payment.Status.CAPTURED}:
        return False
    if payment.authorised_amount <= payment.captured_amount:
        return False
    return not payment.voided


def _sums_of(payment: Any, subject: str) -> list[Discrepancy]:
    found = []
    sums = (
        ("authorised", payment.authorised_amount, payment.ledger_authorised),
        ("captured", payment.captured_amount, payment.ledger_captured),
        ("refunded", payment.refunded_amount, payment.ledger_refunded),
    )
    differ = [f"{name} {kept:.2f}, ledger {rows:.2f}" for name, kept, rows in sums if kept != rows]
    if differ:
        found.append(Discrepancy("sums-match-ledger", subject, "; ".join(differ)))
    if payment.captured_amount > payment.authorised_amount:
        found.append(
            Discrepancy(
                "captured-within-authorised",
                subject,
                f"captured {payment.captured_amount:.2f} > authorised "
                f"{payment.authorised_amount:.2f}",
            )
        )
    if payment.refunded_amount > payment.captured_amount:
        found.append(
            Discrepancy(
                "refunded-within-captured",
                subject,
                f"refunded {payment.refunded_amount:.2f} > captured {payment.captured_amount:.2f}",
            )
        )
    return found


def _captures_in_flight() -> dict[int, Decimal]:
    rows = (
        PaymentOperation.objects.filter(kind=PaymentKind.CAPTURE, status=OperationStatus.REQUESTED)
        .values_list("payment_id")
        .annotate(total=Sum("amount"))
    )
    return {payment_id: total for payment_id, total in rows}


def _handed_over() -> dict[int, Decimal]:
    """Per order with any line gone: what may have been captured for it (amount_to_capture
    over every line that left, the fee with the first)."""
    left: dict[int, list[PricedLine]] = defaultdict(list)
    fees: dict[int, Decimal] = {}
    lines = OrderLine.objects.filter(status__in=LEFT_THE_SHELF).values_list(
        "order_id", "sku", "quantity", "unit_price", "currency", "order__delivery_fee"
    )
    for order_id, sku, quantity, unit_price, currency, fee in lines:
        left[order_id].append(PricedLine(sku, quantity, unit_price, currency))
        fees[order_id] = fee
    return {
        order_id: amount_to_capture(priced, delivery_fee=fees[order_id], first_to_leave=True)
        for order_id, priced in left.items()
    }


def _left_requested(now: datetime) -> list[Discrepancy]:
    stale = Q(requested_at__lt=now - STALE_OPERATION) & ~Q(kind=PaymentKind.AUTHORISE)
    operations = (
        PaymentOperation.objects.filter(stale, status=OperationStatus.REQUESTED)
        .annotate(reference=F("payment__order__reference"))
        .order_by("requested_at", "id")
    )
    return [
        Discrepancy(
            "operation-left-requested",
            f"order:{operation.reference}",
            f"{operation.kind} {operation.amount:.2f} ({operation.idempotency_key}) asked at "
            f"{operation.requested_at.isoformat()}, never answered: retry it",
        )
        for operation in operations
    ]


# --- for `comptoir reconcile`: the state of orders and their lines ----------------------------

FINISHED_ORDERS = (OrderStatus.CANCELLED, OrderStatus.COLLECTED)
# What a line of a collected order may be: handed over, or cancelled before the handover. An
# open one is reported once, by the check of finished orders' open lines.
LINES_OF_A_COLLECTED_ORDER = (LineStatus.COLLECTED, LineStatus.CANCELLED, LineStatus.OPEN)


def order_state_discrepancies() -> list[Discrepancy]:
    """Every order whose lines and holds contradict its state: an open line of a cancelled or
    collected order, a hold still active for a line that is no longer open, a hold kept for an
    order (no expiry) that no line holds, a collected order with a line that was not
    collected."""
    found: list[Discrepancy] = []
    for reference, status, number, sku in (
        OrderLine.objects.filter(status=LineStatus.OPEN, order__status__in=FINISHED_ORDERS)
        .order_by("order_id", "line_number")
        .values_list("order__reference", "order__status", "line_number", "sku")
    ):
        found.append(
            Discrepancy(
                "no-open-line-in-a-finished-order",
                f"order:{reference}",
                f"line {number} ({sku}) is open in a {status} order",
            )
        )
    ended = OrderLine.objects.exclude(status=LineStatus.OPEN).filter(hold_id__isnull=False)
    lines_by_hold = {
        hold_id: (reference, number, sku, status)
        for hold_id, reference, number, sku, status in ended.values_list(
            "hold_id", "order__reference", "line_number", "sku", "status"
        )
    }
    for hold_id in sorted(active_hold_ids(hold_ids=list(lines_by_hold))):
        reference, number, sku, status = lines_by_hold[hold_id]
        found.append(
            Discrepancy(
                "no-active-hold-for-an-ended-line",
                f"order:{reference}",
                f"line {number} ({sku}) is {status} but its hold {hold_id} is still active",
            )
        )
    found += _kept_holds_of_no_line()
    for reference, number, sku, status in (
        OrderLine.objects.filter(order__status=OrderStatus.COLLECTED)
        .exclude(status__in=LINES_OF_A_COLLECTED_ORDER)
        .order_by("order_id", "line_number")
        .values_list("order__reference", "line_number", "sku", "status")
    ):
        found.append(
            Discrepancy(
                "collected-order-lines-collected",
                f"order:{reference}",
                f"the order is collected but line {number} ({sku}) is {status}",
            )
        )
    return found


def _kept_holds_of_no_line() -> list[Discrepancy]:
    """An order's holds never expire (inventory's sweep leaves them to the order): one that no
    line points to would hold its units for ever."""
    kept = kept_hold_ids()
    of_a_line = set(OrderLine.objects.filter(hold_id__in=kept).values_list("hold_id", flat=True))
    return [
        Discrepancy(
            "no-kept-hold-without-a-line",
            f"hold:{hold_id}",
            "active, with no expiry, but no order line holds it: nothing will give its units back",
        )
        for hold_id in sorted(kept - of_a_line)
    ]


# A terminal asked this long ago with no sale to show for it is not a till still at work.
STALE_TERMINAL_REQUEST = timedelta(minutes=5)


def terminal_discrepancies(*, now: datetime | None = None) -> list[Discrepancy]:
    """Card holds no sale claims (ADR 0041): a void the PSP refused or did not answer; a
    terminal asked and never answered, or approved and its sale never written, for longer
    than STALE_TERMINAL_REQUEST. Each is a hold to cancel on the store's terminal."""
    now = now or clock.now()
    left = Q(status=TerminalStatus.VOID_FAILED) | Q(
        status__in=sorted(TERMINAL_OPEN), asked_at__lt=now - STALE_TERMINAL_REQUEST
    )
    checks = {
        TerminalStatus.VOID_FAILED: ("terminal-hold-left-open", "the void failed"),
        TerminalStatus.ASKED: ("terminal-not-answered", "never answered"),
        TerminalStatus.AUTHORISED: ("terminal-hold-unsold", "approved, no sale written"),
    }
    found = []
    for request in (
        TerminalRequest.objects.filter(left).select_related("location").order_by("asked_at", "pk")
    ):
        check, what = checks[TerminalStatus(request.status)]
        found.append(
            Discrepancy(
                check,
                f"till:{request.location.code}:{request.ticket}",
                f"{request.amount:.2f} {request.currency} on the card terminal ({what}"
                f"{': ' + request.failure_reason if request.failure_reason else ''}), asked at "
                f"{request.asked_at.isoformat()}: cancel it on the terminal",
            )
        )
    return found


def orders_to_pay_at_till(*, location_id: int, limit: int = 50) -> list[Order]:
    """What the till takes here, oldest first: the orders ready here whose payment is due at
    the counter (reserve & collect, paid before the handover), and the endless-aisle orders
    placed at this counter and waiting for their payment ("paid at the counter")."""
    due_at_pickup = Q(
        pickup_location_id=location_id,
        status=OrderStatus.READY_FOR_PICKUP,
        payment__status=Payment.Status.DUE_AT_PICKUP,
    )
    ordered_here = Q(ordered_at_location_id=location_id, status=OrderStatus.AWAITING_PAYMENT)
    return list(
        Order.objects.select_related("payment")
        .filter(due_at_pickup | ordered_here)
        .order_by("updated_at", "pk")[:limit]
    )


def order_to_pay_at_till(*, location_id: int, text: str) -> Order | None:
    """The order the associate typed: its reference, or the pickup code the customer shows
    (among the orders ready here only, so a code never reaches another store's order)."""
    text = text.strip()
    if not text:
        return None
    found = (
        Order.objects.select_related("payment")
        .filter(
            Q(pickup_location_id=location_id)
            | Q(ordered_at_location_id=location_id, status=OrderStatus.AWAITING_PAYMENT),
            reference__iexact=text,
        )
        .first()
    )
    if found is not None:
        return found
    waiting = Order.objects.select_related("payment").filter(
        pickup_location_id=location_id, status=OrderStatus.READY_FOR_PICKUP
    )
    matches = [order for order in waiting.filter(pickup_code=text)[:2]]
    return matches[0] if len(matches) == 1 else None


def till_sale_of_ticket(*, ticket: str, location_id: int) -> Order | None:
    """The sale a ticket made at this store's till, with its payment; None if it made none."""
    return (
        Order.objects.select_related("payment")
        .filter(
            reference=ticket,
            fulfilment_mode=FulfilmentMode.TILL_SALE,
            pickup_location_id=location_id,
        )
        .first()
    )
