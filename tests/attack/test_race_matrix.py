"""Every pair of writes that meet on one order or one stock level, released at the same
moment on PostgreSQL, a few rounds each: through the HTTP API where there is one (a client and
a connection per thread), through the worker's service where the worker is the writer.

After every round: no request answered 5xx (nor raised), each side got one of the answers it
may get, `comptoir reconcile` finds nothing, the money adds up (and the fake PSP's own ledger
agrees with ours), no unit came back twice.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client

from comptoir.accounts.tests.factories import make_staff
from comptoir.core.errors import DomainError
from comptoir.fulfilment import services as fulfilment
from comptoir.fulfilment.models import StoreTask
from comptoir.inventory.services.snapshots import apply_stock_snapshot
from comptoir.orders.models import Order
from comptoir.orders.tests.factories import HOME, deliver_events, order_body
from comptoir.returns.models import Return
from comptoir.returns.services import issue_refund

from ..concurrency.racing import at_once
from .world import (
    OTHER_STORE,
    STORE,
    PspLedger,
    assert_reconciles,
    level,
    money_that_does_not_add_up,
    money_the_psp_disagrees_with,
    open_the_shop,
    units_returned_that_do_not_add_up,
)

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]

ROUNDS = 4
SNAPSHOT_ROUNDS = 10
DEADLOCK_ROUNDS, PAIRS = 10, 4  # a deadlock needs two to hold their first lock at once
EXPIRY_ROUNDS = 12  # the window is one PSP call wide: enough rounds to meet it


class Staff:
    """An administrator's signed-in session, shared by the racing threads' own clients."""

    cookies = None

    @classmethod
    def sign_in(cls) -> None:
        client = Client()
        client.force_login(make_staff("administrator"))
        cls.cookies = client.cookies

    @classmethod
    def client(cls) -> Client:
        client = Client()
        client.cookies = cls.cookies
        return client


def _call(method: str, path: str, body: dict | None = None) -> str:
    """One request, from the calling thread: its HTTP status, or the exception that escaped
    (counted as a 500)."""
    try:
        response = getattr(Staff.client(), method)(
            path, body or {}, content_type="application/json"
        )
    except Exception as error:  # noqa: BLE001 - a crash is an outcome the test reports
        return f"raised {type(error).__name__}: {error}"
    return str(response.status_code)


def _worker(service, **arguments) -> str:
    """A worker's write, from the calling thread: 'ok', the refusal's status, or the crash."""
    try:
        service(**arguments)
    except DomainError as error:
        return str(error.status)
    except Exception as error:  # noqa: BLE001
        return f"raised {type(error).__name__}: {error}"
    return "ok"


def _race(*calls) -> list[str]:
    """The calls released at once, one thread each; their outcomes in the calls' order."""
    outcomes: dict[int, str] = {}

    def run(number: int) -> str:
        outcomes[number] = calls[number]()
        return outcomes[number]

    at_once(len(calls), run)
    return [outcomes[number] for number in range(len(calls))]


def _answered(outcomes: list[str], *allowed: set[str]) -> None:
    """No 5xx and no crash; each call's answer among those it may get."""
    assert all(answer in may for answer, may in zip(outcomes, allowed, strict=True)), outcomes


def _everything_adds_up(psp: PspLedger) -> None:
    assert_reconciles()
    assert money_that_does_not_add_up() == []
    assert money_the_psp_disagrees_with(psp) == []
    assert units_returned_that_do_not_add_up() == []


@pytest.fixture
def psp(monkeypatch) -> PspLedger:
    ledger = PspLedger()
    ledger.install(monkeypatch)
    return ledger


@pytest.fixture
def shop(psp):
    world = open_the_shop(units=40)
    Staff.sign_in()
    return world


def _place(body: dict) -> dict:
    response = Staff.client().post("/api/v1/orders", body, content_type="application/json")
    assert response.status_code == 201, response.json()
    deliver_events()  # the stores get their tasks
    return response.json()


def _task(reference: str, kind: str) -> StoreTask:
    return StoreTask.objects.get(order__reference=reference, kind=kind)


def _pickup(*, quantity: int = 1) -> dict:
    return order_body(lines=[{"sku": "JACKET-TRAIL-S", "quantity": quantity}])


