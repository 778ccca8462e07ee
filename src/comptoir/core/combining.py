"""Work that threads of one process submit at the same moment, run together as one batch.

A hot row serialises its writers: each waits for the one before it to commit. When several
request threads of one server process want the same kind of write at once, the first to
arrive leads: it runs its own item together with every item submitted by the time it starts,
and hands each thread its own outcome. Items submitted while a batch runs wait for the next
one, which the first of them leads. Alone, a thread runs its item at once (a batch of one),
so nothing waits for company. This is group commit, done where the requests are.

A wait for the next batch is bounded (`max_wait`): a thread still waiting when it runs out
(the batch ahead is stuck) leaves the line and runs its item alone, so one stuck batch does
not stall every thread behind it. A thread whose item is already in a running batch waits
for that batch's answer: the batch runs one statement, which the database's statement and
lock timeouts bound, and leaving would lose the answer of work already done.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from typing import Generic, TypeVar

logger = logging.getLogger(__name__)

Item = TypeVar("Item")
Outcome = TypeVar("Outcome")


class _Slot(Generic[Item, Outcome]):
    __slots__ = ("item", "ready", "done", "outcome", "error")

    def __init__(self, item: Item) -> None:
        self.item = item
        self.ready = threading.Event()  # set when done, or when handed the lead
        self.done = False
        self.outcome: Outcome | None = None
        self.error: BaseException | None = None

    def finish(self, outcome: Outcome | BaseException) -> None:
        if isinstance(outcome, BaseException):
            self.error = outcome
        else:
            self.outcome = outcome
        self.done = True
        self.ready.set()


class Combiner(Generic[Item, Outcome]):
    """`submit(item)` returns `run_batch`'s outcome for that item, or raises its exception.

    `run_batch(items)` gets the items in the order they were submitted and returns one outcome
    per item, in that order; an outcome that is an exception is raised in its own thread only.
    If `run_batch` itself raises, every thread of that batch gets the error. It runs on the
    leading thread, so whatever is thread-local there (a database connection) is the leader's.
    """

    def __init__(
        self,
        run_batch: Callable[[list[Item]], Sequence[Outcome | BaseException]],
        *,
        max_batch: int = 64,
        max_wait: float | None = None,
    ) -> None:
        self._run_batch = run_batch
        self._max_batch = max_batch
        self._max_wait = max_wait  # seconds a thread waits in line; None: no limit
        self._lock = threading.Lock()
        self._pending: list[_Slot[Item, Outcome]] = []
        self._busy = False  # a thread is leading; then pending items wait for it

    def submit(self, item: Item) -> Outcome:
        slot: _Slot[Item, Outcome] = _Slot(item)
        with self._lock:
            self._pending.append(slot)
            leads = not self._busy
            self._busy = True
        if not leads and not slot.ready.wait(self._max_wait):
            with self._lock:
                left = not slot.ready.is_set() and slot in self._pending
                if left:
                    self._pending.remove(slot)
            if left:
                logger.warning("a batch ran past %.3f s: an item runs alone", self._max_wait)
                return self._alone(slot.item)
            slot.ready.wait()  # in a running batch (or handed the lead): its answer is coming
        if not slot.done:
            self._lead()  # this slot is first in line, so it is in the batch
        if slot.error is not None:
            raise slot.error
        return slot.outcome  # type: ignore[return-value]

    def _alone(self, item: Item) -> Outcome:
        [outcome] = self._run_batch([item])
        if isinstance(outcome, BaseException):
            raise outcome
        return outcome

    def _lead(self) -> None:
        with self._lock:
            batch = self._pending[: self._max_batch]
            del self._pending[: self._max_batch]
        try:
            outcomes = list(self._run_batch([slot.item for slot in batch]))
            if len(outcomes) != len(batch):
                raise RuntimeError(f"{len(outcomes)} outcomes for a batch of {len(batch)}")
        except BaseException as error:  # noqa: BLE001 - every waiting thread must hear of it
            outcomes = [error] * len(batch)
        for slot, outcome in zip(batch, outcomes, strict=True):
            slot.finish(outcome)
        with self._lock:
            if self._pending:
                self._pending[0].ready.set()  # the next in line leads the next batch
            else:
                self._busy = False
