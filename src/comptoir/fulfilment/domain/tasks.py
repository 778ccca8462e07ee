"""A store task's state machine: what an associate may do with it, and what it becomes.

The rules live in this one table. The services check an action against it under the task's
lock, and the associate's page offers the actions it allows and no other."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class TaskKind(StrEnum):
    SET_ASIDE = "set_aside"  # click & collect, reserve & collect: put it aside for pickup
    SHIP = "ship"  # pick and pack, then dispatch to a home or another store
    # A sale made offline took units the shelf's count no longer had free (sold online or
    # held meanwhile): look at the shelf, correct the count, reorder (ADR 0043).
    RECOUNT = "recount"


class TaskStatus(StrEnum):
    OPEN = "open"
    READY = "ready"  # set aside, waiting for the customer
    DONE = "done"  # handed over or dispatched
    NOT_FOUND = "not_found"  # nothing of it was on the shelf
    CANCELLED = "cancelled"
    EXPIRED = "expired"  # the customer never came


@dataclass(frozen=True)
class Move:
    kinds: frozenset[TaskKind]
    from_statuses: frozenset[TaskStatus]
    to: TaskStatus | None  # None: the task stays as it is (some lines may be sourced again)


_BOTH = frozenset({TaskKind.SET_ASIDE, TaskKind.SHIP})  # an order's units to move
_WAITING = frozenset({TaskStatus.OPEN, TaskStatus.READY})

MOVES: dict[str, Move] = {
    # An associate's actions, as the page names them.
    "ready": Move(frozenset({TaskKind.SET_ASIDE}), frozenset({TaskStatus.OPEN}), TaskStatus.READY),
    "handover": Move(
        frozenset({TaskKind.SET_ASIDE}), frozenset({TaskStatus.READY}), TaskStatus.DONE
    ),
    "dispatch": Move(frozenset({TaskKind.SHIP}), frozenset({TaskStatus.OPEN}), TaskStatus.DONE),
    "not-found": Move(_BOTH, _WAITING, None),
    "checked": Move(frozenset({TaskKind.RECOUNT}), frozenset({TaskStatus.OPEN}), TaskStatus.DONE),
    # What the order's own rules do to its tasks.
    "cancel": Move(_BOTH, _WAITING, TaskStatus.CANCELLED),
    "expire": Move(_BOTH, _WAITING, TaskStatus.EXPIRED),
    "nothing-left": Move(_BOTH, _WAITING, TaskStatus.NOT_FOUND),
}
ASSOCIATE_ACTIONS = ("ready", "handover", "dispatch", "not-found", "checked")


class TaskMoveRefused(Exception):
    pass


def check_move(kind: str, status: str, action: str) -> TaskStatus | None:
    """What the task becomes if `action` is allowed on a `kind` task in `status`; raise
    TaskMoveRefused (with the reason, for the associate) otherwise."""
    move = MOVES[action]
    if TaskKind(kind) not in move.kinds:
        raise TaskMoveRefused(f"This is a {kind} task.")
    if TaskStatus(status) not in move.from_statuses:
        raise TaskMoveRefused(f"This task is {status}.")
    return move.to


def allowed_actions(kind: str, status: str) -> frozenset[str]:
    """The associate's actions the table allows now (before any rule on the order itself)."""
    return frozenset(
        action
        for action in ASSOCIATE_ACTIONS
        if TaskKind(kind) in MOVES[action].kinds
        and TaskStatus(status) in MOVES[action].from_statuses
    )