def _shipped_from_store(lines: list[tuple[str, int]]) -> dict:
    return order_body(
        mode="ship_from_store",
        pickup=None,
        lines=[{"sku": sku, "quantity": n, "location": OTHER_STORE} for sku, n in lines],
        delivery_address=HOME,
    )


def _ready(*, quantity: int = 1) -> tuple[StoreTask, Order]:
    order = _place(_pickup(quantity=quantity))
    task = _task(order["reference"], "set_aside")
    assert Staff.client().post(f"/api/v1/store-tasks/{task.pk}/ready").status_code == 200
    return task, Order.objects.get(reference=order["reference"])


def _collected(*, quantity: int = 1) -> Order:
    task, order = _ready(quantity=quantity)
    assert _call(
        "post", f"/api/v1/store-tasks/{task.pk}/handover", {"pickup_code": order.pickup_code}
    ) == ("200")
    return order


def _hold(reference: str, sku: str, quantity: int) -> dict:
    return {
        "channel": "web",
        "reference": reference,
        "lines": [{"sku": sku, "location": STORE, "quantity": quantity}],
    }


CANCEL = {"reason": "changed my mind"}


# --- on one stock level ---------------------------------------------------------------------------


def test_hold_and_release_on_one_level(shop, psp):
    for round_ in range(ROUNDS):
        held = Staff.client().post(
            "/api/v1/holds",
            _hold(f"cart-a-{round_}", "JACKET-TRAIL-M", 3),
            content_type="application/json",
        )
        assert held.status_code == 201, held.json()
        hold_id = held.json()[0]["id"]
        outcomes = _race(
            lambda h=hold_id: _call("delete", f"/api/v1/holds/{h}"),
            lambda r=round_: _call(
                "post", "/api/v1/holds", _hold(f"cart-b-{r}", "JACKET-TRAIL-M", 2)
            ),
        )
        _answered(outcomes, {"200"}, {"201", "409"})
        _everything_adds_up(psp)


def test_hold_and_cancel_of_two_line_orders_on_the_same_levels(shop, psp):
    """Orders' cancellations give two levels back while other orders hold the same two."""
    for _ in range(DEADLOCK_ROUNDS):
        # Their lines against the levels' lock order (variant ids: S, M, L as created).
        cancelled = [
            _place(_shipped_from_store([("JACKET-TRAIL-L", 1), ("JACKET-TRAIL-S", 1)]))
            for _ in range(PAIRS)
        ]
        new_order = _shipped_from_store([("JACKET-TRAIL-S", 1), ("JACKET-TRAIL-L", 1)])
        outcomes = _race(
            *[
                lambda ref=order["reference"]: _call(
                    "post", f"/api/v1/orders/{ref}/cancellation", CANCEL
                )
                for order in cancelled
            ],
            *[lambda body=new_order: _call("post", "/api/v1/orders", body)] * PAIRS,
        )
        _answered(outcomes, *[{"200"}] * PAIRS, *[{"201", "409"}] * PAIRS)
        _everything_adds_up(psp)


def test_till_sale_and_hold_of_the_last_units(shop, psp):
    """A walk-in customer buys all but one free unit while an order holds two: one of them
    gets them, never both."""
    for round_ in range(ROUNDS):
        on_hand, held = level("JACKET-TRAIL-S", shop["places"][OTHER_STORE])
        outcomes = _race(
            lambda r=round_, n=on_hand - held - 1: _call(
                "post",
                "/api/v1/till-sales",
                {
                    "store": OTHER_STORE,
                    "ticket": f"T-{r}",
                    "lines": [{"sku": "JACKET-TRAIL-S", "quantity": n}],
                },
            ),
            lambda: _call("post", "/api/v1/orders", _shipped_from_store([("JACKET-TRAIL-S", 2)])),
        )
        _answered(outcomes, {"201", "409"}, {"201", "409"})
        assert outcomes.count("201") == 1, outcomes
        _everything_adds_up(psp)
        received = _call(
            "post",
            "/api/v1/stock-receipts",
            {"location": OTHER_STORE, "sku": "JACKET-TRAIL-S", "quantity": 20},
        )
        assert received == "201"


