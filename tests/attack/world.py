"""What the attack tests share: a small retailer (two Lyon stores, a warehouse, the trail
jacket in three sizes), orders placed through the services, and the invariants they check."""

from __future__ import annotations

import threading
from collections import defaultdict
from decimal import Decimal

from django.db.models import Sum

from comptoir.customers.tests.factories import make_shopper
from comptoir.inventory.models import StockLevel
from comptoir.orders.models import Order, OrderLine
from comptoir.orders.payments.adapter import PspResult, PspStatus
from comptoir.orders.payments.fake import FakePsp
from comptoir.orders.services.placing import (
    LineRequest,
    OrderRequest,
    PaymentRequest,
    PlacedOrder,
    place_order,
)
from comptoir.orders.tests.factories import (
    CARD_OK,
    HOME,
    JACKET_SKUS,
    make_jackets,
    make_location,
    stock,
)
from comptoir.reconciliation import reconcile
from comptoir.returns.models import Return, ReturnLine

STORE, OTHER_STORE, WAREHOUSE = "lyon-bellecour", "lyon-part-dieu", "entrepot-lyon"
FEE = Decimal("4.90")


def open_the_shop(units: int = 6) -> dict:
    """The stores, the jackets, `units` of each size everywhere, and Jean."""
    places = {
        STORE: make_location(STORE, city="Lyon"),
        OTHER_STORE: make_location(OTHER_STORE, city="Lyon"),
        WAREHOUSE: make_location(WAREHOUSE, city="Saint-Priest", kind="warehouse"),
    }
    make_jackets()
    for location in places.values():
        for sku in JACKET_SKUS:
            stock(sku, location, units)
    return {"places": places, "jean": make_shopper()}


def place_pickup(world: dict, *, sku: str = "JACKET-TRAIL-S", quantity: int = 1) -> PlacedOrder:
    """A web click & collect at Bellecour, paid by card."""
    return place_order(
        OrderRequest(
            channel="web",
            fulfilment_mode="click_and_collect",
            lines=[LineRequest(sku, quantity)],
            payment=PaymentRequest("card", CARD_OK),
            customer_id=world["jean"].pk,
            pickup_location_id=world["places"][STORE].pk,
        )
    )


def place_home(world: dict, *, sku: str = "JACKET-TRAIL-M", quantity: int = 1) -> PlacedOrder:
    """A web home delivery from the warehouse, with its delivery fee."""
    return place_order(
        OrderRequest(
            channel="web",
            fulfilment_mode="home_delivery",
            lines=[LineRequest(sku, quantity, world["places"][WAREHOUSE].pk)],
            payment=PaymentRequest("card", CARD_OK),
            customer_id=world["jean"].pk,
            delivery_address=HOME,
            delivery_fee=FEE,
            delivery_option="home_standard",
        )
    )


def level(sku: str, location) -> tuple[int, int]:
    row = StockLevel.objects.get(variant__sku=sku, location=location)
    return row.on_hand, row.held


def assert_reconciles() -> None:
    found = reconcile()
    assert found == [], "\n".join(str(d) for d in found)


# --- the invariants every attack test checks, beside `comptoir reconcile` ----------------------

HANDED_OVER = ("dispatched", "at_store", "delivered", "collected")  # left the shelf for the buyer


def money_that_does_not_add_up(*, excused: frozenset[str] = frozenset()) -> list[str]:
    """Each order's payment against its lines: captured = what was handed over or shipped,
    plus the delivery fee once something left; captured ≤ authorised; refunded ≤ captured and
    = what the refunded returns gave back. The `excused` orders (a reference each) are those
    the PSP refused an operation of: their goods may have left without their money, which
    reconcile must then list; only their ceilings are checked here."""
    found = []
    refunded_by_returns = {
        order_id: total
        for order_id, total in Return.objects.filter(status="refunded")
        .values("order_id")
        .annotate(total=Sum("refund_amount"))
        .values_list("order_id", "total")
    }
    for order in Order.objects.select_related("payment").prefetch_related("lines").order_by("pk"):
        payment = order.payment
        handed = sum(
            (
                line.unit_price * line.quantity
                for line in order.lines.all()
                if line.status in HANDED_OVER
            ),
            Decimal("0"),
        )
        expected = handed + (order.delivery_fee if handed else Decimal("0"))
        name = f"{order.reference} ({order.fulfilment_mode}, {order.status})"
        if payment.captured_amount != expected and order.reference not in excused:
            found.append(f"{name}: captured {payment.captured_amount}, handed over {expected}")
        if payment.captured_amount > payment.amount:
            found.append(
                f"{name}: captured {payment.captured_amount} > authorised {payment.amount}"
            )
        if payment.refunded_amount > payment.captured_amount:
            found.append(f"{name}: refunded {payment.refunded_amount} > captured")
        given_back = refunded_by_returns.get(order.pk, Decimal("0"))
        if payment.refunded_amount != given_back and order.reference not in excused:
            found.append(f"{name}: refunded {payment.refunded_amount}, returns gave {given_back}")
    return found


