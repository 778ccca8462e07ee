"""PostgreSQL ends the web server's sessions (`pg_terminate_backend`, from a connection of
its own) again and again while shoppers place holds through a real server process.

Each request either succeeds or fails cleanly: a 5xx answer is problem+json, and a request
cut off (an error, or no answer at all) is sent again with its Idempotency-Key until it gets
its answer. Afterwards nothing is half-written (`comptoir reconcile` finds no discrepancy,
the units held are exactly the holds answered 201) and the server goes on serving.
"""

from __future__ import annotations

import itertools
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import httpx
import psycopg
import pytest
from django.db import connection

from comptoir.accounts.tests.factories import bearer, make_api_token
from comptoir.inventory.models import Hold, StockLevel
from comptoir.inventory.tests.factories import make_store, make_variant, put_on_shelf
from comptoir.reconciliation import reconcile
from tests.worker.test_worker_survives_a_kill import url_of_the_test_database

from .processes import in_parallel, machines

UNITS = 30
SHOPPERS = 8
HOLDS_EACH = 8  # 64 holds asked for 30 units
PROBLEM = "application/problem+json"
ANSWERS = {201, 409}  # held, or out of stock: a request's last answer is one of them
RETRY_DEADLINE_SECONDS = 60

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]


@dataclass
class Seen:
    """Every answer the shoppers' client got, and every try that got none."""

    answers: list[httpx.Response] = field(default_factory=list)
    cut_off: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def retried(self) -> list[httpx.Response]:
        return [answer for answer in self.answers if answer.status_code not in ANSWERS]


def hold_until_answered(
    client: httpx.Client, body: dict, *, token: str, seen: Seen
) -> httpx.Response:
    """What a careful client does: the same request, under the same key, until it is answered.
    A 5xx, a 409 `request-in-progress` or a cut connection mean: ask again."""
    headers = {**bearer(token), "Idempotency-Key": str(uuid.uuid4())}
    give_up = time.monotonic() + RETRY_DEADLINE_SECONDS
    while time.monotonic() < give_up:
        try:
            answer = client.post("/api/v1/holds", json=body, headers=headers)
        except httpx.TransportError as error:
            with seen.lock:
                seen.cut_off.append(type(error).__name__)
            continue
        with seen.lock:
            seen.answers.append(answer)
        in_progress = answer.status_code == 409 and "request-in-progress" in answer.text
        if answer.status_code in ANSWERS and not in_progress:
            return answer
        time.sleep(0.05)
    pytest.fail(f"hold {body['reference']} got no answer in {RETRY_DEADLINE_SECONDS} s")


@contextmanager
def cutting_sessions(every: float) -> Iterator[list[int]]:
    """From a connection of its own, end every other session of the test database, every
    `every` seconds, except the test's own. Yields the pids ended, to show it happened."""
    own = _backend_pid()
    ended: list[int] = []
    stop = threading.Event()

    def cut() -> None:
        with psycopg.connect(url_of_the_test_database(), autocommit=True) as killer:
            while not stop.wait(every):
                rows = killer.execute(
                    "SELECT pid FROM pg_stat_activity, pg_terminate_backend(pid)"
                    " WHERE datname = current_database()"
                    " AND pid NOT IN (pg_backend_pid(), %s)",
                    [own],
                ).fetchall()
                ended.extend(pid for (pid,) in rows)

    cutter = threading.Thread(target=cut, daemon=True)
    cutter.start()
    try:
        yield ended
    finally:
        stop.set()
        cutter.join(timeout=10)


def _backend_pid() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def test_requests_cut_off_by_ended_database_sessions_fail_cleanly_and_write_nothing_by_half(
    tmp_path,
):
    store, jacket = make_store(), make_variant("JACKET-S")
    put_on_shelf(jacket, store, UNITS)
    _, token = make_api_token("stock.hold", name="web-shop")
    numbers = itertools.count()
    seen = Seen()

    def shopper() -> list[httpx.Response]:
        with httpx.Client(base_url=base, timeout=30) as client:
            return [
                hold_until_answered(
                    client,
                    hold_of_one(jacket.sku, store.code, next(numbers)),
                    token=token,
                    seen=seen,
                )
                for _ in range(HOLDS_EACH)
            ]

    with machines(tmp_path) as running:
        base = running.web("web", running.env(f"sqlite:///{tmp_path / 'queue.sqlite3'}"))
        with cutting_sessions(every=0.2) as ended:
            finals = in_parallel(SHOPPERS, shopper)
        after = httpx.post(
            f"{base}/api/v1/holds",
            json=hold_of_one(jacket.sku, store.code, next(numbers)),
            headers=bearer(token),
            timeout=30,
        )

    assert ended, "no database session was ended: the fault never happened"
    assert seen.retried() or seen.cut_off, "no request was cut off: nothing was tested"
    unclean = [a for a in seen.retried() if a.headers["content-type"] != PROBLEM]
    assert unclean == [], [(a.status_code, a.headers["content-type"], a.text) for a in unclean]
    held = [answer for answer in finals if answer.status_code == 201]
    assert len(held) == UNITS
    assert all(
        answer.json()["code"] == "out-of-stock" for answer in finals if answer.status_code == 409
    )
    holds = Hold.objects.filter(variant=jacket)
    assert sorted(hold.pk for hold in holds) == sorted(a.json()[0]["id"] for a in held)
    level = StockLevel.objects.get(variant=jacket, location=store)
    assert (level.on_hand, level.held) == (UNITS, UNITS)
    assert reconcile() == []
    # The server goes on serving once the sessions are left alone: sold out, said cleanly.
    assert after.status_code == 409, after.text


def hold_of_one(sku: str, location: str, number: int) -> dict:
    return {
        "channel": "web",
        "reference": f"cart-{number}",
        "lines": [{"sku": sku, "location": location, "quantity": 1}],
    }