def test_snapshot_and_hold_on_one_level(shop, psp):
    """A store's count lowers a level while a shopper holds its units: the hold is held or
    answered out-of-stock, and the count keeps the held units held."""
    store = shop["places"][STORE]
    for round_ in range(SNAPSHOT_ROUNDS):
        outcomes = _race(
            lambda r=round_: _worker(
                apply_stock_snapshot,
                location_id=store.pk,
                rows=[("JACKET-TRAIL-L", 6 + r)],
                reference=f"count-{r}",
            ),
            lambda r=round_: _call(
                "post", "/api/v1/holds", _hold(f"cart-{r}", "JACKET-TRAIL-L", 4)
            ),
        )
        _answered(outcomes, {"ok"}, {"201", "409"})
        _everything_adds_up(psp)


# --- on one order ---------------------------------------------------------------------------------


def test_collect_and_collect_of_one_order(shop, psp):
    """A double tap at the counter: handed over and paid once."""
    for _ in range(ROUNDS):
        task, order = _ready()
        handover = f"/api/v1/store-tasks/{task.pk}/handover"
        outcomes = _race(
            *[lambda: _call("post", handover, {"pickup_code": order.pickup_code})] * 2  # noqa: B023
        )
        assert sorted(outcomes) == ["200", "409"], outcomes
        _everything_adds_up(psp)


def test_cancel_and_dispatch_of_one_order(shop, psp):
    """The customer cancels as the store dispatches (the worker has not yet taken the task off
    the store's list): cancelled, or dispatched and paid, never both nor half."""
    for _ in range(ROUNDS * 2):
        order = _place(_shipped_from_store([("JACKET-TRAIL-M", 1)]))
        task = _task(order["reference"], "ship")
        outcomes = _race(
            lambda ref=order["reference"]: _call(
                "post", f"/api/v1/orders/{ref}/cancellation", CANCEL
            ),
            lambda t=task.pk: _call("post", f"/api/v1/store-tasks/{t}/dispatch"),
        )
        assert sorted(outcomes) == ["200", "409"], outcomes
        _everything_adds_up(psp)


def test_expiry_and_collect_of_one_reservation(shop, psp):
    """The worker expires a reservation at its deadline while the customer is at the counter
    with the code: collected and paid, or expired and not paid."""
    for _ in range(EXPIRY_ROUNDS):
        task, order = _ready()
        outcomes = _race(
            lambda at=order.collect_by: _worker(
                fulfilment.expire_uncollected, now=at + timedelta(seconds=1)
            ),
            lambda t=task.pk, code=order.pickup_code: _call(
                "post", f"/api/v1/store-tasks/{t}/handover", {"pickup_code": code}
            ),
        )
        _answered(outcomes, {"ok"}, {"200", "409"})
        assert Order.objects.get(pk=order.pk).status in {"collected", "cancelled"}
        _everything_adds_up(psp)


def test_return_and_return_of_the_same_units(shop, psp):
    """Two counters take back the same two units at once: one return, two units back."""
    for _ in range(ROUNDS):
        order = _collected(quantity=2)
        body = {
            "order": order.reference,
            "location": OTHER_STORE,
            "lines": [{"line_number": 1, "quantity": 2, "reason": "too_small", "sellable": True}],
        }
        outcomes = _race(*[lambda b=body: _call("post", "/api/v1/returns", b)] * 2)
        assert sorted(outcomes) in (["201", "409"], ["201", "422"]), outcomes
        assert Return.objects.filter(order=order).count() == 1
        _everything_adds_up(psp)


def test_refund_and_refund_of_one_return(shop, psp):
    """The refund of a return the PSP first refused is retried twice at once: refunded once."""
    for _ in range(ROUNDS):
        order = _collected(quantity=1)
        psp.failing.add("refund")
        returned = _call(
            "post",
            "/api/v1/returns",
            {
                "order": order.reference,
                "location": STORE,
                "lines": [{"line_number": 1, "quantity": 1, "reason": "other", "sellable": True}],
            },
        )
        assert returned in {"201", "409"}, returned  # received; its refund failed
        record = Return.objects.get(order=order)
        assert record.status == "received"
        outcomes = _race(*[lambda r=record.pk: _worker(issue_refund, return_id=r)] * 2)
        _answered(outcomes, {"ok", "409"}, {"ok", "409"})
        order.payment.refresh_from_db()
        assert order.payment.refunded_amount == record.refund_amount
        _everything_adds_up(psp)