def units_returned_that_do_not_add_up() -> list[str]:
    """No unit comes back twice, none that never reached the customer, and each line counts
    the units taken back in its returns."""
    found = []
    returned = {
        line_id: total
        for line_id, total in ReturnLine.objects.values("order_line_id")
        .annotate(total=Sum("quantity"))
        .values_list("order_line_id", "total")
    }
    for line in OrderLine.objects.filter(pk__in=list(returned)).select_related("order"):
        units = returned[line.pk]
        name = f"{line.order.reference} line {line.line_number} ({line.status})"
        if units > line.quantity:
            found.append(f"{name}: {units} of {line.quantity} unit(s) returned")
        if line.status not in ("delivered", "collected"):
            found.append(f"{name}: {units} unit(s) returned that never reached the customer")
        if line.returned_quantity != units:
            found.append(f"{name}: counts {line.returned_quantity} returned, returns say {units}")
    return found


def money_the_psp_disagrees_with(psp_ledger: PspLedger) -> list[str]:
    """What the customer paid for each payment at the PSP (captured − refunded there) is what
    we recorded as paid. Compared net: a capture the PSP took back by a compensating refund
    is not money taken."""
    found = []
    for order in Order.objects.select_related("payment").order_by("pk"):
        payment = order.payment
        if not payment.provider_reference:
            continue  # paid at the till: no PSP
        captured, refunded = psp_ledger.of(payment.provider_reference)
        if captured - refunded != payment.captured_amount - payment.refunded_amount:
            found.append(
                f"{order.reference} ({order.fulfilment_mode}, {order.status}): the PSP captured "
                f"{captured} and refunded {refunded}; we recorded {payment.captured_amount} "
                f"and {payment.refunded_amount}"
            )
    return found


class PspLedger:
    """The fake PSP's side of the money: what it captured and refunded per payment, and the
    next operations told to fail (a PSP that is down or refuses)."""

    def __init__(self) -> None:
        self.captured: dict[str, Decimal] = defaultdict(Decimal)
        self.refunded: dict[str, Decimal] = defaultdict(Decimal)
        self.failing: set[str] = set()
        self.refused: set[str] = set()  # the payments (PSP references) it refused something of
        self.lock = threading.Lock()  # the race matrix calls it from several threads

    def orders_refused(self) -> frozenset[str]:
        """The orders (by reference) the PSP refused an operation of."""
        return frozenset(
            Order.objects.filter(payment__provider_reference__in=self.refused).values_list(
                "reference", flat=True
            )
        )

    def of(self, reference: str) -> tuple[Decimal, Decimal]:
        return self.captured[reference], self.refunded[reference]

    def install(self, monkeypatch) -> None:
        """Wrap the fake PSP's capture and refund (whatever their keyword arguments become)."""
        for operation, done, book in (
            ("capture", PspStatus.CAPTURED, self.captured),
            ("refund", PspStatus.REFUNDED, self.refunded),
            ("void", PspStatus.VOIDED, None),
        ):
            monkeypatch.setattr(FakePsp, operation, self._wrap(operation, done, book))

    def _wrap(self, operation, done, book):
        original = getattr(FakePsp, operation)
        ledger = self

        def operate(psp, **arguments):
            reference = arguments["provider_reference"]
            with ledger.lock:
                if operation in ledger.failing:
                    ledger.failing.discard(operation)
                    ledger.refused.add(reference)
                    return PspResult(PspStatus.FAILED, reference, "the PSP is unavailable")
            result = original(psp, **arguments)
            if book is not None and result.status == done:
                with ledger.lock:
                    book[reference] += Decimal(arguments["amount"])
            return result

        return operate
