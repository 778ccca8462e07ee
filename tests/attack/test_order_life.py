"""The whole life of orders, attacked: a Hypothesis state machine places orders in every
channel and fulfilment mode and moves them on in any order — pay (approved, declined, 3-D
Secure confirmed later by the PSP's webhook, a payment link), ready, collect, dispatch, deliver
(the carrier's scan), cancel, let the clock run (deadlines and expiry), return in any store
(partly), exchange, refund, with the PSP failing now and then and the worker running when it
gets to it. After every step: `comptoir reconcile` finds nothing, the money adds up (also at
the PSP), no unit comes back twice, and each change is one event.

Everything goes through the services, as the API and the worker call them. The retailer is
built once; each example runs in a savepoint rolled back at its end.
"""

from __future__ import annotations

import os
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import transaction
from django.db.models import Sum
from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
)

from comptoir.core import clock
from comptoir.core.errors import DomainError
from comptoir.core.models import OutboxEvent
from comptoir.fulfilment import services as fulfilment
from comptoir.fulfilment.models import StoreTask
from comptoir.inventory.models import StockLevel
from comptoir.inventory.services.releases import expire_holds
from comptoir.orders.models import Order
from comptoir.orders.payments.fake import FakePsp
from comptoir.orders.services.lifecycle import cancel_order
from comptoir.orders.services.notifications import receive_payment_notification
from comptoir.orders.services.placing import LineRequest, OrderRequest, PaymentRequest, place_order
from comptoir.orders.tests.factories import (
    CARD_3DS,
    CARD_DECLINED,
    CARD_OK,
    HOME,
    JACKET_SKUS,
    deliver_events,
)
from comptoir.returns.models import Return
from comptoir.returns.services import ReturnLineRequest, issue_refund, receive_return
from comptoir.shipping.adapters.fake import FakeCarrier
from comptoir.shipping.domain.tracking import TrackingStatus
from comptoir.shipping.models import Shipment
from comptoir.shipping.services.tracking import take_in
from comptoir.shipping.tests.factories import a_scan, make_carriers

from .world import (
    FEE,
    OTHER_STORE,
    STORE,
    WAREHOUSE,
    PspLedger,
    money_that_does_not_add_up,
    money_the_psp_disagrees_with,
    open_the_shop,
    units_returned_that_do_not_add_up,
)

UNITS = 4  # of each size at each location: enough to sell, few enough to sell out
# (channel, mode, where the units are, pickup store, ordered in, payment method, fee)
WAYS_TO_BUY = [
    ("web", "click_and_collect", STORE, STORE, None, "card", None),
    ("app", "click_and_collect", STORE, STORE, None, "card", None),
    ("store", "reserve_and_collect", STORE, STORE, STORE, "at_pickup", None),
    ("web", "ship_to_store", WAREHOUSE, STORE, None, "card", None),
    ("web", "home_delivery", WAREHOUSE, None, None, "card", FEE),
    ("app", "home_delivery", WAREHOUSE, None, None, "card", FEE),
    ("call_centre", "home_delivery", WAREHOUSE, None, None, "payment_link", FEE),
    ("web", "ship_from_store", OTHER_STORE, None, None, "card", FEE),
    ("store", "endless_aisle_home", WAREHOUSE, None, STORE, "card", FEE),
]
CARDS = {"approved": CARD_OK, "declined": CARD_DECLINED, "3-D Secure": CARD_3DS}
# Enough examples to find each defect of issue 13 that shows without a race (see the report);
# ATTACK_EXAMPLES raises it for a longer hunt.
EXAMPLES = int(os.environ.get("ATTACK_EXAMPLES", "20"))
STEPS = 40

picks = st.integers(min_value=0, max_value=10**6)
# To look past a failure already known, ATTACK_SKIP names invariants not to check (a hunt for
# the next defect on a branch where one is not fixed yet); the suite checks them all.
SKIPPED = set(filter(None, os.environ.get("ATTACK_SKIP", "").split(",")))


def skippable(check):
    def checked(self):
        if check.__name__ not in SKIPPED:
            check(self)

    checked.__name__ = check.__name__
    return checked


class OrderLife(RuleBasedStateMachine):
    """One retailer's orders, moved on by any sequence of the steps of their life."""

    world: dict
    psp: PspLedger
    clock_offset: list[timedelta]

    def __init__(self) -> None:
        super().__init__()
        # Each history in a savepoint rolled back at its end, marked as Django marks a test
        # case's own transaction: the code under test may refuse to call the PSP inside a
        # transaction of its own, and this one is the test's, not the code's.
        self.savepoint = transaction.atomic()
        self.savepoint._from_testcase = True
        self.savepoint.__enter__()
        FakePsp.take_sent()  # no webhook left over from another example
        self.clock_offset[0] = timedelta(0)
        self.orders: list[int] = []
        self.ever_placed: set[int] = set()
        self.ever_ready: set[int] = set()
        self.units_at_start = self._units_on_hand()
        self.sold_at_till = 0  # exchanges: units given at the till from the store's free stock

    def teardown(self) -> None:
        transaction.set_rollback(True)
        self.savepoint.__exit__(None, None, None)

    # --- helpers -------------------------------------------------------------------------------

    def _units_on_hand(self) -> int:
        return StockLevel.objects.aggregate(units=Sum("on_hand"))["units"] or 0

    def _order(self, pick: int) -> Order:
        return Order.objects.select_related("payment").get(pk=self.orders[pick % len(self.orders)])

    def _attempt(self, service, **arguments):
        """Call a service as the API would: a rule that says no is an answer (a 4xx);
        anything else is a 500 and fails the test."""
        try:
            answer = service(**arguments)
            if os.environ.get("ATTACK_DEBUG"):
                print("done", service.__name__)  # noqa: T201
            return answer
        except DomainError as error:
            if os.environ.get("ATTACK_DEBUG"):
                print("refused", service.__name__, type(error).__name__, error)  # noqa: T201
            return None

    def _notice(self) -> None:
        for pk, status in Order.objects.filter(pk__in=self.orders).values_list("pk", "status"):
            if status not in ("awaiting_payment", "cancelled"):
                self.ever_placed.add(pk)
            if status in ("ready_for_pickup", "collected"):
                self.ever_ready.add(pk)

    def _task(self, order: Order, kind: str, status: str) -> StoreTask | None:
        """The order's task on a store's list, once the worker has put it there."""
        deliver_events()
        return (
            StoreTask.objects.filter(order=order, kind=kind, status=status).order_by("pk").first()
        )

    # --- placing and paying --------------------------------------------------------------------

    @initialize(
        cards=st.lists(
            st.sampled_from(["approved", "approved", "3-D Secure"]),
            min_size=len(WAYS_TO_BUY),
            max_size=len(WAYS_TO_BUY),
        ),
        quantities=st.lists(
            st.integers(min_value=1, max_value=2),
            min_size=len(WAYS_TO_BUY),
            max_size=len(WAYS_TO_BUY),
        ),
    )
    def one_order_of_every_kind(self, cards, quantities):
        """Each history starts with one order in every channel and mode, then goes anywhere."""
        for way, card, quantity, sku in zip(
            WAYS_TO_BUY, cards, quantities, JACKET_SKUS * 3, strict=True
        ):
            self.place(way, card, [sku], quantity)

    @rule(
        way=st.sampled_from(WAYS_TO_BUY),
        card=st.sampled_from(sorted(CARDS)),
        skus=st.lists(st.sampled_from(JACKET_SKUS), min_size=1, max_size=2, unique=True),
        quantity=st.integers(min_value=1, max_value=3),
    )
    def place(self, way, card, skus, quantity):
        channel, mode, source, pickup, ordered_in, method, fee = way
        places = self.world["places"]
        placed = self._attempt(
            place_order,
            request=OrderRequest(
                channel=channel,
                fulfilment_mode=mode,
                lines=[LineRequest(sku, quantity, places[source].pk) for sku in skus],
                payment=PaymentRequest(method, CARDS[card] if method == "card" else ""),
                customer_id=self.world["jean"].pk,
                pickup_location_id=places[pickup].pk if pickup else None,
                ordered_at_location_id=places[ordered_in].pk if ordered_in else None,
                delivery_address=HOME if pickup is None else {},
                delivery_fee=fee or Decimal("0"),
                delivery_option="home_standard" if fee else "",
                created_by="attack",
            ),
        )
        if placed is not None:
            self.orders.append(placed.order.pk)

    @rule()
    def psp_sends_its_webhooks(self):
        """The 3-D Secure confirmations the PSP sent arrive."""
        for body, signature in FakePsp.take_sent():
            self._attempt(
                receive_payment_notification, provider_name="fake", body=body, signature=signature
            )

    @precondition(lambda self: self.orders)
    @rule(pick=picks, card=st.sampled_from(["approved", "declined"]))
    def customer_pays_the_link(self, pick, card):
        order = self._order(pick)
        if not order.payment.payment_link:
            return
        token = order.payment.payment_link.rsplit("/", 1)[1]
        body, signature = FakePsp().pay_link(token=token, card_token=CARDS[card])
        self._attempt(
            receive_payment_notification, provider_name="fake", body=body, signature=signature
        )

    @rule(operation=st.sampled_from(["capture", "refund", "void"]))
    def psp_fails_next(self, operation):
        self.psp.failing.add(operation)

    @rule()
    def worker_delivers_events(self):
        deliver_events()

    # --- in the stores and on the road ----------------------------------------------------------

    def _task_to_do(self, pick: int, kind: str, status: str, *, worker_first: bool = True):
        """One of the tasks of this kind on the stores' lists, once the worker put it there."""
        if worker_first:
            deliver_events()
        tasks = list(
            StoreTask.objects.filter(order_id__in=self.orders, kind=kind, status=status)
            .order_by("pk")
            .values_list("pk", "order_id")
        )
        return tasks[pick % len(tasks)] if tasks else (None, None)

    @precondition(lambda self: self.orders)
    @rule(pick=picks)
    def store_makes_it_ready(self, pick):
        task_id, _ = self._task_to_do(pick, "set_aside", "open")
        if task_id is not None:
            self._attempt(fulfilment.mark_ready, task_id=task_id)

    @precondition(lambda self: self.orders)
    @rule(pick=picks, right_code=st.booleans())
    def customer_collects(self, pick, right_code):
        task_id, order_id = self._task_to_do(pick, "set_aside", "ready")
        if task_id is not None:
            code = Order.objects.get(pk=order_id).pickup_code if right_code else "000000"
            self._attempt(fulfilment.hand_over, task_id=task_id, pickup_code=code)

    @precondition(lambda self: self.orders)
    @rule(pick=picks, worker_was_quick=st.booleans())
    def parcel_leaves(self, pick, worker_was_quick):
        """The store dispatches from its list; the worker may not yet have taken a cancelled
        order off it."""
        task_id, _ = self._task_to_do(pick, "ship", "open", worker_first=worker_was_quick)
        if task_id is not None:
            self._attempt(fulfilment.dispatch, task_id=task_id)

    @precondition(lambda self: self.orders)
    @rule(pick=picks)
    def carrier_delivers(self, pick):
        """The carrier's 'delivered' scan for the order's parcel, at home or at the store."""
        deliver_events()  # the dispatch's event makes the shipment
        under_way = list(
            Shipment.objects.filter(order_id__in=self.orders, delivered_at__isnull=True)
            .select_related("carrier")
            .order_by("pk")
        )
        for shipment in under_way[pick % len(under_way) :][:1] if under_way else []:
            scan = a_scan(shipment, TrackingStatus.DELIVERED, clock.now())
            self._attempt(
                take_in,
                carrier=shipment.carrier,
                updates=FakeCarrier(carrier_code=shipment.carrier.code).parse_webhook(
                    {"events": [scan]}
                ),
            )
        deliver_events()  # the scan's event moves the lines on

    @precondition(lambda self: self.orders)
    @rule(pick=picks)
    def someone_cancels(self, pick):
        live = list(
            Order.objects.filter(pk__in=self.orders)
            .exclude(status__in=["cancelled", "collected"])
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        if live:
            self._attempt(cancel_order, order_id=live[pick % len(live)], reason="changed my mind")

    @rule(days=st.sampled_from([1, 3, 8, 15]))
    def time_passes(self, days):
        """The clock moves on and the worker's sweeps run: unpaid orders are cancelled,
        uncollected reservations expire, holds past their time are given back."""
        self.clock_offset[0] += timedelta(days=days)
        fulfilment.cancel_unpaid_orders()
        fulfilment.expire_uncollected()
        expire_holds()

    # --- after the sale ------------------------------------------------------------------------

    @precondition(lambda self: self.orders)
    @rule(
        pick=picks,
        line=picks,
        quantity=st.integers(min_value=1, max_value=3),
        where=st.sampled_from([STORE, OTHER_STORE]),
        sellable=st.booleans(),
        exchange=st.booleans(),
    )
    def customer_brings_it_back(self, pick, line, quantity, where, sellable, exchange):
        # Mostly what reached the customer; now and then anything, which must be refused.
        received = list(
            Order.objects.filter(
                pk__in=self.orders, lines__status__in=["collected", "delivered", "dispatched"]
            )
            .distinct()
            .order_by("pk")
        )
        order = received[pick % len(received)] if received and pick % 4 else self._order(pick)
        lines = list(order.lines.order_by("line_number"))
        chosen = lines[line % len(lines)]
        other_size = next(sku for sku in JACKET_SKUS if sku != chosen.sku)
        returned = self._attempt(
            receive_return,
            order_id=order.pk,
            location_id=self.world["places"][where].pk,
            method="store",
            lines=[
                ReturnLineRequest(
                    chosen.line_number,
                    quantity,
                    "too_small",
                    sellable=sellable,
                    exchange_sku=other_size if exchange else "",
                )
            ],
        )
        if returned is not None and exchange:
            self.sold_at_till += quantity

    @rule()
    def refunds_are_retried(self):
        for return_id in Return.objects.filter(status="received").values_list("pk", flat=True):
            self._attempt(issue_refund, return_id=return_id)

    # --- what must hold after every step ----------------------------------------------------------

    @invariant()
    @skippable
    def everything_reconciles(self):
        """Nothing, but what the PSP's refusals leave for a person to act on: an order whose
        goods left without their money, cancelled with its authorisation still open, or a
        return whose refund is still due, is listed (a discrepancy about that order or its
        returns is expected; one about anything else is not)."""
        from comptoir.reconciliation import reconcile

        refused = self.psp.orders_refused()
        excused = {f"order:{reference}" for reference in refused} | {
            f"return:{reference}"
            for reference in Return.objects.filter(order__reference__in=refused).values_list(
                "reference", flat=True
            )
        }
        found = [d for d in reconcile() if d.subject not in excused]
        assert found == [], "\n".join(str(d) for d in found)

    @invariant()
    @skippable
    def the_money_adds_up(self):
        found = money_that_does_not_add_up(excused=self.psp.orders_refused())
        assert found == [], "\n".join(found)

    @invariant()
    @skippable
    def the_psp_agrees(self):
        found = money_the_psp_disagrees_with(self.psp)
        assert found == [], "\n".join(found)

    @invariant()
    @skippable
    def no_unit_comes_back_twice(self):
        found = units_returned_that_do_not_add_up()
        assert found == [], "\n".join(found)

    @invariant()
    @skippable
    def units_are_neither_invented_nor_lost(self):
        """On hand everywhere = at the start − what left for customers − exchanges given
        + what came back sellable."""
        from comptoir.orders.models import OrderLine
        from comptoir.returns.models import ReturnLine

        left = (
            OrderLine.objects.filter(
                order_id__in=self.orders,
                status__in=["dispatched", "at_store", "delivered", "collected"],
            ).aggregate(units=Sum("quantity"))["units"]
            or 0
        )
        back = (
            ReturnLine.objects.filter(sellable=True).aggregate(units=Sum("quantity"))["units"] or 0
        )
        assert self._units_on_hand() == self.units_at_start - left - self.sold_at_till + back

    @invariant()
    @skippable
    def an_order_is_ready_only_with_its_units_at_the_store(self):
        for order in Order.objects.filter(pk__in=self.orders, status="ready_for_pickup"):
            for line in order.lines.exclude(status="cancelled"):
                at_store = line.status == "at_store" or (
                    line.status == "open" and line.location_id == order.pickup_location_id
                )
                assert at_store, (
                    f"{order.reference} is ready, line {line.line_number} is {line.status}"
                )

    @invariant()
    @skippable
    def each_change_is_one_event(self):
        self._notice()
        for order in Order.objects.filter(pk__in=self.orders):
            counts = dict(
                OutboxEvent.objects.filter(aggregate=f"order:{order.pk}")
                .values_list("type")
                .annotate(n=Sum(1))
                .values_list("type", "n")
            )
            returns = Return.objects.filter(order=order)
            expected = {
                "order.placed": int(order.pk in self.ever_placed),
                "order.cancelled": int(order.status == "cancelled"),
                "order.ready_for_pickup": int(order.pk in self.ever_ready),
                "order.collected": int(order.status == "collected"),
                "fulfilment.dispatched": StoreTask.objects.filter(
                    order=order, kind="ship", status="done"
                ).count(),
                "return.received": returns.count(),
                "refund.issued": returns.filter(status="refunded", refund_amount__gt=0).count(),
            }
            seen = {kind: counts.get(kind, 0) for kind in expected}
            assert seen == expected, order.reference


@pytest.mark.django_db
def test_every_order_life_adds_up(monkeypatch):
    world = open_the_shop(units=UNITS)
    make_carriers()
    offset = [timedelta(0)]
    real_now = clock.now
    monkeypatch.setattr(clock, "now", lambda: real_now() + offset[0])
    psp = PspLedger()
    psp.install(monkeypatch)
    OrderLife.world, OrderLife.psp, OrderLife.clock_offset = world, psp, offset
    machine = OrderLife.TestCase
    machine.settings = settings(
        max_examples=EXAMPLES,
        stateful_step_count=STEPS,
        deadline=None,
        database=None,
        # The same histories on every run, so the suite's verdict is stable; ATTACK_RANDOM=1
        # draws new ones.
        derandomize=not os.environ.get("ATTACK_RANDOM"),
        # Shrinking a 40-step history through the database takes minutes: the suite reports
        # the failing steps as found; ATTACK_SHRINK=1 asks for the shortest one.
        phases=[Phase.explicit, Phase.reuse, Phase.generate]
        + ([Phase.shrink] if os.environ.get("ATTACK_SHRINK") else []),
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    )
    machine().runTest()
